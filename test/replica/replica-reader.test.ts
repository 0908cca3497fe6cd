/**
 * The replica's read path in batches: a phone's search (size limit 50, read to the 51st entry that
 * says the limit was passed) makes views of those entries only, later batches double, and the
 * batches together hand out every candidate once, in the order the index streams them.
 */
import { describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/directory/entry-uuid.js';
import { parseFilter } from '../../src/filter/parse.js';
import { EntryStore } from '../../src/replica/entry-store.js';
import { ReplicaIndex } from '../../src/replica/replica-index.js';
import { ReplicaReader, type ReadableStore } from '../../src/replica/replica-reader.js';
import type { SlotEntry } from '../../src/replica/slot-index.js';
import { DONE } from '../../src/replica/slot-stream.js';
import type { EntryAttribute } from '../../src/schema/entry.js';
import { MatchingRules } from '../../src/schema/matching-rules.js';
import { Schema } from '../../src/schema/schema.js';

const schema = Schema.load();
const rules = new MatchingRules(schema, { defaultCountry: 'DE' });
const PEOPLE = 400;
/** A phone's size limit, and the one entry more the directory reads (search-operation.ts). */
const PHONE_READS = 50 + 1;

/** 400 people named `Anna Person i`, every one a match for `*ann*`, with a number each. */
function replicaOfPeople(): { store: EntryStore; index: ReplicaIndex } {
  const store = new EntryStore((uuid) => `entryUUID=${uuid}`);
  const slotted: SlotEntry[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const values: Record<string, string[]> = {
      objectClass: ['top', 'person'],
      cn: [`Anna Person ${i}`],
      telephoneNumber: [`+49 30 555 ${String(1000 + i)}`],
    };
    const attributes = new Map<string, EntryAttribute>();
    for (const [name, strings] of Object.entries(values))
      attributes.set(name.toLowerCase(), { name, values: strings });
    const slot = store.put(`id-${i}`, uuidV5('test', String(i)), {
      attributes: Object.entries(values).map(([name, strings]) => ({
        nameId: store.names.idOf(name),
        strings,
      })),
    });
    slotted.push({ slot, attributes });
  }
  const read = (slot: number): ReadonlyMap<string, EntryAttribute> | undefined =>
    store.entry(slot)?.attributes;
  const index = ReplicaIndex.build({ schema, rules, read, prepare: ['cn'] }, slotted, store.slotCount);
  return { store, index };
}

/** The store, counting the entry views made of it. */
function counting(store: EntryStore): { store: ReadableStore; made: () => number } {
  let made = 0;
  const counted: ReadableStore = {
    get size() {
      return store.size;
    },
    get slotCount() {
      return store.slotCount;
    },
    get frees() {
      return store.frees;
    },
    get stampsUpTo() {
      return store.stampsUpTo;
    },
    generationOf: (slot) => store.generationOf(slot),
    entry: (slot) => {
      made++;
      return store.entry(slot);
    },
    entryOfUuid: (uuid) => store.entryOfUuid(uuid),
    slotOfUuid: (uuid) => store.slotOfUuid(uuid),
    recordIdAt: (slot) => store.recordIdAt(slot),
  };
  return { store: counted, made: () => made };
}

describe('ReplicaReader', () => {
  const { store, index } = replicaOfPeople();

  it("makes views of a phone's 51 entries only, not of a larger first batch", () => {
    const { store: counted, made } = counting(store);
    const reader = new ReplicaReader(counted, index);
    const batches = reader.candidates(parseFilter('(|(cn=*ann*)(telephoneNumber=*555*))'));
    const first = batches.next();
    expect(first.done).toBe(false);
    expect(first.value).toHaveLength(PHONE_READS);
    expect(made()).toBe(PHONE_READS);
  });

  it('makes its batches of 64 entries after a first of 51', () => {
    const reader = new ReplicaReader(store, index);
    const sizes = [...reader.candidates(parseFilter('(cn=*ann*)'))].map((batch) => batch.length);
    const full = Math.floor((PEOPLE - 51) / 64);
    const rest = PEOPLE - 51 - 64 * full;
    expect(sizes).toEqual([51, ...Array<number>(full).fill(64), ...(rest > 0 ? [rest] : [])]);
  });

  it('hands out every candidate once, in the order the index streams them', () => {
    const filter = parseFilter('(|(cn=*ann*)(telephoneNumber=*555*))');
    const reader = new ReplicaReader(store, index);
    const batches = [...reader.candidates(filter)];
    const dns = batches.flat().map((entry) => entry.dn);
    expect(batches.length).toBeGreaterThan(1);
    expect(new Set(dns).size).toBe(PEOPLE);
    const stream = index.stream(filter);
    const streamed: string[] = [];
    const seen = new Set<number>();
    for (let slot = stream.next(); slot !== DONE; slot = stream.next()) {
      if (seen.has(slot)) continue;
      seen.add(slot);
      streamed.push(store.entry(slot)!.dn);
    }
    expect(dns).toEqual(streamed);
  });
});
