/**
 * The index a replica source is served from (DESIGN.md "Live and replica sources"): names keyed by
 * their folded form, numbers by their normalised digit forms, so that a phone's lookup on every key
 * press touches the few entries that can match instead of scanning the copy.
 *
 * `candidates(filter)` is a SUPERSET of the matching entries, in load order: the caller re-checks each
 * one with the evaluator, which alone decides. Every attribute is indexed by its schema matching kind:
 * text and telephone attributes by key (exact, prefix, suffix, contains), every attribute by presence.
 *
 * Per attribute, keys are sorted strings with their entry ids in one shared Uint32Array (CSR layout),
 * so 100,000 entries cost a few typed arrays rather than millions of small objects.
 */
import type { Entry } from '../directory/entry.js';
import { MatchingRules } from '../directory/matching-rules.js';
import type { PhoneForms, PhoneNumbers } from '../directory/phone-number.js';
import type { AttributeType, Schema } from '../directory/schema.js';
import { foldSubstrings, foldText, matchesSubstrings, type SubstringPattern } from '../directory/text-fold.js';
import type { Filter } from '../filter/ast.js';

/** Ascending entry ids (positions in load order). */
type Ids = Uint32Array;

const EMPTY: Ids = new Uint32Array(0);
/** Components shorter than this cannot use the trigram index; they scan the key vocabulary instead. */
const GRAM = 3;

export interface LocalIndexOptions {
  readonly defaultCountry: string;
  /**
   * The index this one replaces. The trigram and suffix structures are built on first use (most
   * attributes are never searched inside); a reload builds up front the ones its predecessor needed,
   * so the first key press after a reload does not pay for them.
   */
  readonly warmFrom?: LocalIndex;
}

export class LocalIndex {
  readonly #entries: readonly Entry[];
  readonly #attributes: ReadonlyMap<string, AttributeIndex>;
  readonly #schema: Schema;
  readonly #rules: MatchingRules;
  readonly #collector: IdCollector;

  private constructor(entries: readonly Entry[], attributes: ReadonlyMap<string, AttributeIndex>, schema: Schema, rules: MatchingRules) {
    this.#entries = entries;
    this.#attributes = attributes;
    this.#schema = schema;
    this.#rules = rules;
    this.#collector = new IdCollector(entries.length);
  }

  static build(entries: readonly Entry[], schema: Schema, options: LocalIndexOptions): LocalIndex {
    const rules = new MatchingRules(schema, options);
    const copy = [...entries];
    const index = new LocalIndex(copy, buildAttributeIndexes(copy, schema, rules.phoneNumbers), schema, rules);
    if (options.warmFrom) index.#warmFrom(options.warmFrom);
    return index;
  }

  get size(): number {
    return this.#entries.length;
  }

  all(): readonly Entry[] {
    return this.#entries;
  }

  /** Builds the lazy structures that `previous` has built, for the same attributes. */
  #warmFrom(previous: LocalIndex): void {
    for (const [name, old] of previous.#attributes) {
      const terms = this.#attributes.get(name)?.terms;
      if (!terms || !old.terms) continue;
      if (old.terms.hasTrigrams) terms.trigrams();
      if (old.terms.hasSuffixOrder) terms.suffixOrder();
    }
  }

  /** A superset of the entries the filter can match, in load order; undefined when it cannot be narrowed. */
  candidates(filter: Filter): readonly Entry[] | undefined {
    const ids = this.#plan(filter);
    if (ids === undefined) return undefined;
    if (ids.length === this.#entries.length) return this.#entries;
    const entries = this.#entries;
    return Array.from(ids, (id) => entries[id]!);
  }

  #plan(filter: Filter): Ids | undefined {
    switch (filter.type) {
      case 'and':
        return this.#and(filter.filters);
      case 'or':
        return this.#or(filter.filters);
      case 'not':
        // Anything can be outside a set: NOT never narrows.
        return undefined;
      case 'present':
      case 'greaterOrEqual':
      case 'lessOrEqual':
        return this.#onAttribute(filter.attribute, (index) => index.present);
      case 'equality':
        return this.#onAttribute(filter.attribute, (index) => this.#equality(index, filter.value));
      case 'substrings':
        return this.#onAttribute(filter.attribute, (index) => this.#substrings(index, filter.initial, filter.any, filter.final));
      case 'approx':
        // The evaluator's approx is "contains".
        return this.#onAttribute(filter.attribute, (index) => this.#substrings(index, undefined, [filter.value], undefined));
      case 'extensible':
        // A rule applies to the named attribute's values; the entry's DN and rule-only filters are not indexed.
        if (filter.attribute === undefined || filter.dnAttributes) return undefined;
        return this.#onAttribute(filter.attribute, (index) => index.present);
    }
  }

  /** AND: the intersection of the children that narrow, smallest first. */
  #and(children: readonly Filter[]): Ids | undefined {
    const sets: Ids[] = [];
    for (const child of children) {
      const ids = this.#plan(child);
      if (ids?.length === 0) return EMPTY;
      if (ids !== undefined) sets.push(ids);
    }
    if (sets.length === 0) return undefined;
    sets.sort((a, b) => a.length - b.length);
    let result = sets[0]!;
    for (let i = 1; i < sets.length && result.length > 0; i++) result = intersect(result, sets[i]!);
    return result;
  }

  /** OR: the union, when every child narrows (`(|)` is FALSE: nothing). */
  #or(children: readonly Filter[]): Ids | undefined {
    const sets: Ids[] = [];
    for (const child of children) {
      const ids = this.#plan(child);
      if (ids === undefined) return undefined;
      if (ids.length > 0) sets.push(ids);
    }
    if (sets.length <= 1) return sets[0] ?? EMPTY;
    const collector = this.#collector.begin();
    for (const ids of sets) collector.addAll(ids);
    return collector.finish();
  }

  /**
   * A filter item on one attribute. An attribute the schema does not know is Undefined and one no
   * entry holds is FALSE, so neither can be TRUE: no candidates.
   */
  #onAttribute(attribute: string, plan: (index: AttributeIndex) => Ids): Ids {
    const type = this.#schema.attribute(attribute);
    const index = type && this.#attributes.get(type.name.toLowerCase());
    return index ? plan(index) : EMPTY;
  }

  #equality(index: AttributeIndex, value: string): Ids {
    const { terms } = index;
    if (!terms) return index.present;
    if (index.type.matching === 'text') return terms.exact(this.#rules.textAssertion(index.type, value));
    const asserted = this.#rules.phoneNumbers.formsOf(value);
    // Without digits a number compares as text, which is not keyed.
    if (asserted.raw === '') return index.present;
    // Every equality the phone rule allows shares at least one key with the assertion.
    const collector = this.#collector.begin();
    for (const key of asserted.keys) collector.addAll(terms.exact(key));
    return collector.finish();
  }

  #substrings(index: AttributeIndex, initial: string | undefined, any: readonly string[], final: string | undefined): Ids {
    const { terms } = index;
    if (!terms) return index.present;
    if (index.type.matching === 'text') return this.#matchingKeys(terms, foldSubstrings(initial, any, final), index);
    const assertion = this.#rules.phoneNumbers.substrings(initial, any, final);
    if (assertion.kind === 'text') return index.present;
    if (assertion.patterns.length === 1) return this.#matchingKeys(terms, assertion.patterns[0]!, index);
    const sets = assertion.patterns.map((pattern) => this.#matchingKeys(terms, pattern, index));
    const collector = this.#collector.begin();
    for (const ids of sets) collector.addAll(ids);
    return collector.finish();
  }

  /** The entries holding a key that can match the pattern (see TermIndex.keysFor). */
  #matchingKeys(terms: TermIndex, pattern: SubstringPattern, index: AttributeIndex): Ids {
    if (pattern.initial === undefined && pattern.final === undefined && pattern.any.length === 0) return index.present;
    const collector = this.#collector.begin();
    terms.forEachCandidateKey(pattern, (key) => collector.addRange(terms.postings, terms.offsets[key]!, terms.offsets[key + 1]!));
    return collector.finish();
  }
}

interface AttributeIndex {
  readonly type: AttributeType;
  /** The entries that hold the attribute. */
  readonly present: Ids;
  /** Keys, for text and telephone attributes. */
  readonly terms: TermIndex | undefined;
}

/**
 * The distinct keys of one attribute, sorted, with the entries that hold each: exact and prefix
 * lookups by binary search, suffix lookups (numbers) through the keys sorted by their reversed text,
 * contains through trigrams of the keys. The last two are built on first use.
 */
class TermIndex {
  #trigrams: ReadonlyMap<number, Uint32Array> | undefined;
  #bySuffix: Uint32Array | undefined;

  constructor(
    readonly keys: readonly string[],
    /** Entries of key k: postings[offsets[k] .. offsets[k + 1]). */
    readonly offsets: Uint32Array,
    readonly postings: Uint32Array,
    /** Which keys get trigrams (see addPhoneKeys); undefined: all of them. */
    private readonly withTrigrams: Uint8Array | undefined,
    /** Whether suffix lookups are worth a structure (numbers: `*456712`); text uses trigrams. */
    private readonly suffixes: boolean,
  ) {}

  get hasTrigrams(): boolean {
    return this.#trigrams !== undefined;
  }

  get hasSuffixOrder(): boolean {
    return this.#bySuffix !== undefined;
  }

  /** Trigram -> keys containing it. */
  trigrams(): ReadonlyMap<number, Uint32Array> {
    return (this.#trigrams ??= buildTrigrams(this.keys, this.withTrigrams));
  }

  /** Key ids ordered by their reversed text. */
  suffixOrder(): Uint32Array {
    return (this.#bySuffix ??= suffixOrder(this.keys));
  }

  /** The entries of one exact key (a view, not a copy). */
  exact(key: string): Ids {
    const k = lowerBound(this.keys, key);
    if (this.keys[k] !== key) return EMPTY;
    return this.postings.subarray(this.offsets[k]!, this.offsets[k + 1]!);
  }

  /**
   * Calls `visit` with every key that can match the pattern (and maybe a few more). The most
   * selective access path is chosen from the pattern's components: a long initial component uses the
   * sorted keys, a long final one the suffix order, a long middle one the trigrams; short components
   * fall back to a scan of the distinct keys, never of the entries.
   */
  forEachCandidateKey(pattern: SubstringPattern, visit: (key: number) => void): void {
    const { initial, final } = pattern;
    const { suffixes } = this;
    const inner = suffixes || final === undefined ? pattern.any : [...pattern.any, final];
    const longestInner = inner.reduce((longest, part) => (part.length > longest.length ? part : longest), '');
    if (initial !== undefined && initial.length >= GRAM) return this.#prefix(initial, pattern, visit);
    if (final !== undefined && final.length >= GRAM && suffixes) return this.#suffix(final, pattern, visit);
    if (longestInner.length >= GRAM) return this.#contains(longestInner, pattern, visit);
    if (initial !== undefined) return this.#prefix(initial, pattern, visit);
    if (final !== undefined && suffixes) return this.#suffix(final, pattern, visit);
    this.#scan(pattern, visit);
  }

  #prefix(prefix: string, pattern: SubstringPattern, visit: (key: number) => void): void {
    const { keys } = this;
    for (let k = lowerBound(keys, prefix); k < keys.length && keys[k]!.startsWith(prefix); k++) {
      if (matchesSubstrings(keys[k]!, pattern)) visit(k);
    }
  }

  #suffix(suffix: string, pattern: SubstringPattern, visit: (key: number) => void): void {
    const { keys } = this;
    const bySuffix = this.suffixOrder();
    for (let i = suffixLowerBound(keys, bySuffix, suffix); i < bySuffix.length; i++) {
      const k = bySuffix[i]!;
      if (!keys[k]!.endsWith(suffix)) continue;
      if (matchesSubstrings(keys[k]!, pattern)) visit(k);
    }
  }

  #contains(part: string, pattern: SubstringPattern, visit: (key: number) => void): void {
    const trigrams = this.trigrams();
    const lists: Uint32Array[] = [];
    for (let i = 0; i + GRAM <= part.length; i++) {
      const list = trigrams.get(trigramAt(part, i));
      if (!list) return;
      lists.push(list);
    }
    lists.sort((a, b) => a.length - b.length);
    // Two or three of the shortest lists narrow enough; the check below settles the rest.
    let candidates = lists[0]!;
    for (let i = 1; i < Math.min(lists.length, 3); i++) candidates = intersect(candidates, lists[i]!);
    // A number is found through its longest forms only, which contain its shorter ones, so an
    // anchored pattern may match the shorter form alone: check the component, not the pattern.
    const check: SubstringPattern = this.withTrigrams ? { any: [part] } : pattern;
    for (const k of candidates) if (matchesSubstrings(this.keys[k]!, check)) visit(k);
  }

  #scan(pattern: SubstringPattern, visit: (key: number) => void): void {
    const { keys } = this;
    for (let k = 0; k < keys.length; k++) if (matchesSubstrings(keys[k]!, pattern)) visit(k);
  }
}

function buildAttributeIndexes(entries: readonly Entry[], schema: Schema, phones: PhoneNumbers): Map<string, AttributeIndex> {
  const builders = new Map<string, AttributeIndexBuilder>();
  const types = new Map<string, AttributeType | undefined>();
  for (let id = 0; id < entries.length; id++) {
    for (const [name, attribute] of entries[id]!.attributes) {
      let type = types.get(name);
      if (!types.has(name)) types.set(name, (type = schema.attribute(name)));
      // Attributes the schema does not know are Undefined in every filter: nothing to index.
      if (!type) continue;
      const key = type.name.toLowerCase();
      let builder = builders.get(key);
      if (!builder) builders.set(key, (builder = new AttributeIndexBuilder(type)));
      builder.add(id, attribute.values, phones);
    }
  }
  const indexes = new Map<string, AttributeIndex>();
  for (const [key, builder] of builders) indexes.set(key, builder.build());
  return indexes;
}

class AttributeIndexBuilder {
  readonly #present = new GrowableIds();
  readonly #terms: TermsBuilder | undefined;

  constructor(readonly type: AttributeType) {
    this.#terms = type.matching === 'text' || type.matching === 'telephone' ? new TermsBuilder() : undefined;
  }

  add(id: number, values: readonly string[], phones: PhoneNumbers): void {
    if (this.#present.last() !== id) this.#present.push(id);
    const terms = this.#terms;
    if (!terms) return;
    if (this.type.matching === 'text') {
      for (const value of values) terms.add(foldText(value), id, true);
      return;
    }
    for (const forms of phones.formsOfValues(values, false)) addPhoneKeys(terms, forms, id);
  }

  build(): AttributeIndex {
    const telephone = this.type.matching === 'telephone';
    return { type: this.type, present: this.#present.toArray(), terms: this.#terms?.build(telephone) };
  }
}

/**
 * A number's keys. Those contained in a longer key of the same number (the national significant
 * number inside the E.164 form) get no trigrams of their own: whatever they contain, the longer key
 * contains too, and that saves about a third of the trigram postings.
 */
function addPhoneKeys(terms: TermsBuilder, forms: PhoneForms, id: number): void {
  for (const key of forms.keys) {
    const contained = forms.keys.some((other) => other.length > key.length && other.includes(key));
    terms.add(key, id, !contained);
  }
}

/** Collects (key, entry) pairs in entry order, then lays them out sorted (see TermIndex). */
class TermsBuilder {
  readonly #ids = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #lastEntry: number[] = [];
  readonly #withTrigrams: boolean[] = [];
  readonly #pairKeys = new GrowableIds();
  readonly #pairEntries = new GrowableIds();

  add(key: string, entry: number, withTrigrams: boolean): void {
    let k = this.#ids.get(key);
    if (k === undefined) {
      k = this.#keys.length;
      this.#ids.set(key, k);
      this.#keys.push(key);
      this.#lastEntry.push(-1);
      this.#withTrigrams.push(false);
    }
    if (withTrigrams) this.#withTrigrams[k] = true;
    if (this.#lastEntry[k] === entry) return;
    this.#lastEntry[k] = entry;
    this.#pairKeys.push(k);
    this.#pairEntries.push(entry);
  }

  build(suffixes: boolean): TermIndex {
    const keys = [...this.#keys].sort();
    const remap = new Uint32Array(keys.length);
    for (let k = 0; k < keys.length; k++) remap[this.#ids.get(keys[k]!)!] = k;
    const { offsets, postings } = this.#layOut(remap, keys.length);
    let withTrigrams: Uint8Array | undefined;
    if (this.#withTrigrams.includes(false)) {
      withTrigrams = new Uint8Array(keys.length);
      this.#withTrigrams.forEach((flag, k) => {
        if (flag) withTrigrams![remap[k]!] = 1;
      });
    }
    return new TermIndex(keys, offsets, postings, withTrigrams, suffixes);
  }

  /** Counting sort of the pairs by sorted key id; pairs were added in entry order, so postings ascend. */
  #layOut(remap: Uint32Array, keyCount: number): { offsets: Uint32Array; postings: Uint32Array } {
    const pairKeys = this.#pairKeys.view();
    const pairEntries = this.#pairEntries.view();
    const offsets = new Uint32Array(keyCount + 1);
    for (const k of pairKeys) offsets[remap[k]! + 1]!++;
    for (let k = 0; k < keyCount; k++) offsets[k + 1]! += offsets[k]!;
    const cursor = offsets.slice(0, keyCount);
    const postings = new Uint32Array(pairKeys.length);
    for (let i = 0; i < pairKeys.length; i++) postings[cursor[remap[pairKeys[i]!]!]!++] = pairEntries[i]!;
    return { offsets, postings };
  }
}

function buildTrigrams(keys: readonly string[], withTrigrams: Uint8Array | undefined): Map<number, Uint32Array> {
  const lists = new Map<number, number[]>();
  for (let k = 0; k < keys.length; k++) {
    if (withTrigrams && !withTrigrams[k]) continue;
    const key = keys[k]!;
    for (let i = 0; i + GRAM <= key.length; i++) {
      const gram = trigramAt(key, i);
      const list = lists.get(gram);
      if (!list) lists.set(gram, [k]);
      // Keys are visited in order, so a trigram repeated within one key shows up as the last id.
      else if (list[list.length - 1] !== k) list.push(k);
    }
  }
  const trigrams = new Map<number, Uint32Array>();
  for (const [gram, list] of lists) trigrams.set(gram, Uint32Array.from(list));
  return trigrams;
}

/**
 * The trigram code at a position: three UTF-16 units folded to 10 bits each, so a code is a small
 * integer. Distinct trigrams may share a code; that only adds candidates, which are checked anyway.
 */
function trigramAt(text: string, i: number): number {
  return ((text.charCodeAt(i) & 0x3ff) << 20) | ((text.charCodeAt(i + 1) & 0x3ff) << 10) | (text.charCodeAt(i + 2) & 0x3ff);
}

function suffixOrder(keys: readonly string[]): Uint32Array {
  const reversed = keys.map(reverse);
  const order = Uint32Array.from(keys.keys());
  return order.sort((a, b) => compareStrings(reversed[a]!, reversed[b]!));
}

/** The first position in the suffix order whose key, read backwards, is not below `suffix` read backwards. */
function suffixLowerBound(keys: readonly string[], bySuffix: Uint32Array, suffix: string): number {
  const target = reverse(suffix);
  let low = 0;
  let high = bySuffix.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareReversed(keys[bySuffix[middle]!]!, target) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Compares `key` read backwards with an already reversed string, without building the reversed key. */
function compareReversed(key: string, reversedTarget: string): number {
  const length = Math.min(key.length, reversedTarget.length);
  for (let i = 0; i < length; i++) {
    const difference = key.charCodeAt(key.length - 1 - i) - reversedTarget.charCodeAt(i);
    if (difference !== 0) return difference;
  }
  return key.length - reversedTarget.length;
}

function reverse(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i]!;
  return out;
}

function lowerBound(sorted: readonly string[], target: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The intersection of two ascending id lists; gallops through the longer one when sizes differ a lot. */
function intersect(a: Ids, b: Ids): Ids {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Uint32Array(small.length);
  let count = 0;
  if (small.length * 16 < large.length) {
    let low = 0;
    for (const id of small) {
      let high = large.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (large[middle]! < id) low = middle + 1;
        else high = middle;
      }
      if (large[low] === id) out[count++] = id;
    }
  } else {
    for (let i = 0, j = 0; i < small.length && j < large.length; ) {
      const x = small[i]!;
      const y = large[j]!;
      if (x === y) {
        out[count++] = x;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
  }
  return out.subarray(0, count);
}

/**
 * Unions entry ids without duplicates. A stamp per entry marks what the current union holds, so
 * adding is O(1) and nothing is cleared between unions; large unions are read back in order from the
 * stamps, small ones are sorted.
 */
class IdCollector {
  readonly #stamps: Uint32Array;
  #epoch = 0;
  #ids: number[] = [];

  constructor(size: number) {
    this.#stamps = new Uint32Array(size);
  }

  begin(): this {
    if (this.#epoch === 0xffffffff) {
      this.#stamps.fill(0);
      this.#epoch = 0;
    }
    this.#epoch++;
    this.#ids = [];
    return this;
  }

  add(id: number): void {
    if (this.#stamps[id] === this.#epoch) return;
    this.#stamps[id] = this.#epoch;
    this.#ids.push(id);
  }

  addAll(ids: Ids): void {
    for (const id of ids) this.add(id);
  }

  addRange(ids: Uint32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.add(ids[i]!);
  }

  finish(): Ids {
    const ids = this.#ids;
    this.#ids = [];
    if (ids.length * 8 < this.#stamps.length) return Uint32Array.from(ids).sort();
    const out = new Uint32Array(ids.length);
    let count = 0;
    for (let id = 0; id < this.#stamps.length; id++) if (this.#stamps[id] === this.#epoch) out[count++] = id;
    return out;
  }
}

/** An append-only list of uint32 that grows by doubling. */
class GrowableIds {
  #data = new Uint32Array(16);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new Uint32Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  last(): number | undefined {
    return this.#length === 0 ? undefined : this.#data[this.#length - 1];
  }

  view(): Uint32Array {
    return this.#data.subarray(0, this.#length);
  }

  toArray(): Uint32Array {
    return this.#data.slice(0, this.#length);
  }
}
