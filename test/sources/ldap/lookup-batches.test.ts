/**
 * How identifier lookups gather into batches and how a batch's entries are shared out, with a
 * `send` the test answers by hand (the wire is tested in ldap-source-lookup-batches.test.ts, and
 * against slapd by the e2e phone searches through a live source).
 */
import { AndFilter, EqualityFilter, OrFilter, type Entry, type Filter as LdaptsFilter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { LookupBatches, type Lookup } from '../../../src/sources/ldap/lookup-batches.js';

const SCOPE = new EqualityFilter({ attribute: 'objectClass', value: 'person' });

function lookup(value: string): Lookup {
  const equality = new EqualityFilter({ attribute: 'mail', value });
  return { attribute: 'mail', value, equality, filter: new AndFilter({ filters: [SCOPE, equality] }) };
}

/** The values a filter sent asks for, in order. */
function valuesOf(filter: LdaptsFilter): string[] {
  if (filter instanceof EqualityFilter) return filter.attribute === 'mail' ? [String(filter.value)] : [];
  if (filter instanceof AndFilter || filter instanceof OrFilter) return filter.filters.flatMap(valuesOf);
  return [];
}

interface Sent {
  readonly values: string[];
  readonly answer: (entries: readonly Entry[] | undefined) => void;
  readonly fail: (error: Error) => void;
}

/**
 * Batches over a `send` that records each search and waits for the test to answer it. Batches wait
 * behind a search under way for a minute unless told otherwise: a loaded machine's turns must not
 * let the hold send them while a test looks at what waits.
 */
function harness({ most, holdMs = 60_000 }: { most?: number; holdMs?: number } = {}): {
  batches: LookupBatches;
  sent: Sent[];
  send: Parameters<LookupBatches['find']>[2];
} {
  const sent: Sent[] = [];
  const send = (filter: LdaptsFilter): Promise<readonly Entry[] | undefined> =>
    new Promise((resolve, reject) => sent.push({ values: valuesOf(filter), answer: resolve, fail: reject }));
  const batches = new LookupBatches({
    combine: (equalities) => new AndFilter({ filters: [SCOPE, new OrFilter({ filters: [...equalities] })] }),
    askAlone: (error) => error instanceof Error && error.message === 'refused',
    holdMs,
    ...(most === undefined ? {} : { most }),
  });
  return { batches, sent, send };
}

const person = (dn: string, ...mail: string[]): Entry => ({ dn, mail });
/** Past the turn in which what is under way now is due (an answer's end is seen a microtask later). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
const dns = async (found: Promise<readonly Entry[] | undefined>): Promise<string[] | undefined> =>
  (await found)?.map((entry) => entry.dn);
const signal = new AbortController().signal;

describe('lookup batches', () => {
  it('sends a lookup at once when none is under way, and gathers those that come meanwhile into one search', async () => {
    const { batches, sent, send } = harness();
    const first = batches.find('g', lookup('a@x.test'), send, signal);
    expect(sent.map((search) => search.values)).toEqual([['a@x.test']]);
    const later = ['b@x.test', 'c@x.test', 'b@x.test'].map((value) =>
      batches.find('g', lookup(value), send, signal),
    );
    await turn();
    expect(sent).toHaveLength(1);

    sent[0]!.answer([person('uid=a', 'a@x.test')]);
    expect(await dns(first)).toEqual(['uid=a']);
    await turn();
    // One search, each value asked once.
    expect(sent.map((search) => search.values)).toEqual([['a@x.test'], ['b@x.test', 'c@x.test']]);
    sent[1]!.answer([person('uid=c', 'C@X.test'), person('uid=b', 'b@x.test')]);
    expect(await Promise.all(later.map(dns))).toEqual([['uid=b'], ['uid=c'], ['uid=b']]);
  });

  it('keeps groups apart: one gathers behind its own search, not behind those of another', async () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    void batches.find('g', lookup('b@x.test'), send, signal);
    void batches.find('h', lookup('c@x.test'), send, signal);
    void batches.find('h', lookup('d@x.test'), send, signal);
    void batches.find('h', lookup('e@x.test'), send, signal);
    expect(sent.map((search) => search.values)).toEqual([['a@x.test'], ['c@x.test']]);
    sent[1]!.answer([]);
    await turn();
    expect(sent.map((search) => search.values)).toEqual([
      ['a@x.test'],
      ['c@x.test'],
      ['d@x.test', 'e@x.test'],
    ]);
    sent[0]!.answer([]);
    await turn();
    expect(sent.slice(3).map((search) => search.values)).toEqual([['b@x.test']]);
  });

  it('sends the lookups gathered behind a search that is slow to end a few milliseconds on', async () => {
    const { batches, sent, send } = harness({ holdMs: 500 });
    void batches.find('g', lookup('a@x.test'), send, signal);
    const held = ['b@x.test', 'c@x.test'].map((value) => batches.find('g', lookup(value), send, signal));
    await turn();
    expect(sent).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sent.map((search) => search.values)).toEqual([['a@x.test'], ['b@x.test', 'c@x.test']]);
    sent[1]!.answer([person('uid=c', 'c@x.test')]);
    expect(await Promise.all(held.map(dns))).toEqual([[], ['uid=c']]);
  });

  it('sends a full batch without waiting for the search under way', async () => {
    const { batches, sent, send } = harness({ most: 2 });
    void batches.find('g', lookup('a@x.test'), send, signal);
    void batches.find('g', lookup('b@x.test'), send, signal);
    void batches.find('g', lookup('c@x.test'), send, signal);
    void batches.find('g', lookup('d@x.test'), send, signal);
    await turn();
    expect(sent.map((search) => search.values)).toEqual([['a@x.test'], ['b@x.test', 'c@x.test']]);
  });

  it('sends at once, alone, a value it cannot share out safely', () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    for (const value of ['jürgen@x.test', '0049301234', 'cn=a,dc=x', 'back\\slash']) {
      void batches.find('g', lookup(value), send, signal);
    }
    expect(sent.map((search) => search.values)).toEqual([
      ['a@x.test'],
      ['jürgen@x.test'],
      ['0049301234'],
      ['cn=a,dc=x'],
      ['back\\slash'],
    ]);
  });

  it('hands every lookup an entry that holds none of their values, or one that is not ASCII', async () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    const b = batches.find('g', lookup('strasse@x.test'), send, signal);
    const c = batches.find('g', lookup('c@x.test'), send, signal);
    sent[0]!.answer([]);
    await turn();
    sent[1]!.answer([
      person('uid=c', 'c@x.test'),
      // Matched by a rule the key does not model (a server folding ß to ss): not withheld from b.
      person('uid=folded', 'c@x.test', 'straße@x.test'),
      person('uid=nobody', 'other@x.test'),
      { dn: 'uid=nomail' },
      // Spaces, hyphens and case ignored, and the attribute's name in any case.
      { dn: 'uid=spaced', MAIL: ['C @x.te-st'] },
    ]);
    expect(await dns(b)).toEqual(['uid=folded', 'uid=nobody', 'uid=nomail']);
    expect(await dns(c)).toEqual(['uid=c', 'uid=folded', 'uid=nobody', 'uid=nomail', 'uid=spaced']);
  });

  it('asks each lookup again alone when the server refused the batch or cut it short', async () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    const refused = ['b@x.test', 'c@x.test'].map((value) => batches.find('g', lookup(value), send, signal));
    sent[0]!.answer([]);
    await turn();
    sent[1]!.fail(new Error('refused'));
    await turn();
    expect(sent.slice(2).map((search) => search.values)).toEqual([['b@x.test'], ['c@x.test']]);
    sent[2]!.answer([person('uid=b', 'b@x.test')]);
    sent[3]!.fail(new Error('refused'));
    expect(await dns(refused[0]!)).toEqual(['uid=b']);
    await expect(refused[1]).rejects.toThrow('refused');

    const cut = ['d@x.test', 'e@x.test', 'f@x.test'].map((value) =>
      batches.find('g', lookup(value), send, signal),
    );
    expect(sent.slice(4).map((search) => search.values)).toEqual([['d@x.test']]);
    sent[4]!.answer(undefined);
    await turn();
    expect(sent.slice(5).map((search) => search.values)).toEqual([['e@x.test', 'f@x.test']]);
    sent[5]!.answer(undefined);
    await turn();
    expect(sent.slice(6).map((search) => search.values)).toEqual([['e@x.test'], ['f@x.test']]);
    sent[6]!.answer(undefined);
    sent[7]!.answer([person('uid=f', 'f@x.test')]);
    expect(await Promise.all(cut.map(dns))).toEqual([undefined, undefined, ['uid=f']]);
  });

  it('ends at once the wait of a lookup whose search was abandoned, and answers the others of its batch', async () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    const abandon = new AbortController();
    const abandoned = batches.find('g', lookup('b@x.test'), send, abandon.signal);
    const kept = batches.find('g', lookup('c@x.test'), send, signal);
    abandon.abort(new Error('abandoned'));
    await expect(abandoned).rejects.toThrow('abandoned');
    sent[0]!.answer([]);
    await turn();
    expect(sent[1]!.values).toEqual(['b@x.test', 'c@x.test']);
    sent[1]!.answer([person('uid=c', 'c@x.test')]);
    expect(await dns(kept)).toEqual(['uid=c']);
  });

  it('keeps gathering behind a search under way while lookups of a refused batch are asked again', async () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    void batches.find('g', lookup('b@x.test'), send, signal);
    void batches.find('g', lookup('c@x.test'), send, signal);
    sent[0]!.answer([]);
    await turn();
    sent[1]!.fail(new Error('refused'));
    await turn();
    expect(sent.slice(2).map((search) => search.values)).toEqual([['b@x.test'], ['c@x.test']]);
    void batches.find('g', lookup('d@x.test'), send, signal);
    void batches.find('g', lookup('e@x.test'), send, signal);
    sent[2]!.answer([]);
    sent[3]!.answer([]);
    await turn();
    void batches.find('g', lookup('f@x.test'), send, signal);
    await turn();
    // d went at once; e and f wait for it together.
    expect(sent.slice(4).map((search) => search.values)).toEqual([['d@x.test']]);
    sent[4]!.answer([]);
    await turn();
    expect(sent.slice(5).map((search) => search.values)).toEqual([['e@x.test', 'f@x.test']]);
  });

  it('fails every lookup of a batch whose connection failed, without asking again', async () => {
    const { batches, sent, send } = harness();
    void batches.find('g', lookup('a@x.test'), send, signal);
    const lost = ['b@x.test', 'c@x.test'].map((value) => batches.find('g', lookup(value), send, signal));
    sent[0]!.answer([]);
    await turn();
    sent[1]!.fail(new Error('connection lost'));
    for (const one of lost) await expect(one).rejects.toThrow('connection lost');
    expect(sent).toHaveLength(2);
  });
});
