/**
 * A replica index shared with another thread (ReplicaIndex.share, attach, update): a worker thread
 * attached to the store and the index, reading the owner's memory, finds the same candidates, the
 * same streams and the same exactness as the owner for name, number, presence and contains
 * filters, on the copy as loaded, after changes applied in place, and after a merge.
 */
import { startTsxWorker, type TsxWorker } from '../support/tsx-worker.js';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/directory/entry-uuid.js';
import { EntryStore } from '../../src/replica/entry-store.js';
import { ReplicaIndex, type ReplicaIndexShare } from '../../src/replica/replica-index.js';
import type { SlotEntry } from '../../src/replica/slot-index.js';
import { MatchingRules } from '../../src/schema/matching-rules.js';
import { Schema } from '../../src/schema/schema.js';
import { answers, type Answers } from './index-answers.js';
import type { Request } from './replica-index-share-worker.js';

const schema = Schema.load();
const rules = new MatchingRules(schema, { defaultCountry: 'DE' });
/** Names whose keys are built before the index serves (as the phonebook's are); the rest on first use. */
const PREPARE = ['cn', 'sn', 'givenName'];
const dnOf = (uuid: string): string => `entryUUID=${uuid}`;

const GIVEN = ['Anna', 'Jörg', 'Zoë', 'François', 'Łukasz', 'Søren', 'Peter', 'Maria', 'Jürgen', 'Ute'];
const FAMILY = ['Müller', 'Schmidt', 'Schäfer', 'Weiß', 'Dvořák', 'Nowak', 'Mueller', 'Krüger', 'Hoffmann'];
const AREAS = ['30', '89', '40', '221', '6221'];
const DEPARTMENTS = ['Sales', 'Support', 'R&D', 'Einkauf'];

/** Person i, in round r of changes (a change gives them another name, number and department). */
function person(i: number, round = 0): Record<string, string[]> {
  const n = i * 7 + round * 13;
  const given = GIVEN[n % GIVEN.length]!;
  const family = FAMILY[(n >> 2) % FAMILY.length]!;
  const number = String(1_000_000 + ((i * 7919 + round * 104_729) % 9_000_000));
  return {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    cn: [`${given} ${family}`],
    sn: [family],
    givenName: [given],
    // Some with an extension: a number's shorter form is reached through its longer one.
    telephoneNumber: [`+49 ${AREAS[n % AREAS.length]} ${number}${i % 5 === 0 ? ` ext. ${i % 90}` : ''}`],
    ...(i % 3 === 0 ? { mobile: [`0151 ${number.split('').reverse().join('')}`] } : {}),
    mail: [`${given}.${family}${i}@example.org`.toLowerCase()],
    department: [DEPARTMENTS[(i + round) % DEPARTMENTS.length]!],
  };
}

const FILTERS = [
  '(cn=an*)',
  '(|(cn=mü*)(sn=mü*))',
  '(|(cn=jö*)(sn=jö*)(givenName=jö*))',
  '(sn=Müller)',
  '(givenName=Zoë)',
  '(cn=*ller*)',
  '(cn=*ö*)',
  '(sn=*mann)',
  '(cn=a*k*r)',
  `(telephoneNumber=*${person(2).telephoneNumber![0]!.slice(-4)})`,
  '(telephoneNumber=*67)',
  '(|(telephoneNumber=*23)(mobile=*23))',
  '(telephoneNumber=*1234*)',
  // Person 1's number, as written and in national form (+49 40 1007919).
  `(telephoneNumber=${person(1).telephoneNumber![0]!})`,
  '(telephoneNumber=0401007919)',
  '(mobile=*)',
  '(mobile=0151*)',
  '(department=*ale*)',
  '(department=Sales)',
  '(mail=*@example.org)',
  '(&(objectClass=person)(sn=s*))',
  '(&(mobile=*)(|(cn=*ller*)(telephoneNumber=*99*)))',
  '(!(sn=x*))',
  '(nosuchattribute=x)',
];

/** The owner's side: a store and its index, changed as the engine changes them. */
class Copy {
  readonly store = new EntryStore(dnOf);
  readonly index: ReplicaIndex;
  #namesTold = 0;
  #valuesTold = 0;

  constructor(people: number) {
    const slots: number[] = [];
    for (let i = 0; i < people; i++) slots.push(this.#put(i, 0));
    this.index = ReplicaIndex.build(
      { schema, rules, read: (slot) => this.store.entry(slot)?.attributes, prepare: PREPARE },
      slots.map((slot) => this.#slotEntry(slot)),
      this.store.slotCount,
    );
  }

  /** One round: people changed (or added) and people deleted. */
  apply(changed: readonly number[], deleted: readonly number[], round: number): void {
    const removed = deleted.map((i) => this.store.delete(`id-${i}`)!);
    const slots = changed.map((i) => this.#put(i, round));
    this.index.apply(
      slots.map((slot) => this.#slotEntry(slot)),
      removed,
      this.store.slotCount,
    );
  }

  /** What the worker is sent: the store's share (the dictionaries' new tails) and the index's. */
  share(kind: 'attach' | 'update'): Request {
    const store = this.store.share(this.#namesTold, this.#valuesTold);
    this.#namesTold = this.store.names.all.length;
    this.#valuesTold = this.store.values.all.length;
    return { kind, store, index: this.index.share(), prepare: PREPARE };
  }

  #put(i: number, round: number): number {
    const attributes = Object.entries(person(i, round)).map(([name, strings]) => ({
      nameId: this.store.names.idOf(name),
      strings,
    }));
    return this.store.put(`id-${i}`, uuidV5('test', String(i)), { attributes });
  }

  #slotEntry(slot: number): SlotEntry {
    return { slot, attributes: this.store.entry(slot)!.attributes };
  }
}

let worker: TsxWorker<Request, Answers> | undefined;

afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

/** A worker thread with an index of its own to attach; `ask` posts a request and resolves with its answer. */
function startWorker(): (request: Request) => Promise<Answers> {
  const thread = startTsxWorker<Request, Answers>(
    new URL('./replica-index-share-worker.ts', import.meta.url),
  );
  worker = thread;
  return (request) => thread.ask(request);
}

/** Every typed array in a share, with where it sits. */
function* typedArrays(value: unknown, path = 'share'): Generator<[string, ArrayBufferView]> {
  if (ArrayBuffer.isView(value)) yield [path, value];
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) yield* typedArrays(item, `${path}[${i}]`);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* typedArrays(item, `${path}.${key}`);
}

/** A worker thread loads its modules through tsx: a generous bound for a busy machine. */
const WORKER_TEST = { timeout: 60_000 };

describe('ReplicaIndex.share', () => {
  it('holds every list and key of the index in shared memory, and no function', () => {
    const copy = new Copy(300);
    copy.apply([1, 2, 3, 400], [5], 1);
    const share: ReplicaIndexShare = copy.index.share();
    const arrays = [...typedArrays(share.base), ...typedArrays(share.recent)];
    // Slots, present lists, keys' code units and starts, offsets, postings, trigrams, suffix order…
    expect(arrays.length).toBeGreaterThan(40);
    for (const [path, array] of arrays)
      expect([path, array.buffer instanceof SharedArrayBuffer]).toEqual([path, true]);
    expect(structuredClone(share)).toBeDefined();
    const names = new Set(arrays.map(([path]) => path.replace(/\[\d+\]/g, '[]')));
    for (const part of [
      'units',
      'starts',
      'postings',
      'trigrams.codes',
      'bySuffix',
      'suffixCodes',
      'present',
      'reach',
    ])
      expect([...names].some((path) => path.endsWith(part))).toBe(true);
  });

  it(
    'answers in a worker thread as the index answers in its own, as loaded, after changes and after a merge',
    WORKER_TEST,
    async () => {
      const copy = new Copy(600);
      const ask = startWorker();
      await ask(copy.share('attach'));
      const loaded = answers(copy.index, FILTERS);
      // The filters find something, so agreeing is not agreeing on nothing.
      expect(loaded.filter((answer) => answer.stream.length > 0).length).toBeGreaterThan(FILTERS.length - 2);
      expect(await ask({ kind: 'ask', filters: FILTERS })).toEqual(loaded);

      // Changes applied in place: stale slots in the base, a recent index of the changed people.
      copy.apply([0, 3, 10, 11, 12, 99, 600, 601], [7, 8, 42], 1);
      await ask(copy.share('update'));
      const changed = answers(copy.index, FILTERS);
      expect(changed).not.toEqual(loaded);
      expect(await ask({ kind: 'ask', filters: FILTERS })).toEqual(changed);

      // A second round: the worker keeps its base (the same one) and takes the new recent index.
      copy.apply([13, 14, 602], [600], 2);
      await ask(copy.share('update'));
      expect(await ask({ kind: 'ask', filters: FILTERS })).toEqual(answers(copy.index, FILTERS));

      // A merge makes a new base.
      const before = copy.index.share().base.id;
      copy.index.merge(copy.store.slotCount);
      expect(copy.index.share().base.id).not.toBe(before);
      await ask(copy.share('update'));
      expect(await ask({ kind: 'ask', filters: FILTERS })).toEqual(answers(copy.index, FILTERS));
    },
  );
});
