/**
 * The paging and sync engine on its own, for the cases HTTP tests do not reach cheaply: changes
 * made between the pages of a full sync, a person changed twice, delayed deletions, and tokens
 * presented to another list.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { listPeople, type ListOutcome, type ListQuery } from './list-people.js';
import { PeopleCollection } from './people-collection.js';
import { PersonIds } from './person-ids.js';

function setup(count: number): { clock: FakeClock; people: PeopleCollection; names: string[] } {
  const clock = new FakeClock();
  const people = new PeopleCollection(clock, new PersonIds(), 'CONTACT');
  const names = Array.from(
    { length: count },
    (_, i) => people.add({ names: [{ givenName: `P${i}` }] }).resourceName,
  );
  return { clock, people, names };
}

function query(people: PeopleCollection, clock: FakeClock, extra: Partial<ListQuery> = {}): ListQuery {
  return {
    collection: people,
    scope: 'test',
    params: 'p',
    filter: () => true,
    pageSize: 2,
    pageToken: null,
    syncToken: null,
    requestSyncToken: true,
    syncTokens: { clock, ttlMs: 100_000, validFrom: 0 },
    ...extra,
  };
}

type Page = Extract<ListOutcome, { ok: true }>;

function ok(outcome: ListOutcome): Page {
  if (!outcome.ok) throw new Error(`unexpected error ${JSON.stringify(outcome.error.body)}`);
  return outcome;
}

/** Every page of a listing or a sync; returns what was listed as `name` or `-name` (deleted). */
function drain(base: ListQuery, between?: (page: number) => void): { listed: string[]; syncToken: string } {
  const listed: string[] = [];
  let pageToken: string | null = null;
  for (let page = 0; ; page++) {
    const result = ok(listPeople({ ...base, pageToken }));
    listed.push(...result.people.map(({ record, deleted }) => `${deleted ? '-' : ''}${record.resourceName}`));
    if (result.nextPageToken === undefined) return { listed, syncToken: result.nextSyncToken! };
    expect(result.nextSyncToken).toBeUndefined();
    between?.(page);
    pageToken = result.nextPageToken;
  }
}

describe('listPeople', () => {
  it('reports in the next sync what changed while a full sync was being paged', () => {
    const { clock, people, names } = setup(6);
    const full = drain(query(people, clock), (page) => {
      if (page === 0) people.change(names[0]!, { names: [{ givenName: 'changed behind the cursor' }] });
    });
    expect(full.listed).toEqual([...names].sort());
    const delta = drain(query(people, clock, { syncToken: full.syncToken }));
    expect(delta.listed).toEqual([names[0]]);
  });

  it('reports a person changed twice once, at its latest state; then nothing', () => {
    const { clock, people, names } = setup(3);
    const full = drain(query(people, clock));
    people.change(names[1]!, { names: [{ givenName: 'one' }] });
    people.change(names[1]!, { names: [{ givenName: 'two' }] });
    const first = ok(listPeople(query(people, clock, { syncToken: full.syncToken })));
    expect(first.people.map(({ record }) => record.data.names?.[0]?.givenName)).toEqual(['two']);
    expect(drain(query(people, clock, { syncToken: first.nextSyncToken! })).listed).toEqual([]);
  });

  it('pages a large sync and reports a delayed deletion once its delay has passed', () => {
    const { clock, people, names } = setup(5);
    const full = drain(query(people, clock));
    for (const name of names.slice(0, 4)) people.change(name, { names: [{ givenName: 'x' }] });
    people.delete(names[4]!, { syncDelayMs: 60_000 });
    expect(people.get(names[4]!)).toBeUndefined();
    const delta = drain(query(people, clock, { syncToken: full.syncToken }));
    expect(delta.listed).toEqual(names.slice(0, 4)); // feed order: oldest change first
    clock.advance(60_000);
    expect(drain(query(people, clock, { syncToken: delta.syncToken })).listed).toEqual([`-${names[4]}`]);
  });

  it('omits nextSyncToken unless requested, and refuses tokens of another list', () => {
    const { clock, people } = setup(1);
    expect(ok(listPeople(query(people, clock, { requestSyncToken: false }))).nextSyncToken).toBeUndefined();
    const token = ok(listPeople(query(people, clock))).nextSyncToken!;
    const elsewhere = listPeople(query(people, clock, { scope: 'other user', syncToken: token }));
    expect(elsewhere.ok ? 200 : elsewhere.error.status).toBe(400);
    clock.advance(100_001);
    const expired = listPeople(query(people, clock, { syncToken: token }));
    expect(expired.ok ? undefined : expired.error.body).toMatchObject({
      error: { status: 'FAILED_PRECONDITION' },
    });
  });
});
