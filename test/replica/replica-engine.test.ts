/**
 * The replica engine with a scripted change feed: first load, rounds of upserts, deletions and moves
 * applied in place, a feed that fails midway (nothing of the round applied), a cursor the backend no
 * longer knows (a full listing applied as a diff), the deletion guard, and a paged reader running
 * while rounds are applied (each person exactly once).
 */
import { describe, expect, it, vi } from 'vitest';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FieldMap, IDENTITY_MAP } from '../../src/mapping/field-map.js';
import { Schema } from '../../src/schema/schema.js';
import { engineFor, namesFor, people } from '../support/replica-engine-harness.js';
import { person, ScriptedFeedSource } from '../support/scripted-feed-source.js';

const schema = Schema.load();
const signal = new AbortController().signal;

describe('ReplicaEngine with a change feed', () => {
  it('loads in full, then applies upserts, deletions and renames in place from the cursor', async () => {
    const source = new ScriptedFeedSource('crm', people(50));
    const { engine, presented } = engineFor(source);
    await engine.sync(signal);
    expect(engine.size).toBe(50);
    expect(engine.cursor).toBe('c0');
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(3, 'Zoe Quist') },
        { kind: 'upsert', record: person(51, 'New Comer') },
        { kind: 'delete', id: 'p7' },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    const before = presented();
    const outcome = await engine.sync(signal);
    expect(outcome).toEqual({ applied: { upserts: 2, deletions: 1 } });
    // k changes cost k presentations, not a reload.
    expect(presented() - before).toBe(2);
    expect(source.asked).toEqual(['full', 'changes c0']);
    expect(engine.cursor).toBe('c1');
    expect(engine.size).toBe(50);
    expect(namesFor(engine, '(cn=zoe*)')).toEqual(['Zoe Quist']);
    expect(namesFor(engine, '(cn=Person 3)')).toEqual([]);
    expect(namesFor(engine, '(sn=comer)')).toEqual(['New Comer']);
    expect(namesFor(engine, '(cn=Person 7)')).toEqual([]);
    expect(namesFor(engine, '(telephoneNumber=+4930 5550051)')).toEqual(['New Comer']);
  });

  it('takes the last word on a record within one round, and ignores deletions of what it never held', async () => {
    const source = new ScriptedFeedSource('crm', people(5));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(9, 'Brief Visit') },
        { kind: 'delete', id: 'p9' },
        { kind: 'delete', id: 'p2' },
        { kind: 'upsert', record: person(2, 'Back Again') },
        { kind: 'delete', id: 'never-held' },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    expect(await engine.sync(signal)).toEqual({ applied: { upserts: 1, deletions: 0 } });
    expect(namesFor(engine, '(|(cn=brief*)(cn=back*))')).toEqual(['Back Again']);
    expect(engine.size).toBe(5);
  });

  it('skips a record a round reports again unchanged (a poll that overlaps the last one)', async () => {
    const source = new ScriptedFeedSource('crm', people(5));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(2) },
        { kind: 'upsert', record: person(3, 'Changed Name') },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    expect(await engine.sync(signal)).toEqual({ applied: { upserts: 1, deletions: 0 } });
    expect(namesFor(engine, '(cn=Person 2)')).toEqual(['Person 2']);
    expect(namesFor(engine, '(sn=name)')).toEqual(['Changed Name']);
  });

  it('moves an entry that comes back under a new id with the same UUID (a re-created record)', async () => {
    const source = new ScriptedFeedSource('crm', [
      { ...person(1, 'Moving Person'), uuid: 'aaaaaaaa-0000-4000-8000-000000000001' },
    ]);
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const dnBefore = [...engine.candidates(parseFilter('(objectClass=*)'))].flat()[0]!.dn;
    source.rounds.push({
      items: [
        {
          kind: 'upsert',
          record: {
            id: 'p1-moved',
            uuid: 'aaaaaaaa-0000-4000-8000-000000000001',
            fields: { cn: ['Moving Person'], ou: ['Sales'] },
          },
        },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    await engine.sync(signal);
    const entries = [...engine.candidates(parseFilter('(objectClass=*)'))].flat();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.dn).toBe(dnBefore);
    expect(entries[0]!.attributes.get('ou')?.values).toEqual(['Sales']);
    expect(engine.recordIdOf('aaaaaaaa-0000-4000-8000-000000000001')).toBe('p1-moved');
  });

  it('applies nothing of a round that fails midway, keeps its cursor and retries from it', async () => {
    const source = new ScriptedFeedSource('crm', people(20));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const round = {
      items: [
        { kind: 'upsert' as const, record: person(1, 'Half Applied') },
        { kind: 'delete' as const, id: 'p2' },
        { kind: 'cursor' as const, cursor: 'c1' },
      ],
    };
    source.rounds.push({ ...round, failAfter: 2 }, round);
    await expect(engine.sync(signal)).rejects.toThrow(/went away mid-round/);
    expect(engine.cursor).toBe('c0');
    expect(namesFor(engine, '(cn=half*)')).toEqual([]);
    expect(namesFor(engine, '(cn=Person 2)')).toEqual(['Person 2']);
    await engine.sync(signal);
    expect(source.asked).toEqual(['full', 'changes c0', 'changes c0']);
    expect(namesFor(engine, '(cn=half*)')).toEqual(['Half Applied']);
    expect(namesFor(engine, '(cn=Person 2)')).toEqual([]);
    expect(engine.cursor).toBe('c1');
  });

  it('lists everything again when the backend no longer knows the cursor, and applies it as a diff', async () => {
    const source = new ScriptedFeedSource('crm', people(40));
    const warn = vi.fn();
    const { engine, presented } = engineFor(source, { logger: { info: vi.fn(), warn, error: vi.fn() } });
    await engine.sync(signal);
    source.rounds.push({ expired: true });
    source.records = people(40)
      .filter((record) => record.id !== 'p4')
      .map((record) => (record.id === 'p5' ? person(5, 'Renamed Five') : record));
    source.fullCursor = 'c9';
    const before = presented();
    const outcome = await engine.sync(signal);
    expect(outcome).toEqual({ applied: { upserts: 1, deletions: 1 } });
    // Every record is presented to be compared; only the changed one is stored anew.
    expect(presented() - before).toBe(39);
    expect(source.asked).toEqual(['full', 'changes c0', 'full']);
    expect(engine.cursor).toBe('c9');
    expect(warn).toHaveBeenCalledWith({}, 'crm: cursor c0 is unknown: listing everything again');
    expect(namesFor(engine, '(cn=Person 4)')).toEqual([]);
    expect(namesFor(engine, '(cn=renamed*)')).toEqual(['Renamed Five']);
  });

  it('holds a round that would delete more than maxDeletes, serving the copy until it is accepted', async () => {
    const source = new ScriptedFeedSource('crm', people(100));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const deletions = Array.from({ length: 11 }, (_, i) => ({ kind: 'delete' as const, id: `p${i + 1}` }));
    const round = { items: [...deletions, { kind: 'cursor' as const, cursor: 'c1' }] };
    source.rounds.push(round, round, round);
    const held = await engine.sync(signal);
    expect(held?.held).toMatchObject({ deletions: 11, entries: 100, limit: 10 });
    expect(engine.size).toBe(100);
    expect(engine.cursor).toBe('c0');
    expect(engine.describeHeld(held!.held!)).toMatch(/dirbridge sync --accept-deletes crm/);
    // Held again while nobody accepts it: the copy stays whole.
    expect((await engine.sync(signal))?.held).toBeDefined();
    expect(engine.acceptDeletes()).toMatchObject({ deletions: 11 });
    expect(await engine.sync(signal)).toEqual({ applied: { upserts: 0, deletions: 11 } });
    expect(engine.size).toBe(89);
    expect(engine.held).toBeUndefined();
  });

  it('lets a round of up to maxDeletes through, as a count or a share', async () => {
    for (const [maxDeletes, held] of [
      [59, true],
      [60, false],
      ['5%', true],
      ['6%', false],
    ] as const) {
      const source = new ScriptedFeedSource('crm', people(1000));
      const { engine } = engineFor(source, { maxDeletes });
      await engine.sync(signal);
      source.rounds.push({
        items: Array.from({ length: 60 }, (_, i) => ({ kind: 'delete' as const, id: `p${i + 1}` })),
      });
      expect((await engine.sync(signal))?.held !== undefined, `maxDeletes ${maxDeletes}`).toBe(held);
    }
    // Four engines of 1,000 people: about 2 s alone, past vitest's 5 s on a loaded machine.
  }, 30_000);

  it('hands a paged reader each person exactly once while rounds change, add and delete entries', async () => {
    const source = new ScriptedFeedSource('crm', people(2000));
    const { engine } = engineFor(source, { maxDeletes: '50%' });
    await engine.sync(signal);
    const reader = engine.candidates(parseFilter('(objectClass=*)'));
    const seen = new Map<string, number>();
    const take = (batches: number): void => {
      for (let i = 0; i < batches; i++) {
        const next = reader.next();
        if (next.done) return;
        for (const entry of next.value) {
          const uuid = entry.attributes.get('entryuuid')!.values[0]!;
          seen.set(uuid, (seen.get(uuid) ?? 0) + 1);
        }
      }
    };
    take(2);
    const renamed = Array.from({ length: 300 }, (_, i) => ({
      kind: 'upsert' as const,
      record: person(i * 6 + 1, `Changed ${i}`),
    }));
    const added = Array.from({ length: 300 }, (_, i) => ({
      kind: 'upsert' as const,
      record: person(5000 + i),
    }));
    const deleted = Array.from({ length: 300 }, (_, i) => ({ kind: 'delete' as const, id: `p${i * 6 + 4}` }));
    source.rounds.push({ items: [...renamed, ...deleted, ...added, { kind: 'cursor', cursor: 'c1' }] });
    await engine.sync(signal);
    take(3);
    source.rounds.push({
      items: [
        ...deleted.map((d, i) => ({ kind: 'upsert' as const, record: person(9000 + i) })),
        { kind: 'cursor', cursor: 'c2' },
      ],
    });
    await engine.sync(signal);
    take(Number.MAX_SAFE_INTEGER);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    // Everyone present from start to end was seen, whatever happened to them meanwhile.
    const survivors = people(2000).filter((r) => !deleted.some((d) => d.id === r.id));
    const namespace = new Namespace('dc=test', ['crm'], schema);
    const presenter = new Presenter('crm', 'users', new FieldMap(schema, IDENTITY_MAP), namespace);
    for (const record of survivors) {
      const uuid = presenter.present(record).attributes.get('entryuuid')!.values[0]!;
      expect(seen.get(uuid), record.id).toBe(1);
    }
  });

  describe('for a feed that cannot report deletions', () => {
    it('lists every id once reconciliation is due and deletes who is missing', async () => {
      const source = new ScriptedFeedSource('crm', people(30));
      source.reportsDeletions = false;
      source.listsIds = true;
      const { engine } = engineFor(source, { reconcileEveryMs: 60_000 });
      await engine.sync(signal);
      source.records = people(30).filter((record) => record.id !== 'p3');
      source.rounds.push({
        items: [
          { kind: 'upsert', record: person(31) },
          { kind: 'cursor', cursor: 'c1' },
        ],
      });
      await engine.sync(signal);
      // Not due yet: the change is applied, the person who left is still there.
      expect(source.asked).toEqual(['full', 'changes c0']);
      expect(engine.size).toBe(31);
      const later = performance.now() + 61_000;
      vi.spyOn(performance, 'now').mockReturnValue(later);
      source.records.push(person(31));
      const outcome = await engine.sync(signal);
      expect(source.asked).toEqual(['full', 'changes c0', 'changes c1', 'ids']);
      expect(outcome).toEqual({ applied: { upserts: 0, deletions: 1 } });
      expect(namesFor(engine, '(cn=Person 3)')).toEqual([]);
      expect(engine.size).toBe(30);
      vi.restoreAllMocks();
    });

    it('reads one by one the few listed ids the copy lacks (a change the feed could not see)', async () => {
      const source = new ScriptedFeedSource('crm', people(10));
      source.reportsDeletions = false;
      source.listsIds = true;
      const { engine } = engineFor(source, { reconcileEveryMs: 0 });
      await engine.sync(signal);
      // p11 joined without the feed saying so (a nested group's new member); p4 left.
      source.records = [...people(10).filter((record) => record.id !== 'p4'), person(11, 'Nested Member')];
      const outcome = await engine.sync(signal);
      expect(source.asked).toEqual(['full', 'changes c0', 'ids', 'get p11']);
      expect(outcome).toEqual({ applied: { upserts: 1, deletions: 1 } });
      expect(namesFor(engine, '(sn=member)')).toEqual(['Nested Member']);
      expect(namesFor(engine, '(cn=Person 4)')).toEqual([]);
    });

    it('lists everything when more ids are missing than it reads one by one', async () => {
      const source = new ScriptedFeedSource('crm', people(10));
      source.reportsDeletions = false;
      source.listsIds = true;
      const { engine } = engineFor(source, { reconcileEveryMs: 0, maxDeletes: 0 });
      await engine.sync(signal);
      source.records = people(1011);
      const outcome = await engine.sync(signal);
      expect(source.asked).toEqual(['full', 'changes c0', 'ids', 'full']);
      expect(outcome).toEqual({ applied: { upserts: 1001, deletions: 0 } });
      expect(engine.size).toBe(1011);
    });

    it('reconciles a feed that reports deletions only when it asks to, at its interval', async () => {
      const source = new ScriptedFeedSource('crm', people(5));
      const { engine } = engineFor(source, { reconcileEveryMs: 0 });
      await engine.sync(signal);
      await engine.sync(signal);
      // Reports deletions, no interval of its own: never reconciled.
      expect(source.asked).toEqual(['full', 'changes c0']);
      source.reconcileEveryMs = 60_000;
      vi.spyOn(performance, 'now').mockReturnValue(performance.now() + 61_000);
      source.records = people(4);
      const outcome = await engine.sync(signal);
      // No id listing: the safety net lists everything.
      expect(source.asked).toEqual(['full', 'changes c0', 'changes c0', 'full']);
      expect(outcome).toEqual({ applied: { upserts: 0, deletions: 1 } });
      vi.restoreAllMocks();
    });

    it("follows the feed's own reconciliation interval over the engine's default", async () => {
      const source = new ScriptedFeedSource('crm', people(5));
      source.reportsDeletions = false;
      source.listsIds = true;
      source.reconcileEveryMs = 0;
      const { engine } = engineFor(source, { reconcileEveryMs: 3_600_000 });
      await engine.sync(signal);
      await engine.sync(signal);
      expect(source.asked).toEqual(['full', 'changes c0', 'ids']);
    });

    it('reconciles by a full listing when the backend cannot list ids, under the deletion guard', async () => {
      const source = new ScriptedFeedSource('crm', people(100));
      source.reportsDeletions = false;
      const { engine } = engineFor(source, { reconcileEveryMs: 0 });
      await engine.sync(signal);
      source.records = people(50);
      const outcome = await engine.sync(signal);
      expect(source.asked).toEqual(['full', 'changes c0', 'full']);
      expect(outcome?.held).toMatchObject({ deletions: 50 });
      expect(engine.size).toBe(100);
    });
  });
});
