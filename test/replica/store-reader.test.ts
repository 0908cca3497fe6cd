/**
 * A StoreReader in another thread reads the entries an EntryStore holds from its shared memory, as
 * the store's own thread reads them, and follows the store's changes once told of them.
 */
import { startTsxWorker, type TsxWorker } from '../support/tsx-worker.js';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/directory/entry-uuid.js';
import { EntryStore } from '../../src/replica/entry-store.js';
import { StoreReader } from '../../src/replica/store-reader.js';
import type { Answer, Request } from './store-reader-worker.js';

const uuid = (i: number): string => uuidV5('test', String(i));
const dnOf = (id: string): string => `entryUUID=${id}`;
const DEPARTMENTS = ['Sales', 'Support', 'Research'];

/** 300 people: departments and object classes repeat, so the store's value dictionary holds them. */
function storeOfPeople(): EntryStore {
  const store = new EntryStore(dnOf);
  for (let i = 0; i < 300; i++) put(store, i, { cn: [`Person ${i}`], department: [DEPARTMENTS[i % 3]!] });
  return store;
}

function put(store: EntryStore, i: number, attributes: Record<string, string[]>): number {
  const all = { objectClass: ['top', 'person'], ...attributes };
  return store.put(`id-${i}`, uuid(i), {
    attributes: Object.entries(all).map(([name, strings]) => ({ nameId: store.names.idOf(name), strings })),
  });
}

/** What a thread reads in a slot, as the worker answers it. */
function read(store: EntryStore | StoreReader, slot: number): Answer[number] {
  const entry = store.entry(slot);
  if (!entry || store.generationOf(slot) > store.frees) return null;
  const attributes: [string, string[]][] = [];
  entry.attributes.forEach((attribute) => attributes.push([attribute.name, [...attribute.values]]));
  return { dn: entry.dn, attributes };
}

let worker: TsxWorker<Request, Answer> | undefined;

afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

/** A worker thread with a reader of its own; `ask` posts a request and resolves with its answer. */
function startReader(): (request: Request) => Promise<Answer> {
  const thread = startTsxWorker<Request, Answer>(new URL('./store-reader-worker.ts', import.meta.url));
  worker = thread;
  return (request) => thread.ask(request);
}

/** A worker thread loads its modules through tsx: a generous bound for a busy machine. */
const WORKER_TEST = { timeout: 30_000 };

describe('StoreReader', () => {
  it('reads in a worker thread the same entries as the store reads in its own', WORKER_TEST, async () => {
    const store = storeOfPeople();
    expect(store.values.all).toEqual(expect.arrayContaining(['Sales', 'person']));
    const ask = startReader();
    await ask({ kind: 'attach', share: store.share() });
    const slots = [...store.slots()];
    const inWorker = await ask({ kind: 'read', slots });
    expect(inWorker).toEqual(slots.map((slot) => read(store, slot)));
    expect(inWorker[7]).toEqual({
      dn: `entryUUID=${uuid(7)}`,
      attributes: [
        ['objectClass', ['top', 'person']],
        ['cn', ['Person 7']],
        ['department', ['Support']],
      ],
    });
  });

  it(
    'sees in a worker an entry the store changed, and one it added with a new attribute after the notice',
    WORKER_TEST,
    async () => {
      const store = storeOfPeople();
      const ask = startReader();
      await ask({ kind: 'attach', share: store.share() });
      const known = { names: store.names.all.length, values: store.values.all.length };
      const changed = put(store, 5, { cn: ['Renamed Person'], department: ['Sales'] });
      const added = put(store, 300, { cn: ['New Person'], mobile: ['+49 170 1234567'] });
      // The changed record refers to nothing new: it is read at once. The new one names an attribute
      // (mobile) the worker has not been told of: it is read once the notice comes.
      const [before, addedBefore] = await ask({ kind: 'read', slots: [changed, added] });
      expect(before).toEqual(read(store, changed));
      expect(addedBefore).toBeNull();
      await ask({ kind: 'update', share: store.share(known.names, known.values) });
      const [after, addedAfter] = await ask({ kind: 'read', slots: [changed, added] });
      expect(after).toEqual(read(store, changed));
      expect(addedAfter).toEqual(read(store, added));
      expect(addedAfter?.attributes).toContainEqual(['mobile', ['+49 170 1234567']]);
    },
  );

  it('skips an entry deleted since its notice, and reads the old records until told of a compaction', () => {
    const store = storeOfPeople();
    const reader = new StoreReader(store.share(), dnOf);
    const slot = store.delete('id-9')!;
    expect(read(reader, slot)).toBeNull();
    for (let i = 0; i < 300; i += 2) put(store, i, { cn: [`Changed ${i}`] });
    const beforeCompaction = [...store.slots()].map((s) => read(store, s));
    const arena = store.share().arena;
    store.compact();
    expect(store.share().arena).not.toBe(arena);
    // Told nothing yet: the old arena and its offsets, which the compaction left whole.
    expect([...store.slots()].map((s) => read(reader, s))).toEqual(beforeCompaction);
    reader.update(store.share(reader.names.all.length, reader.values.all.length));
    expect([...reader.slots()]).toEqual([...store.slots()]);
    expect([...store.slots()].map((s) => read(reader, s))).toEqual(beforeCompaction);
    expect(read(reader, slot)).toBeNull();
  });

  it('follows the store as its records, slot tables and UUIDs outgrow their first buffers', () => {
    const store = storeOfPeople();
    const reader = new StoreReader(store.share(), dnOf);
    const long = 'x'.repeat(500);
    // Past the first megabyte of records, 1,024 slots and 1,024 UUIDs.
    for (let i = 300; i < 3300; i++) put(store, i, { cn: [`Person ${i} ${long}`], department: ['Sales'] });
    const changed = put(store, 4, { cn: [`Changed after growth ${long}`], department: ['Support'] });
    // A slot the reader knew, rewritten past the end of the arena it first saw: read at once.
    expect(read(reader, changed)).toEqual(read(store, changed));
    // Slots beyond the last notice are not read until it comes.
    expect(read(reader, 3000)).toBeNull();
    reader.update(store.share(reader.names.all.length, reader.values.all.length));
    const slots = [...store.slots()];
    expect(slots.length).toBe(3300);
    expect([...reader.slots()]).toEqual(slots);
    expect(slots.map((slot) => read(reader, slot))).toEqual(slots.map((slot) => read(store, slot)));
  });

  it('finds entries and record ids by UUID, as of the last notice of the slots written', () => {
    const store = storeOfPeople();
    const reader = new StoreReader(store.share(), dnOf);
    expect(reader.size).toBe(300);
    expect(reader.stampsUpTo).toBe(store.stampsUpTo);
    expect(reader.entryOfUuid(uuid(17))?.dn).toBe(dnOf(uuid(17)));
    expect(reader.recordIdAt(reader.slotOfUuid(uuid(17))!)).toBe('id-17');
    expect(reader.entry(5)?.stamp).toBe(store.entry(5)?.stamp);
    // Person 9 leaves and her slot goes to a newcomer: the reader never pairs the two.
    const slot = store.delete('id-9')!;
    expect(reader.entryOfUuid(uuid(9))).toBeUndefined();
    expect(put(store, 1000, { cn: ['Newcomer'] })).toBe(slot);
    expect(reader.entryOfUuid(uuid(9))).toBeUndefined();
    expect(reader.entryOfUuid(uuid(1000))).toBeUndefined();
    expect(reader.recordIdAt(slot)).toBe('id-1000');
    reader.update(store.share(reader.names.all.length, reader.values.all.length), [slot]);
    expect(reader.entryOfUuid(uuid(1000))?.dn).toBe(dnOf(uuid(1000)));
    expect(reader.entryOfUuid(uuid(9))).toBeUndefined();
    expect(reader.size).toBe(300);
    // A rewritten record has a stamp past what the notice covered.
    put(store, 20, { cn: ['Rewritten'] });
    expect(reader.entryOfUuid(uuid(20))!.stamp!).toBeGreaterThan(reader.stampsUpTo!);
  });

  it('takes a notice that repeats dictionary entries it has already', () => {
    const store = storeOfPeople();
    const reader = new StoreReader(store.share(), dnOf);
    put(store, 400, { cn: ['New'], title: ['Chief'] });
    reader.update(store.share());
    expect(reader.names.all).toEqual(store.names.all);
    expect(reader.values.all).toEqual(store.values.all);
  });

  it('refuses a notice that does not follow what it has', () => {
    const store = storeOfPeople();
    const reader = new StoreReader(store.share(), dnOf);
    expect(() => reader.update(store.share(reader.names.all.length + 1))).toThrow(/out of order/);
  });

  it('cannot share a store naming entries other than by UUID', () => {
    const store = new EntryStore(dnOf);
    store.put('a', 'cn=Anna', { attributes: [] });
    expect(() => store.share()).toThrow(/cn=Anna/);
  });
});
