/**
 * Searches as a client sees them, driven through one Session in process (session-harness.ts):
 * the entries, the result, the size limit, what a withheld attribute does to a filter, and the
 * whole path over a real Directory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Response } from '../../src/protocol/messages.js';
import { ResultCode } from '../../src/protocol/result-codes.js';
import { SourceBusy, SourceError, type SourceRecord } from '../../src/sources/source.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';
import { TestSource } from '../support/test-source.js';
import { eventually } from '../support/eventually.js';
import { directoryServices } from './directory-services.js';
import { FakeDirectory, fakeServices } from './fake-services.js';
import { pagedCookie, pagedResults, searchRequest } from './request-messages.js';
import { SessionHarness } from './session-harness.js';

const PEOPLE: readonly SourceRecord[] = [
  {
    id: '1',
    fields: {
      cn: ['Anna Schmidt'],
      sn: ['Schmidt'],
      telephoneNumber: ['+49 30 1234-1'],
      mail: ['anna@example.test'],
      userPassword: ['s3cret'],
    },
  },
  { id: '2', fields: { cn: ['Bernd Weber'], sn: ['Weber'], userPassword: ['other'] } },
];
const CONTACTS: readonly SourceRecord[] = [
  { id: 'c1', fields: { cn: ['Carla Lieferant'], sn: ['Lieferant'] } },
];

let harness: SessionHarness | undefined;

afterEach(() => {
  harness?.close();
  harness = undefined;
});

async function open(services: Parameters<typeof SessionHarness.open>[0]): Promise<SessionHarness> {
  harness = await SessionHarness.open(services);
  return harness;
}

function directoryOfPeople(): ReturnType<typeof testDirectory> {
  return testDirectory([
    { name: 'people', records: PEOPLE },
    { name: 'contacts', records: CONTACTS, kind: 'contacts' },
  ]);
}

/** An entry's attributes as a plain object (names as the directory spells them). */
function attributesOf(
  entry: Extract<Response, { type: 'searchResultEntry' }>,
): Record<string, readonly string[]> {
  return Object.fromEntries(entry.attributes.map((attribute) => [attribute.type, attribute.values]));
}

describe('a search through a session', () => {
  it('sends every entry the directory finds, then success', async () => {
    const session = await open(fakeServices(new FakeDirectory()));
    session.send(searchRequest(1, { base: 'ou=3' }));
    const { entries, done } = await session.search(1);
    expect(entries.map((entry) => entry.objectName)).toEqual(['cn=0,ou=3', 'cn=1,ou=3', 'cn=2,ou=3']);
    expect(done.response).toMatchObject({ resultCode: ResultCode.success });
  });

  it('answers sizeLimitExceeded (4) after sizeLimit entries, and stops the search', async () => {
    const directory = new FakeDirectory();
    const session = await open(fakeServices(directory));
    session.send(searchRequest(1, { base: 'ou=10', sizeLimit: 3 }));
    const { entries, done } = await session.search(1);
    expect(entries).toHaveLength(3);
    expect(done.response).toMatchObject({
      resultCode: ResultCode.sizeLimitExceeded,
      diagnosticMessage: 'size limit 3 exceeded',
    });
    await eventually(() => directory.running === 0, 5_000, 'the search to end');
    expect(directory.started).toBe(1);
  });

  it("answers sizeLimitExceeded after the directory's own limit when the client sets none", async () => {
    const session = await open(directoryServices(await directoryOfPeople(), { directory: { sizeLimit: 2 } }));
    session.send(searchRequest(1, { base: TEST_SUFFIX, filter: '(cn=*)' }));
    const { entries, done } = await session.search(1);
    expect(entries).toHaveLength(2);
    expect(done.response.resultCode).toBe(ResultCode.sizeLimitExceeded);
  });

  it('over a real directory: entries of every mount under their DNs, with the attributes asked for', async () => {
    const session = await open(directoryServices(await directoryOfPeople()));
    session.send(
      searchRequest(1, { base: TEST_SUFFIX, filter: '(sn=*)', attributes: ['cn', 'objectClass'] }),
    );
    const { entries, done } = await session.search(1);
    expect(done.response.resultCode).toBe(ResultCode.success);
    expect(entries.map((entry) => entry.objectName)).toEqual([
      expect.stringMatching(/^entryUUID=[0-9a-f-]{36},ou=people,dc=dirbridge,dc=local$/),
      expect.stringMatching(/^entryUUID=[0-9a-f-]{36},ou=people,dc=dirbridge,dc=local$/),
      expect.stringMatching(/^entryUUID=[0-9a-f-]{36},ou=contacts,dc=dirbridge,dc=local$/),
    ]);
    expect(entries.map((entry) => Object.keys(attributesOf(entry)).sort())).toEqual([
      ['cn', 'objectClass'],
      ['cn', 'objectClass'],
      ['cn', 'objectClass'],
    ]);
    expect(attributesOf(entries[0]!).objectClass).toContain('user');
    expect(attributesOf(entries[2]!).objectClass).toContain('contact');
    // The directory's matching rules: a number however it is written, a name without its accents.
    session.send(
      searchRequest(2, { base: TEST_SUFFIX, filter: '(telephoneNumber=030 12341)', attributes: ['cn'] }),
    );
    session.send(searchRequest(3, { base: TEST_SUFFIX, filter: '(cn=bernd wéber)', attributes: ['cn'] }));
    expect((await session.search(2)).entries.map((entry) => attributesOf(entry).cn)).toEqual([
      ['Anna Schmidt'],
    ]);
    expect((await session.search(3)).entries.map((entry) => attributesOf(entry).cn)).toEqual([
      ['Bernd Weber'],
    ]);
  });

  it('keeps the answers of a phone search to send again as they are, and none of a paged import', async () => {
    const services = directoryServices(await directoryOfPeople());
    const kept = services.encodedEntries!;
    const session = await open(services);
    const ask = { base: TEST_SUFFIX, filter: '(sn=*)', attributes: ['cn', 'mail'] };
    session.send(searchRequest(1, { ...ask, controls: [pagedResults(10)] }));
    const imported = await session.search(1);
    expect(imported.entries).toHaveLength(3);
    expect(kept.bytes).toBe(0);
    session.send(searchRequest(2, ask));
    const first = await session.search(2);
    expect(kept.bytes).toBeGreaterThan(0);
    session.send(searchRequest(3, ask));
    const again = await session.search(3);
    // The same entries, attribute by attribute, whether encoded now or sent as kept.
    expect(again.entries).toEqual(first.entries);
    expect(first.entries).toEqual(imported.entries);
  });

  it('pages through a replica whose runs of hits are longer than a page: each entry once, in order', async () => {
    const people: SourceRecord[] = Array.from({ length: 700 }, (_, i) => ({
      id: `p${i}`,
      fields: { cn: [`Person ${i}`], sn: [`Name${i}`], userPassword: ['s3cret'] },
    }));
    const session = await open(directoryServices(await testDirectory([{ name: 'people', records: people }])));
    const ask = { base: `ou=people,${TEST_SUFFIX}`, filter: '(objectClass=*)' };
    session.send(searchRequest(1, ask));
    const whole = (await session.search(1)).entries.map((entry) => JSON.stringify(entry));
    expect(whole).toHaveLength(701);
    expect(whole.join()).not.toContain('s3cret');
    for (const size of [7, 100, 1000]) {
      const paged: string[] = [];
      let cookie: Uint8Array = new Uint8Array();
      let id = 10;
      do {
        session.send(searchRequest(++id, { ...ask, controls: [pagedResults(size, cookie)] }));
        const { entries, done } = await session.search(id);
        expect(done.response.resultCode).toBe(ResultCode.success);
        expect(entries.length).toBeLessThanOrEqual(size);
        paged.push(...entries.map((entry) => JSON.stringify(entry)));
        cookie = pagedCookie(done) ?? new Uint8Array();
      } while (cookie.length > 0);
      expect(paged, `pages of ${size}`).toEqual(whole);
    }
  });

  it('ends a paged search stopped (page size 0) in the middle of a run: its cookie is spent', async () => {
    const people: SourceRecord[] = Array.from({ length: 300 }, (_, i) => ({
      id: `p${i}`,
      fields: { cn: [`Person ${i}`] },
    }));
    const session = await open(directoryServices(await testDirectory([{ name: 'people', records: people }])));
    const ask = { base: `ou=people,${TEST_SUFFIX}`, filter: '(cn=*)', controls: [pagedResults(10)] };
    session.send(searchRequest(1, ask));
    const first = await session.search(1);
    expect(first.entries).toHaveLength(10);
    const cookie = pagedCookie(first.done)!;
    session.send(searchRequest(2, { ...ask, controls: [pagedResults(0, cookie)] }));
    expect((await session.search(2)).entries).toHaveLength(0);
    session.send(searchRequest(3, { ...ask, controls: [pagedResults(10, cookie)] }));
    expect((await session.search(3)).done.response).toMatchObject({ resultCode: ResultCode.protocolError });
  });

  it('finds nothing by a withheld attribute, however the filter names it, and never returns it', async () => {
    const session = await open(directoryServices(await directoryOfPeople()));
    const filters = [
      '(userPassword=s3cret)',
      '(userPassword=*)',
      '(|(userPassword=s3cret)(sn=Nobody))',
      '(!(userPassword=wrong))',
      '(userPassword=s3*)',
      '(2.5.4.35=s3cret)',
      '(:caseExactMatch:=s3cret)',
    ];
    filters.forEach((filter, index) => session.send(searchRequest(index + 1, { base: TEST_SUFFIX, filter })));
    for (const [index, filter] of filters.entries()) {
      const { entries, done } = await session.search(index + 1);
      expect(entries, filter).toEqual([]);
      expect(done.response.resultCode, filter).toBe(ResultCode.success);
    }
    // The same forms on an attribute the caller may see do find her.
    session.send(searchRequest(97, { base: TEST_SUFFIX, filter: '(|(sn=Schmidt)(sn=Nobody))' }));
    session.send(searchRequest(98, { base: TEST_SUFFIX, filter: '(:caseExactMatch:=Schmidt)' }));
    expect((await session.search(97)).entries).toHaveLength(1);
    expect((await session.search(98)).entries).toHaveLength(1);
    session.send(
      searchRequest(99, {
        base: TEST_SUFFIX,
        filter: '(cn=Anna Schmidt)',
        attributes: ['userPassword', '*'],
      }),
    );
    const { entries } = await session.search(99);
    expect(entries).toHaveLength(1);
    expect(Object.keys(attributesOf(entries[0]!)).map((name) => name.toLowerCase())).not.toContain(
      'userpassword',
    );
  });
});

/**
 * A live source whose backend is taken: it throws `failure` at once, or, when waiting, once the
 * search's signal fires (its time limit), as a source waiting in its queue for a connection does.
 */
class TakenSource extends TestSource {
  constructor(
    private readonly failure: () => Error,
    private readonly waits: boolean,
  ) {
    super('people', { mode: 'live' });
  }

  async *search(_query: unknown, signal: AbortSignal): AsyncIterable<SourceRecord> {
    if (this.waits) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    }
    yield* [];
    throw this.failure();
  }
}

async function sessionOver(source: TestSource): Promise<SessionHarness> {
  return open(directoryServices(await testDirectory([{ name: 'people', source, mode: 'live' }])));
}

describe('a search whose source is busy', () => {
  const busy = (): Error =>
    new SourceBusy('people', '1 backend search already running, 4 waiting; try again');

  it('answers busy (51) naming the source when the source is busy at once', async () => {
    const session = await sessionOver(new TakenSource(busy, false));
    session.send(searchRequest(1, { base: TEST_SUFFIX, filter: '(cn=anna)' }));
    const { entries, done } = await session.search(1);
    expect(entries).toEqual([]);
    expect(done.response).toMatchObject({
      resultCode: ResultCode.busy,
      diagnosticMessage: 'source people: 1 backend search already running, 4 waiting; try again',
    });
  });

  it('answers busy, not timeLimitExceeded, when the time limit passed while it waited for the backend', async () => {
    const session = await sessionOver(new TakenSource(busy, true));
    session.send(searchRequest(1, { base: TEST_SUFFIX, filter: '(cn=anna)', timeLimit: 1 }));
    // Paged, as a PBX import asks: the same answer.
    const controls = [pagedResults(10)];
    session.send(searchRequest(2, { base: TEST_SUFFIX, filter: '(cn=anna)', timeLimit: 1, controls }));
    expect((await session.search(1)).done.response.resultCode).toBe(ResultCode.busy);
    expect((await session.search(2)).done.response.resultCode).toBe(ResultCode.busy);
  });

  it('still answers timeLimitExceeded (3) when a source fails otherwise as the time limit passes', async () => {
    const failed = (): Error => new SourceError('people', 'aborted');
    const session = await sessionOver(new TakenSource(failed, true));
    session.send(searchRequest(1, { base: TEST_SUFFIX, filter: '(cn=anna)', timeLimit: 1 }));
    expect((await session.search(1)).done.response.resultCode).toBe(ResultCode.timeLimitExceeded);
  });
});
