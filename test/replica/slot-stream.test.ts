/**
 * The replica index's candidate streams against the plain evaluator: over random entries (names
 * with and without accents, numbers written every way, extensions, feature codes) and random
 * filters of every shape, the entries a stream hands out, once each and tested by the evaluator,
 * are exactly those a scan of every entry finds, on the copy as built and after changes (a recent
 * index, stale slots). And a stream is lazy: a size-limited search reads a batch, not the copy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import type { Filter } from '../../src/filter/ast.js';
import { formatFilter } from '../../src/filter/format.js';
import { parseFilter } from '../../src/filter/parse.js';
import { EntryStore } from '../../src/replica/entry-store.js';
import { ReplicaIndex } from '../../src/replica/replica-index.js';
import { DONE, SlotSet } from '../../src/replica/slot-stream.js';
import { makeEntry, type Entry } from '../../src/schema/entry.js';
import { MatchingRules } from '../../src/schema/matching-rules.js';
import { Schema } from '../../src/schema/schema.js';
import { engineFor, people } from '../support/replica-engine-harness.js';
import { person, ScriptedFeedSource } from '../support/scripted-feed-source.js';

const schema = Schema.load();
const options = { defaultCountry: 'DE' };
const evaluator = new FilterEvaluator(schema, options);
const rules = new MatchingRules(schema, options);

const NAMES = [
  'Anna Müller',
  'Jörg Weiß',
  'Zoë Schäfer',
  'Łukasz Nowak',
  'Søren Straße',
  'Anna-Lena Mueller',
];
const NUMBERS = [
  '+49 30 1234567-12',
  '+49 30 1234567 ext. 12',
  '0049301234567 12',
  '030/1234567-12',
  '+49 (0)89 7654 1001',
  '+43 1 53500-2001',
  '044 268 3001',
  '+49 151 12345678',
  '1234',
  '*21#',
  'n/a',
];
const WORDS = ['an', 'mül', 'MUL', 'ß', 'weiss', 'ø', 'a-l', 'nowak', 'zoe', 'x'];
const DIGITS = ['12', '1234', '4567', '+4930', '004930', '030', '0', '1001', '+43', '268', '*21#', '5678'];
const NAME_ATTRIBUTES = ['cn', 'sn', 'givenName'];
const NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'ipPhone'];

const values = (pool: readonly string[]): fc.Arbitrary<string[]> =>
  fc.array(fc.constantFrom(...pool), { maxLength: 2 });

const entryArbitrary: fc.Arbitrary<Entry> = fc
  .record({
    cn: values(NAMES),
    sn: values(['Müller', 'Weiß', 'Nowak', 'de la Cruz']),
    telephoneNumber: values(NUMBERS),
    mobile: values(NUMBERS),
    ipPhone: values(['1234', '2001', '12']),
    objectClass: fc.constantFrom(['person'], ['person', 'user'], ['contact']),
  })
  .map((fields) =>
    makeEntry(
      'cn=x',
      Object.entries(fields).map(([name, list]) => ({ name, values: list })),
    ),
  );

const attribute = fc.constantFrom(...NAME_ATTRIBUTES, ...NUMBER_ATTRIBUTES, 'objectClass', 'unknownThing');
const term = fc.constantFrom(...WORDS, ...DIGITS, ...NAMES, ...NUMBERS);
const leaf: fc.Arbitrary<Filter> = fc.oneof(
  fc.record({ type: fc.constant('equality' as const), attribute, value: term }),
  fc.record({ type: fc.constant('present' as const), attribute }),
  fc.record({ type: fc.constant('approx' as const), attribute, value: term }),
  fc.record({
    type: fc.constant('substrings' as const),
    attribute,
    initial: fc.option(term, { nil: undefined }),
    any: fc.array(term, { maxLength: 2 }),
    final: fc.option(term, { nil: undefined }),
  }),
);
const filterArbitrary: fc.Arbitrary<Filter> = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constant('and' as const), filters: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('or' as const), filters: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('not' as const), filter: tie('filter') }),
  ),
})).filter;

/** An index over a store of entries, with some entries changed and deleted after it was built. */
class Copy {
  readonly store = new EntryStore((uuid) => uuid);
  readonly bySlot: (Entry | undefined)[] = [];
  readonly index: ReplicaIndex;

  constructor(entries: readonly Entry[], changes: readonly (Entry | undefined)[]) {
    const slotted = entries.map((entry, i) => ({
      slot: this.#put(`r${i}`, entry),
      attributes: entry.attributes,
    }));
    this.index = ReplicaIndex.build(
      { schema, rules, read: (slot) => this.store.entry(slot)?.attributes, prepare: ['cn'] },
      slotted,
      this.store.slotCount,
    );
    const changed = [];
    const removed = [];
    for (const [i, change] of changes.entries()) {
      if (i >= entries.length) break;
      if (change === undefined) {
        removed.push(this.store.delete(`r${i}`)!);
        this.bySlot[removed.at(-1)!] = undefined;
      } else changed.push({ slot: this.#put(`r${i}`, change), attributes: change.attributes });
    }
    this.index.apply(changed, removed, this.store.slotCount);
  }

  /** What the stream hands out, once each, tested by the evaluator. */
  found(filter: Filter): Entry[] {
    const stream = this.index.stream(filter);
    const seen = new SlotSet(this.store.slotCount);
    const out: Entry[] = [];
    for (let slot = stream.next(); slot !== DONE; slot = stream.next()) {
      const entry = this.bySlot[slot];
      if (seen.add(slot) && entry && evaluator.matches(filter, entry)) out.push(entry);
    }
    return out;
  }

  scan(filter: Filter): Entry[] {
    return this.bySlot.filter(
      (entry): entry is Entry => entry !== undefined && evaluator.matches(filter, entry),
    );
  }

  #put(id: string, entry: Entry): number {
    const attributes = [...entry.attributes.values()].map((a) => ({
      nameId: this.store.names.idOf(a.name),
      strings: a.values,
    }));
    const slot = this.store.put(id, id, { attributes });
    this.bySlot[slot] = entry;
    return slot;
  }
}

/** A copy's first entries, the changes made to it, and the filters to ask it. */
const copyAndFilters = [
  fc.array(entryArbitrary, { minLength: 1, maxLength: 40 }),
  fc.array(fc.option(entryArbitrary, { nil: undefined }), { maxLength: 10 }),
  fc.array(filterArbitrary, { minLength: 1, maxLength: 8 }),
] as const;

const bySlotOrder = (copy: Copy) => (a: Entry, b: Entry) => copy.bySlot.indexOf(a) - copy.bySlot.indexOf(b);

describe('ReplicaIndex.stream', () => {
  it('hands out, once each, every entry that matches and nothing the evaluator would not find', () => {
    fc.assert(
      fc.property(...copyAndFilters, (entries, changes, filters) => {
        const copy = new Copy(entries, changes);
        for (const filter of filters) {
          const found = copy.found(filter).sort(bySlotOrder(copy));
          expect(found, formatFilter(filter)).toEqual(copy.scan(filter));
        }
      }),
      { numRuns: 300 },
    );
    // 300 random copies: about a second alone, several on a machine busy with other tests.
  }, 30_000);

  it.each([
    '(|(cn=mül*)(sn=mül*))',
    '(|(cn=*an*)(telephoneNumber=*123*))',
    '(|(telephoneNumber=*4567)(mobile=*4567))',
    '(&(objectClass=person)(|(cn=anna*)(sn=anna*)))',
    '(&(objectClass=person)(telephoneNumber=*12))',
    '(&(cn=*an*)(!(sn=x*)))',
    '(telephoneNumber=0301*)',
    '(telephoneNumber=*+4930*)',
  ])('agrees with a scan on %s', (text) => {
    const entries = fc.sample(entryArbitrary, { numRuns: 300, seed: 7 });
    const copy = new Copy(
      entries,
      fc.sample(fc.option(entryArbitrary, { nil: undefined }), { numRuns: 40, seed: 8 }),
    );
    const filter = parseFilter(text);
    expect(copy.found(filter).sort(bySlotOrder(copy))).toEqual(copy.scan(filter));
  });
});

describe('ReplicaIndex.exact', () => {
  it('says a stream is exact only where every entry it hands out matches', () => {
    fc.assert(
      fc.property(...copyAndFilters, (entries, changes, filters) => {
        const copy = new Copy(entries, changes);
        for (const filter of filters) {
          if (!copy.index.exact(filter)) continue;
          const stream = copy.index.stream(filter);
          for (let slot = stream.next(); slot !== DONE; slot = stream.next()) {
            const entry = copy.bySlot[slot];
            expect(entry, formatFilter(filter)).toBeDefined();
            expect(evaluator.matches(filter, entry!), formatFilter(filter)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it.each([
    ['(|(cn=mül*)(sn=mül*))', true],
    ['(cn=*an*)', true],
    ['(|(cn=an*)(unknownThing=x*))', true],
    ['(|(cn=*an*)(telephoneNumber=*123*))', true],
    ['(|(telephoneNumber=*4567)(mobile=*4567))', true],
    ['(telephoneNumber=*1234567-12)', true],
    // Found through the national prefix or a calling code, or anchored to the international form:
    // a key that matches the moved pattern need not be a number the assertion matches.
    ['(telephoneNumber=0301*)', false],
    ['(telephoneNumber=*0301*)', false],
    ['(telephoneNumber=*+4930*)', false],
    ['(telephoneNumber=*004930*)', false],
    ['(telephoneNumber=*0049301234567)', false],
    // A number's shorter form is reached through its longer one, whose trigrams test one component.
    ['(telephoneNumber=*123*456*)', false],
    ['(mail=anna*)', false],
    ['(|(cn=an*)(mail=anna*))', false],
    ['(&(objectClass=person)(cn=anna*))', false],
    ['(cn=anna)', false],
    ['(!(cn=anna*))', false],
    ['(objectClass=*)', true],
    ['(cn=*)', true],
    ['(|(cn=*)(sn=an*))', true],
    ['(unknownThing=*)', true],
    ['(&(objectClass=*)(cn=*))', false],
  ])('%s: exact %s', (text, exact) => {
    // Mail is an identifier (accents kept): its keys, folded as names, are candidates only.
    const withMail = makeEntry('cn=m', [
      { name: 'cn', values: ['Anna Müller'] },
      { name: 'mail', values: ['anna.mueller@example.com'] },
    ]);
    // A number with an extension: its form without the extension is found through the longer one.
    const withExtension = makeEntry('cn=e', [
      { name: 'telephoneNumber', values: ['+49 30 1234567 ext. 12'] },
    ]);
    const copy = new Copy(
      [...fc.sample(entryArbitrary, { numRuns: 50, seed: 7 }), withMail, withExtension],
      [],
    );
    expect(copy.index.exact(parseFilter(text))).toBe(exact);
  });
});

describe('ReplicaEngine.candidates', () => {
  it('reads a first batch of a few dozen entries, not every candidate', async () => {
    const { engine } = engineFor(new ScriptedFeedSource('crm', people(2000)));
    await engine.sync(new AbortController().signal);
    const batches = engine.candidates(parseFilter('(|(cn=person*)(sn=person*))'));
    const next = batches.next();
    const first = next.done === true ? [] : next.value;
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(64);
    const rest = [...batches].flat();
    // Every person once, though each is found through both cn and sn.
    const names = new Set([...first, ...rest].map((entry) => entry.attributes.get('cn')!.values[0]));
    expect(names.size).toBe(2000);
    expect(first.length + rest.length).toBe(2000);
  });
});

describe('ReplicaEngine.candidates, matched', () => {
  const signal = new AbortController().signal;

  it("marks the batches of a name prefix and a number suffix matched, and an anchored number search's not", async () => {
    const { engine } = engineFor(new ScriptedFeedSource('crm', people(200)));
    await engine.sync(signal);
    const prefix = [...engine.candidates(parseFilter('(|(cn=person 1*)(sn=1*))'))];
    expect(prefix.length).toBeGreaterThan(0);
    expect(prefix.every((batch) => batch.matched === true)).toBe(true);
    const suffix = [...engine.candidates(parseFilter('(telephoneNumber=*5550012)'))];
    expect(suffix.length).toBeGreaterThan(0);
    expect(suffix.every((batch) => batch.matched === true)).toBe(true);
    const anchored = [...engine.candidates(parseFilter('(telephoneNumber=+4930*)'))];
    expect(anchored.length).toBeGreaterThan(0);
    expect(anchored.some((batch) => batch.matched === true)).toBe(false);
  });

  it('tests again an entry rewritten after its search began', async () => {
    const source = new ScriptedFeedSource('crm', people(200));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const batches = engine.candidates(parseFilter('(cn=person*)'));
    const first = batches.next();
    expect(first.done === true ? undefined : first.value.matched).toBe(true);
    // Person 200 comes in a later batch: renamed now, it no longer matches when it is read.
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(200, 'Zoe Quist') },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    await engine.sync(signal);
    const later = [...batches];
    const holding = later.find((batch) =>
      batch.some((entry) => entry.attributes.get('cn')!.values[0] === 'Zoe Quist'),
    );
    expect(holding).toBeDefined();
    expect(holding!.matched).toBeUndefined();
    expect(later.filter((batch) => batch !== holding).every((batch) => batch.matched === true)).toBe(true);
  });
});

describe('SlotSet', () => {
  it('says of each slot whether it is new, as a Set would, before and after it takes a bitmap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.nat({ max: 6000 }), { maxLength: 1500 }),
        (slotCount, slots) => {
          const seen = new SlotSet(slotCount);
          const reference = new Set<number>();
          for (const slot of slots) {
            expect(seen.add(slot)).toBe(!reference.has(slot));
            reference.add(slot);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
