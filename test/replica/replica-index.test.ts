/**
 * The replica's index against a full scan: random filters of every shape never get fewer
 * candidates than match, on the copy as loaded and after rounds of changes applied in place (with
 * merges of the recent index into the base), and typical phone queries get few candidates.
 */
import { describe, expect, it } from 'vitest';
import { makeEntry, type Entry } from '../../src/schema/entry.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { EntryStore } from '../../src/replica/entry-store.js';
import { ReplicaIndex } from '../../src/replica/replica-index.js';
import type { SlotEntry } from '../../src/replica/slot-index.js';
import { MatchingRules } from '../../src/schema/matching-rules.js';
import { Schema } from '../../src/schema/schema.js';
import type { Filter } from '../../src/filter/ast.js';
import { formatFilter } from '../../src/filter/format.js';
import { parseFilter } from '../../src/filter/parse.js';

const schema = Schema.load();
const options = { defaultCountry: 'DE' };
const evaluator = new FilterEvaluator(schema, options);
const rules = new MatchingRules(schema, options);

/**
 * The index over a store of entries, as the replica engine keeps them, seen as entries: each slot
 * stands for the test's own entry object, so results compare with a scan of the same objects.
 */
class TestIndex {
  readonly store = new EntryStore((uuid) => uuid);
  readonly #bySlot: (Entry | undefined)[] = [];
  readonly index: ReplicaIndex;

  constructor(entries: readonly Entry[], prepare: readonly string[] = []) {
    const slotted: SlotEntry[] = entries.map((entry) => ({
      slot: this.#put(entry),
      attributes: entry.attributes,
    }));
    this.index = ReplicaIndex.build(
      { schema, rules, read: (slot) => this.store.entry(slot)?.attributes, prepare },
      slotted,
      this.store.slotCount,
    );
  }

  static build(
    entries: readonly Entry[],
    _schema: Schema,
    settings: { readonly defaultCountry?: string; readonly prepare?: readonly string[] },
  ): TestIndex {
    return new TestIndex(entries, settings.prepare ?? []);
  }

  get size(): number {
    return this.store.size;
  }

  /** Every entry held, in slot order. */
  all(): Entry[] {
    return Array.from(this.index.all(), (slot) => this.#bySlot[slot]!);
  }

  candidates(filter: Filter): Entry[] | undefined {
    const slots = this.index.candidates(filter);
    return slots && Array.from(slots, (slot) => this.#bySlot[slot]!);
  }

  /** One round of changes: entries put (new, or rewritten under their DN) and DNs deleted. */
  apply(put: readonly Entry[], deleted: readonly string[]): void {
    const removed = deleted.map((dn) => {
      const slot = this.store.delete(dn)!;
      this.#bySlot[slot] = undefined;
      return slot;
    });
    const changed = put.map((entry) => ({ slot: this.#put(entry), attributes: entry.attributes }));
    this.index.apply(changed, removed, this.store.slotCount);
  }

  #put(entry: Entry): number {
    const attributes = [...entry.attributes.values()].map((attribute) => ({
      nameId: this.store.names.idOf(attribute.name),
      strings: attribute.values,
    }));
    const slot = this.store.put(entry.dn, entry.dn, { attributes });
    this.#bySlot[slot] = entry;
    return slot;
  }
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = [
  'Anna',
  'Jörg',
  'Zoë',
  'François',
  'Łukasz',
  'Søren',
  'Ægir',
  'Björn',
  'Renée',
  'Peter',
  'Maria',
  'Jürgen',
  'Ute',
  'Max',
  'Anna-Lena',
  'Đorđe',
];
const FAMILY = [
  'Müller',
  'Schmidt',
  'Schäfer',
  'Weiß',
  'Straße',
  'Øster',
  'Dvořák',
  'Čapek',
  'Nowak',
  'Łęcki',
  'Mueller',
  'Muller',
  'Krüger',
  'de la Cruz',
  'Hoffmann',
];
const AREAS = ['30', '89', '40', '221', '6221', '171', '151'];
const DEPARTMENTS = ['Sales', 'Support', 'R&D', 'Einkauf', 'Geschäftsführung'];

class Generator {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = random(seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(Math.floor(this.next() * 10));
    return out;
  }

  /** Numbers are drawn from a pool, so the same number shows up written in different ways. */
  readonly #numbers: (readonly [string, string, string])[] = [];

  /** One number in one of the ways directories write numbers. */
  number(): string {
    if (this.#numbers.length < 400 || this.next() < 0.3) {
      this.#numbers.push([
        this.pick(AREAS),
        this.digits(4 + Math.floor(this.next() * 4)),
        this.digits(1 + Math.floor(this.next() * 3)),
      ]);
    }
    const [area, subscriber, extension] = this.pick(this.#numbers);
    return this.pick([
      `+49 ${area} ${subscriber}-${extension}`,
      `0049${area}${subscriber} ${extension}`,
      `0${area}/${subscriber}-${extension}`,
      `0${area} ${subscriber}-${extension}`,
      `+49 (0)${area} ${subscriber}${extension}`,
      `+49 ${area} ${subscriber} ext. ${extension}`,
      `${area}${subscriber}${extension}`,
      subscriber.slice(0, 4),
      '*21#',
      'n/a',
    ]);
  }

  /** A mailbox as written, accents and all, or with them taken off, in any case. */
  mailbox(given: string, family: string): string {
    const local = `${given}.${family}`.replace(/\s+/g, '');
    const spelt = this.next() < 0.4 ? local.normalize('NFD').replace(/\p{M}/gu, '') : local;
    return `${this.next() < 0.2 ? spelt.toUpperCase() : spelt.toLowerCase()}@firma.de`;
  }

  entry(id: number): Entry {
    const given = this.pick(GIVEN);
    const family = this.pick(FAMILY);
    const attributes = [
      {
        name: 'objectClass',
        values: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', this.pick(['user', 'contact'])],
      },
      {
        name: 'cn',
        values: [this.next() < 0.1 ? `${family.toUpperCase()},  ${given}` : `${given} ${family}`],
      },
      { name: 'sn', values: [family] },
      { name: 'givenName', values: [given] },
      { name: 'entryUUID', values: [`00000000-0000-4000-8000-${String(id).padStart(12, '0')}`] },
      { name: 'telephoneNumber', values: this.next() < 0.9 ? [this.number()] : [] },
      {
        name: 'mobile',
        values: this.next() < 0.5 ? [`+49 1${this.pick(['51', '60', '71'])} ${this.digits(7)}`] : [],
      },
      { name: 'ipPhone', values: this.next() < 0.7 ? [this.digits(4)] : [] },
      { name: 'department', values: this.next() < 0.8 ? [this.pick(DEPARTMENTS)] : [] },
      // Identifiers keep their accents: jürgen@ and jurgen@ are two mailboxes, both held here.
      { name: 'mail', values: this.next() < 0.8 ? [this.mailbox(given, family)] : [] },
      { name: 'uid', values: this.next() < 0.5 ? [this.mailbox(given, family).split('@')[0]!] : [] },
      { name: 'unknownThing', values: ['x'] },
    ];
    return makeEntry(`entryUUID=${id},ou=demo,dc=dirbridge,dc=local`, attributes);
  }
}

/** Random filters built from the data itself, so they match something often enough to be interesting. */
const ANY_ATTRIBUTES = [
  ...['cn', 'sn', 'givenName', 'telephoneNumber', 'telephoneNumber', 'mobile', 'ipPhone', 'department'],
  ...['objectClass', 'mail', 'unknownThing', 'CN', '2.5.4.4', 'TelephoneNumber', 'uid', 'MAIL'],
];
const NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'ipPhone'];

class FilterGenerator {
  constructor(
    private readonly random: Generator,
    private readonly entries: readonly Entry[],
    private readonly attributes: readonly string[],
  ) {}

  filter(depth = 0): Filter {
    const roll = this.random.next();
    if (depth < 3 && roll < 0.25) {
      const count = Math.floor(this.random.next() * 4);
      const filters = Array.from({ length: count }, () => this.filter(depth + 1));
      return { type: this.random.pick(['and', 'or'] as const), filters };
    }
    if (depth < 3 && roll < 0.3) return { type: 'not', filter: this.filter(depth + 1) };
    return this.item();
  }

  item(): Filter {
    const attribute = this.random.pick(this.attributes);
    const value = this.value(attribute);
    const kind = this.random.next();
    if (kind < 0.2) return { type: 'equality', attribute, value };
    if (kind < 0.3) return { type: 'present', attribute };
    if (kind < 0.35) return { type: 'approx', attribute, value: this.window(value) };
    if (kind < 0.4) return { type: 'greaterOrEqual', attribute, value };
    if (kind < 0.42)
      return { type: 'extensible', attribute, matchingRule: 'caseIgnoreMatch', value, dnAttributes: false };
    return this.substrings(attribute, value);
  }

  substrings(attribute: string, value: string): Filter {
    const shape = this.random.next();
    const part = this.window(value);
    if (shape < 0.3)
      return {
        type: 'substrings',
        attribute,
        initial: value.slice(0, 1 + Math.floor(this.random.next() * 6)),
        any: [],
      };
    if (shape < 0.6) return { type: 'substrings', attribute, any: [part] };
    if (shape < 0.8)
      return {
        type: 'substrings',
        attribute,
        any: [],
        final: value.slice(-1 - Math.floor(this.random.next() * 6)),
      };
    const initial = value.slice(0, 1 + Math.floor(this.random.next() * 3));
    const final = value.slice(-1 - Math.floor(this.random.next() * 4));
    return { type: 'substrings', attribute, initial, any: [this.window(value)], final };
  }

  /** A stored value of the attribute, sometimes re-spelt (case, accents, other number formats), or noise. */
  value(attribute: string): string {
    if (this.random.next() < 0.1)
      return this.random.pick(['zz', 'x', '1', '+49', '0049', '0', 'ß', 'ö', 'MÜ']);
    const entry = this.random.pick(this.entries);
    const values = entry.attributes.get(schema.canonicalName(attribute).toLowerCase())?.values ?? ['Anna'];
    const value = this.random.pick(values);
    const respell = this.random.next();
    if (respell < 0.2) return value.toLowerCase();
    if (respell < 0.3) return value.normalize('NFD').replace(/\p{M}/gu, '');
    if (respell < 0.4) return value.replace(/[\s/()-]/g, '');
    if (respell < 0.45) return value.replace(/^\+49 ?/, '0');
    // The national significant number: what a number query without any prefix looks like.
    if (respell < 0.55) return value.replace(/^(\+49 ?(\(0\))?|0049|0)/, '');
    return value;
  }

  window(value: string): string {
    const start = Math.floor(this.random.next() * value.length);
    return value.slice(start, start + 1 + Math.floor(this.random.next() * 7)) || value;
  }
}

function entries(count: number, seed: number): Entry[] {
  const generator = new Generator(seed);
  return Array.from({ length: count }, (_, id) => generator.entry(id));
}

/** The candidates the index offers, with the evaluator applied, as the caller uses them. */
function search(index: TestIndex, filter: Filter): Entry[] {
  return (index.candidates(filter) ?? index.all()).filter((entry) => evaluator.matches(filter, entry));
}

function scan(index: TestIndex, filter: Filter): Entry[] {
  return index.all().filter((entry) => evaluator.matches(filter, entry));
}

describe('ReplicaIndex', () => {
  const data = entries(2000, 1);
  const index = TestIndex.build(data, schema, options);

  it('keeps every entry, in slot order (the order they were loaded in)', () => {
    expect(index.size).toBe(2000);
    expect(index.all()).toEqual(data);
  });

  it.each([
    ['any attributes', ANY_ATTRIBUTES],
    ['numbers', NUMBER_ATTRIBUTES],
  ])(
    'never offers fewer candidates than match (random filters on %s)',
    (_, attributes) => {
      const filters = new FilterGenerator(new Generator(2), data, attributes);
      let narrowed = 0;
      let nonEmpty = 0;
      for (let i = 0; i < 1500; i++) {
        const filter = filters.filter();
        const candidates = index.candidates(filter);
        if (candidates) {
          narrowed++;
          expect(isInLoadOrder(candidates, data), formatFilter(filter)).toBe(true);
        }
        const expected = scan(index, filter);
        if (expected.length > 0) nonEmpty++;
        expect(search(index, filter), formatFilter(filter)).toEqual(expected);
      }
      // The generator must exercise the index, not only the fallback.
      expect(narrowed).toBeGreaterThan(750);
      expect(nonEmpty).toBeGreaterThan(500);
    },
    60_000,
  );

  it.each([
    '(|(cn=*mül*)(sn=*mül*))',
    '(|(cn=*MUL*)(sn=*mul*))',
    '(|(cn=jörg*)(sn=jörg*))',
    '(|(cn=*ø*)(sn=*o*))',
    '(cn=anna müller)',
    '(cn~=ller)',
    '(sn=*ß*)',
    '(sn=weiss)',
    '(sn=de la*)',
    '(sn=*a c*)',
    '(cn=*, *)',
    '(telephoneNumber=*4567*)',
    '(telephoneNumber=+4930*)',
    '(telephoneNumber=004930*)',
    '(telephoneNumber=030*)',
    '(telephoneNumber=*+4930*)',
    '(telephoneNumber=*12)',
    '(telephoneNumber=*1)',
    '(telephoneNumber=1*)',
    '(telephoneNumber=*2*1*)',
    '(telephoneNumber=*21#)',
    '(telephoneNumber=n/a)',
    '(telephoneNumber=*n/a*)',
    '(mobile=+49 151*)',
    '(ipPhone=12*)',
    '(objectClass=contact)',
    '(objectClass=2.5.6.6)',
    '(&(objectClass=user)(|(cn=*an*)(sn=*an*)))',
    '(&(objectClass=user)(!(cn=*an*)))',
    '(|(unknownThing=x)(cn=anna*))',
    '(unknownThing=x)',
    '(&)',
    '(|)',
    '(cn:dn:=demo)',
    '(ou:dn:=demo)',
    '(:caseIgnoreMatch:=anna müller)',
    '(mail=jürgen.müller@firma.de)',
    '(mail=JURGEN.MULLER@FIRMA.DE)',
    '(mail=jür*)',
    '(mail=*.krüger@*)',
    '(uid=*ø*)',
    '(uid=soren*)',
    '(mail:caseIgnoreIA5Match:=jürgen.müller@firma.de)',
  ])('agrees with a full scan on %s', (text) => {
    const filter = parseFilter(text);
    expect(search(index, filter)).toEqual(scan(index, filter));
  });

  it('tells an accented mailbox from the same one without accents, in any case', () => {
    const accented = search(index, parseFilter('(mail=JÜRGEN.MÜLLER@firma.de)'));
    const plain = search(index, parseFilter('(mail=jurgen.muller@firma.de)'));
    expect(accented.length).toBeGreaterThan(0);
    expect(plain.length).toBeGreaterThan(0);
    const mails = (entries: Entry[]): string[] =>
      entries.map((entry) => entry.attributes.get('mail')!.values[0]!.toLowerCase());
    expect(new Set(mails(accented))).toEqual(new Set(['jürgen.müller@firma.de']));
    expect(new Set(mails(plain))).toEqual(new Set(['jurgen.muller@firma.de']));
  });

  it('finds numbers in every format by their typical phone queries', () => {
    const written = ['+49 30 1234567-12', '0049301234567 12', '030/1234567-12', '030 1234567-12'];
    const own = TestIndex.build(
      [
        ...data,
        ...written.map((number, i) =>
          makeEntry(`entryUUID=x${i},dc=x`, [{ name: 'telephoneNumber', values: [number] }]),
        ),
      ],
      schema,
      options,
    );
    for (const text of [
      '(telephoneNumber=*456712)',
      '(telephoneNumber=0301*)',
      '(telephoneNumber=*1234567*)',
      '(telephoneNumber=+49301*)',
      '(telephoneNumber=004930*)',
      '(telephoneNumber=+4930123456712)',
      '(telephoneNumber=30*4567*)',
      '(telephoneNumber=30*712)',
    ]) {
      const found = search(own, parseFilter(text)).map((entry) => entry.dn);
      expect(found, text).toEqual(
        expect.arrayContaining([
          'entryUUID=x0,dc=x',
          'entryUUID=x1,dc=x',
          'entryUUID=x2,dc=x',
          'entryUUID=x3,dc=x',
        ]),
      );
    }
  });

  it('finds a number suffix that reaches into the national prefix without the numbers that merely start alike', () => {
    const hamburg = Array.from({ length: 200 }, (_, i) =>
      makeEntry(`entryUUID=h${i},dc=x`, [{ name: 'telephoneNumber', values: [`040 5550-${100500 + i}`] }]),
    );
    const own = TestIndex.build(
      [
        ...hamburg,
        makeEntry('entryUUID=short,dc=x', [{ name: 'telephoneNumber', values: ['+49 40 5550177'] }]),
        makeEntry('entryUUID=77,dc=x', [{ name: 'telephoneNumber', values: ['+49 30 5550077'] }]),
        makeEntry('entryUUID=177,dc=x', [{ name: 'telephoneNumber', values: ['+49 30 5550177'] }]),
      ],
      schema,
      options,
    );
    for (const [text, expected] of [
      ['(telephoneNumber=*0405550177)', ['entryUUID=short,dc=x']],
      ['(telephoneNumber=*0077)', ['entryUUID=77,dc=x']],
      ['(telephoneNumber=*0049305550077)', ['entryUUID=77,dc=x']],
      ['(telephoneNumber=*+49305550077)', ['entryUUID=77,dc=x']],
      ['(telephoneNumber=*0177)', ['entryUUID=177,dc=x', 'entryUUID=short,dc=x']],
      ['(telephoneNumber=*0405)', []],
    ] as const) {
      const filter = parseFilter(text);
      expect(
        search(own, filter)
          .map((entry) => entry.dn)
          .sort(),
        text,
      ).toEqual([...expected].sort());
      expect(scan(own, filter).length, text).toBe(expected.length);
      expect(own.candidates(filter)!.length, text).toBeLessThanOrEqual(expected.length + 1);
    }
  });

  it('answers typical phone queries with far fewer candidates than entries', () => {
    const big = TestIndex.build(entries(20000, 3), schema, options);
    const sample = big.all()[1234]!;
    const name = sample.attributes.get('sn')!.values[0]!.slice(1, 4);
    const number = phoneDigits(
      big.all().find((entry) => /^\+49 \d/.test(entry.attributes.get('telephonenumber')?.values[0] ?? ''))!,
    );
    for (const text of [
      `(|(cn=*${name}*)(sn=*${name}*))`,
      `(|(telephoneNumber=*${number.slice(4, 9)}*)(mobile=*${number.slice(4, 9)}*))`,
      `(telephoneNumber=*${number.slice(-6)})`,
      `(telephoneNumber=0${number.slice(2, 7)}*)`,
      '(|(cn=jörg s*)(sn=jörg s*))',
    ]) {
      const filter = parseFilter(text);
      const candidates = big.candidates(filter);
      expect(candidates, text).toBeDefined();
      const matching = scan(big, filter);
      expect(matching.length, text).toBeGreaterThan(0);
      expect(candidates!.filter((entry) => evaluator.matches(filter, entry))).toEqual(matching);
      // Names come from a small pool here, so a name query legitimately matches thousands.
      expect(candidates!.length, text).toBeLessThanOrEqual(Math.max(matching.length * 2, 50));
      expect(candidates!.length, text).toBeLessThan(big.size / 4);
    }
  }, 60_000);

  it('cannot narrow NOT, and says so', () => {
    expect(index.candidates(parseFilter('(!(cn=anna*))'))).toBeUndefined();
    expect(index.candidates(parseFilter('(|(cn=anna*)(!(sn=x)))'))).toBeUndefined();
    expect(index.candidates(parseFilter('(&)'))).toBeUndefined();
  });

  it('offers nothing for attributes the schema does not know or no entry holds', () => {
    expect(index.candidates(parseFilter('(unknownThing=x)'))).toEqual([]);
    expect(index.candidates(parseFilter('(pager=*)'))).toEqual([]);
    expect(index.candidates(parseFilter('(|)'))).toEqual([]);
  });

  it('builds keys and trigrams up front for attributes it is asked to prepare', () => {
    const prepared = TestIndex.build(data, schema, {
      ...options,
      prepare: ['commonName', '2.5.4.4', 'unknownThing'],
    });
    for (const text of ['(|(cn=*mül*)(sn=*mül*))', '(cn=anna*)', '(sn=müller)']) {
      expect(search(prepared, parseFilter(text)), text).toEqual(scan(index, parseFilter(text)));
    }
  });

  it('keeps finding what matches through rounds of changes applied in place, and merges', () => {
    const generator = new Generator(11);
    const live = new Map(entries(2000, 5).map((entry) => [entry.dn, entry]));
    const churned = new TestIndex([...live.values()], ['cn', 'sn']);
    let next = 100_000;
    for (let round = 0; round < 12; round++) {
      const current = [...live.keys()];
      const deleted = Array.from(
        { length: 60 },
        () => current[Math.floor(generator.next() * current.length)]!,
      );
      const gone = [...new Set(deleted)];
      for (const dn of gone) live.delete(dn);
      const rewritten = Array.from({ length: 120 }, () => {
        const keep = [...live.keys()];
        const dn = keep[Math.floor(generator.next() * keep.length)]!;
        return rename(generator.entry(next++), dn);
      });
      const added = Array.from({ length: 80 }, () => generator.entry(next++));
      const put = [...new Map([...rewritten, ...added].map((entry) => [entry.dn, entry])).values()];
      for (const entry of put) live.set(entry.dn, entry);
      churned.apply(put, gone);
      expect(churned.size).toBe(live.size);
      const now = [...live.values()];
      expect(new Set(churned.all())).toEqual(new Set(now));
      const filters = new FilterGenerator(new Generator(round), now, ANY_ATTRIBUTES);
      for (let i = 0; i < 150; i++) {
        const filter = filters.filter();
        const expected = now.filter((entry) => evaluator.matches(filter, entry));
        const found = search(churned, filter);
        expect(new Set(found), formatFilter(filter)).toEqual(new Set(expected));
      }
    }
  }, 60_000);

  it('keeps the lookup structures it had built when the recent changes are merged in', () => {
    const merged = TestIndex.build(data, schema, options);
    const filter = parseFilter('(|(cn=*mül*)(telephoneNumber=*4567))');
    const before = search(merged, filter);
    merged.apply([], []);
    merged.index.merge(merged.store.slotCount);
    expect(search(merged, filter)).toEqual(before);
  });
});

/** The entry under another DN (a rewrite of the record that DN names). */
function rename(entry: Entry, dn: string): Entry {
  return makeEntry(dn, [...entry.attributes.values()]);
}

function isInLoadOrder(candidates: readonly Entry[], all: readonly Entry[]): boolean {
  // Slots are handed out in load order, and candidates come in slot order.
  const position = new Map(all.map((entry, i) => [entry, i]));
  let last = -1;
  for (const entry of candidates) {
    const at = position.get(entry);
    if (at === undefined || at <= last) return false;
    last = at;
  }
  return true;
}

function phoneDigits(entry: Entry): string {
  return entry.attributes.get('telephonenumber')!.values[0]!.replace(/\D/g, '');
}
