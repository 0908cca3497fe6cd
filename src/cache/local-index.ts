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
import type { Entry } from '../schema/entry.js';
import { MatchingRules } from '../schema/matching-rules.js';
import type { PhoneForms, PhoneNumbers } from '../schema/phone-number.js';
import type { AttributeType, Schema } from '../schema/schema.js';
import { foldSubstrings, foldText, matchesSubstrings, type SubstringPattern } from '../schema/text-fold.js';
import type { Filter } from '../filter/ast.js';

/** Ascending entry ids (positions in load order). */
type Ids = Uint32Array;

const EMPTY: Ids = new Uint32Array(0);
/** Components shorter than this cannot use the trigram index; they scan the key vocabulary instead. */
const GRAM = 3;
/** Key reach flags: in the trigram index, in the suffix order. */
const CONTAINS = 1;
const ENDS = 2;
const ALL_REACH = CONTAINS | ENDS;

export interface LocalIndexOptions {
  readonly defaultCountry: string;
  /**
   * The index this one replaces. Text attributes get their keys on the first search that needs them
   * and their trigrams on the first contains search (most are never searched: entryUUID, mail, ...);
   * a reload builds up front what its predecessor had built, so the first key press after a reload
   * does not pay for it.
   */
  readonly warmFrom?: LocalIndex;
  /** Attributes (any name or OID) whose keys and trigrams to build up front, as if searched. */
  readonly prepare?: readonly string[];
}

export class LocalIndex {
  readonly #entries: readonly Entry[];
  readonly #attributes: ReadonlyMap<string, AttributeIndex>;
  readonly #schema: Schema;
  readonly #rules: MatchingRules;
  readonly #collector: IdCollector;

  private constructor(
    entries: readonly Entry[],
    attributes: ReadonlyMap<string, AttributeIndex>,
    schema: Schema,
    rules: MatchingRules,
  ) {
    this.#entries = entries;
    this.#attributes = attributes;
    this.#schema = schema;
    this.#rules = rules;
    this.#collector = new IdCollector(entries.length);
  }

  static build(entries: readonly Entry[], schema: Schema, options: LocalIndexOptions): LocalIndex {
    const rules = new MatchingRules(schema, options);
    const copy = [...entries];
    const index = new LocalIndex(
      copy,
      buildAttributeIndexes(copy, schema, rules.phoneNumbers),
      schema,
      rules,
    );
    if (options.warmFrom) index.#warmFrom(options.warmFrom);
    for (const name of options.prepare ?? []) {
      const type = schema.attribute(name);
      index.#attributes
        .get(type?.name.toLowerCase() ?? '')
        ?.terms()
        ?.trigrams();
    }
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
      const built = old.builtTerms();
      if (!built) continue;
      const terms = this.#attributes.get(name)?.terms();
      if (built.hasTrigrams) terms?.trigrams();
      if (built.hasSuffixOrder) terms?.suffixOrder();
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
        return this.#onAttribute(filter.attribute, (index) =>
          this.#substrings(index, filter.initial, filter.any, filter.final),
        );
      case 'approx':
        // The evaluator's approx is "contains".
        return this.#onAttribute(filter.attribute, (index) =>
          this.#substrings(index, undefined, [filter.value], undefined),
        );
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
    const terms = index.terms();
    if (!terms) return index.present;
    if (index.type.matching === 'text') return terms.exact(this.#rules.textAssertion(index.type, value));
    const phones = this.#rules.phoneNumbers;
    const asserted = phones.formsOf(value);
    // Without digits a number compares as text, which is not keyed.
    if (asserted.raw === '') return index.present;
    const collector = this.#collector.begin();
    for (const key of phones.canonicalKeysEqualTo(asserted, index.callingCodes))
      collector.addAll(terms.exact(key));
    return collector.finish();
  }

  #substrings(
    index: AttributeIndex,
    initial: string | undefined,
    any: readonly string[],
    final: string | undefined,
  ): Ids {
    const terms = index.terms();
    if (!terms) return index.present;
    if (index.type.matching === 'text')
      return this.#matchingKeys(terms, foldSubstrings(initial, any, final), index);
    const phones = this.#rules.phoneNumbers;
    const assertion = phones.substrings(initial, any, final);
    if (assertion.kind === 'text') return index.present;
    const patterns = phones.canonicalPatterns(assertion, index.callingCodes);
    if (patterns.length === 1) return this.#matchingKeys(terms, patterns[0]!, index);
    const sets = patterns.map((pattern) => this.#matchingKeys(terms, pattern, index));
    const collector = this.#collector.begin();
    for (const ids of sets) collector.addAll(ids);
    return collector.finish();
  }

  /** The entries holding a key that can match the pattern (see TermIndex.forEachCandidateKey). */
  #matchingKeys(terms: TermIndex, pattern: SubstringPattern, index: AttributeIndex): Ids {
    if (pattern.initial === undefined && pattern.final === undefined && pattern.any.length === 0)
      return index.present;
    const collector = this.#collector.begin();
    terms.forEachCandidateKey(pattern, (key) =>
      collector.addRange(terms.postings, terms.offsets[key]!, terms.offsets[key + 1]!),
    );
    return collector.finish();
  }
}

/** What is known about one attribute: who holds it, and its keys (text: built on first use). */
class AttributeIndex {
  #terms: TermIndex | undefined;
  #pending: TermsBuilder | undefined;

  constructor(
    readonly type: AttributeType,
    /** The entries that hold the attribute. */
    readonly present: Ids,
    terms: TermsBuilder | TermIndex | undefined,
    private readonly entries: readonly Entry[],
    /** How entries spell the attribute (normally just its canonical lower-cased name). */
    private readonly spellings: readonly string[],
    /** The calling codes of the numbers held (telephone attributes). */
    readonly callingCodes: ReadonlySet<string>,
  ) {
    if (terms instanceof TermIndex) this.#terms = terms;
    else this.#pending = terms;
  }

  /** The keys, for text and telephone attributes. */
  terms(): TermIndex | undefined {
    if (this.#terms || !this.#pending) return this.#terms;
    const builder = this.#pending;
    this.#pending = undefined;
    for (const id of this.present) {
      const { attributes } = this.entries[id]!;
      for (const spelling of this.spellings) {
        for (const value of attributes.get(spelling)?.values ?? [])
          builder.add(foldText(value), id, ALL_REACH);
      }
    }
    return (this.#terms = builder.build(false));
  }

  /** The keys if they have been built, without building them. */
  builtTerms(): TermIndex | undefined {
    return this.#terms;
  }
}

/**
 * The distinct keys of one attribute, sorted, with the entries that hold each: exact and prefix
 * lookups by binary search, suffix lookups (numbers) through the keys sorted by their reversed text,
 * contains through trigrams of the keys. Numbers get the last two at once; names get trigrams on
 * their first contains search (most text attributes, entryUUID or mail, never see one).
 */
class TermIndex {
  #trigrams: Trigrams | undefined;
  #bySuffix: Uint32Array | undefined;

  constructor(
    readonly keys: readonly string[],
    /** Entries of key k: postings[offsets[k] .. offsets[k + 1]). */
    readonly offsets: Uint32Array,
    readonly postings: Uint32Array,
    /**
     * Which keys are in the trigram index (CONTAINS) and in the suffix order (ENDS); undefined: all.
     * A number's shorter forms sit inside its longer ones and are found through them.
     */
    private readonly reach: Uint8Array | undefined,
    /** Whether suffix lookups are worth a structure (numbers: `*456712`); text uses trigrams. */
    private readonly suffixes: boolean,
  ) {
    // Numbers are what phones search inside on every call: build their structures now, before
    // the replica serves, rather than on the first key press.
    if (suffixes) {
      this.trigrams();
      this.suffixOrder();
    }
  }

  get hasTrigrams(): boolean {
    return this.#trigrams !== undefined;
  }

  get hasSuffixOrder(): boolean {
    return this.#bySuffix !== undefined;
  }

  /** Trigram -> keys containing it. */
  trigrams(): Trigrams {
    return (this.#trigrams ??= buildTrigrams(this.keys, this.reach));
  }

  /** Key ids ordered by their reversed text. */
  suffixOrder(): Uint32Array {
    return (this.#bySuffix ??= suffixOrder(this.keys, this.reach));
  }

  /** The entries of one exact key (a view, not a copy). */
  exact(key: string): Ids {
    const k = lowerBound(this.keys, key);
    if (this.keys[k] !== key) return EMPTY;
    return this.postings.subarray(this.offsets[k], this.offsets[k + 1]);
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
    // As for contains: a shorter form reached through a longer one is checked on the suffix alone.
    const check: SubstringPattern = this.reach ? { any: [], final: suffix } : pattern;
    for (let i = suffixLowerBound(keys, bySuffix, suffix); i < bySuffix.length; i++) {
      const k = bySuffix[i]!;
      if (!keys[k]!.endsWith(suffix)) break;
      if (matchesSubstrings(keys[k]!, check)) visit(k);
    }
  }

  #contains(part: string, pattern: SubstringPattern, visit: (key: number) => void): void {
    const trigrams = this.trigrams();
    const lists: Uint32Array[] = [];
    for (let i = 0; i + GRAM <= part.length; i++) {
      const list = trigrams.keysWith(trigramAt(part, i));
      if (!list) return;
      lists.push(list);
    }
    lists.sort((a, b) => a.length - b.length);
    // Two or three of the shortest lists narrow enough; the check below settles the rest.
    let candidates = lists[0]!;
    for (let i = 1; i < Math.min(lists.length, 3); i++) candidates = intersect(candidates, lists[i]!);
    // A number is found through its longest forms only, which contain its shorter ones, so an
    // anchored pattern may match the shorter form alone: check the component, not the pattern.
    const check: SubstringPattern = this.reach ? { any: [part] } : pattern;
    for (const k of candidates) if (matchesSubstrings(this.keys[k]!, check)) visit(k);
  }

  #scan(pattern: SubstringPattern, visit: (key: number) => void): void {
    const { keys } = this;
    for (let k = 0; k < keys.length; k++) if (matchesSubstrings(keys[k]!, pattern)) visit(k);
  }
}

function buildAttributeIndexes(
  entries: readonly Entry[],
  schema: Schema,
  phones: PhoneNumbers,
): Map<string, AttributeIndex> {
  const builders = new Map<string, AttributeIndexBuilder>();
  /** Builder by the name as entries spell it; null for attributes the schema does not know. */
  const byName = new Map<string, AttributeIndexBuilder | null>();
  const builderFor = (name: string): AttributeIndexBuilder | null => {
    const type = schema.attribute(name);
    // Attributes the schema does not know are Undefined in every filter: nothing to index.
    if (!type) return null;
    const key = type.name.toLowerCase();
    let builder = builders.get(key);
    if (!builder) builders.set(key, (builder = new AttributeIndexBuilder(type)));
    builder.spellings.push(name);
    return builder;
  };
  for (let id = 0; id < entries.length; id++) {
    // forEach rather than for-of: no [name, value] pair allocated per attribute of 100,000 entries.
    entries[id]!.attributes.forEach((attribute, name) => {
      let builder = byName.get(name);
      if (builder === undefined) byName.set(name, (builder = builderFor(name)));
      builder?.add(id, attribute.values, phones);
    });
  }
  // Most attributes are held by every entry (objectClass, cn, entryUUID...): they share one list.
  const everyone = new Uint32Array(entries.length);
  for (let id = 0; id < entries.length; id++) everyone[id] = id;
  const indexes = new Map<string, AttributeIndex>();
  for (const [key, builder] of builders) indexes.set(key, builder.build(entries, everyone));
  return indexes;
}

/**
 * Collects one attribute during the pass over the entries: who holds it, and for numbers their keys
 * (reading numbers is the slow part, and phones search them on every call, so it is done up front).
 */
class AttributeIndexBuilder {
  readonly spellings: string[] = [];
  readonly #present = new GrowableIds();
  readonly #numbers: TermsBuilder | undefined;
  readonly #callingCodes = new Set<string>();

  constructor(readonly type: AttributeType) {
    this.#numbers = type.matching === 'telephone' ? new TermsBuilder() : undefined;
  }

  add(id: number, values: readonly string[], phones: PhoneNumbers): void {
    if (this.#present.last() !== id) this.#present.push(id);
    // Read without caching: holding the forms of every number for the evaluator would cost more
    // memory than re-reading the few candidates a query hands it.
    if (!this.#numbers) return;
    for (const value of values) {
      const forms = phones.read(value);
      if (forms.callingCode !== undefined) this.#callingCodes.add(forms.callingCode);
      addPhoneKeys(this.#numbers, forms, id);
    }
  }

  build(entries: readonly Entry[], everyone: Ids): AttributeIndex {
    const terms =
      this.#numbers?.build(true) ?? (this.type.matching === 'text' ? new TermsBuilder() : undefined);
    const present = this.#present.length === everyone.length ? everyone : this.#present.toArray();
    return new AttributeIndex(this.type, present, terms, entries, this.spellings, this.#callingCodes);
  }
}

/**
 * A number's canonical keys (its E.164 form, with and without an extension). The one without the
 * extension sits inside the other, so it needs no trigrams of its own.
 */
function addPhoneKeys(terms: TermsBuilder, forms: PhoneForms, id: number): void {
  const keys = forms.canonical;
  for (const key of keys) {
    let reach = ALL_REACH;
    for (const other of keys) {
      if (other.length <= key.length) continue;
      if (other.includes(key)) reach &= ~CONTAINS;
      if (other.endsWith(key)) reach &= ~ENDS;
    }
    terms.add(key, id, reach);
  }
}

/** Collects (key, entry) pairs in entry order, then lays them out sorted (see TermIndex). */
class TermsBuilder {
  readonly #ids = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #lastEntry: number[] = [];
  readonly #reach: number[] = [];
  readonly #pairKeys = new GrowableIds();
  readonly #pairEntries = new GrowableIds();

  add(key: string, entry: number, reach: number): void {
    let k = this.#ids.get(key);
    if (k === undefined) {
      k = this.#keys.length;
      this.#ids.set(key, k);
      this.#keys.push(key);
      this.#lastEntry.push(-1);
      this.#reach.push(0);
    }
    this.#reach[k]! |= reach;
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
    let reach: Uint8Array | undefined;
    if (this.#reach.some((flags) => flags !== ALL_REACH)) {
      reach = new Uint8Array(keys.length);
      this.#reach.forEach((flags, k) => (reach![remap[k]!] = flags));
    }
    return new TermIndex(keys, offsets, postings, reach, suffixes);
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

/** Keys by trigram, in CSR layout: one Uint32Array of key ids, sliced per trigram on lookup. */
class Trigrams {
  constructor(
    /** Trigram code -> its slot. */
    private readonly slots: ReadonlyMap<number, number>,
    /** Keys of slot s: keys[offsets[s] .. offsets[s + 1]), ascending. */
    private readonly offsets: Uint32Array,
    private readonly keys: Uint32Array,
  ) {}

  keysWith(gram: number): Uint32Array | undefined {
    const slot = this.slots.get(gram);
    return slot === undefined ? undefined : this.keys.subarray(this.offsets[slot], this.offsets[slot + 1]);
  }
}

/**
 * One pass over the keys gives every distinct trigram a slot and records each (slot, key)
 * occurrence; counting sort by slot then lays the keys out. Small integer codes and typed arrays
 * keep it to a fraction of a second for a few hundred thousand keys.
 */
function buildTrigrams(keys: readonly string[], reach: Uint8Array | undefined): Trigrams {
  const slots = new Map<number, number>();
  /** The last key recorded for each slot: a trigram twice in one key is recorded once. */
  let lastKey = new Int32Array(1024).fill(-1);
  let slotOf = new Uint32Array(1024);
  let keyOf = new Uint32Array(1024);
  let count = 0;
  for (let k = 0; k < keys.length; k++) {
    if (reach && !(reach[k]! & CONTAINS)) continue;
    const key = keys[k]!;
    for (let i = 0; i + GRAM <= key.length; i++) {
      const gram = trigramAt(key, i);
      let slot = slots.get(gram);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(gram, slot);
        if (slot === lastKey.length) lastKey = grow(lastKey, -1);
      }
      if (lastKey[slot] === k) continue;
      lastKey[slot] = k;
      if (count === slotOf.length) [slotOf, keyOf] = [grow(slotOf), grow(keyOf)];
      slotOf[count] = slot;
      keyOf[count++] = k;
    }
  }
  const offsets = new Uint32Array(slots.size + 1);
  for (let i = 0; i < count; i++) offsets[slotOf[i]! + 1]!++;
  for (let slot = 0; slot < slots.size; slot++) offsets[slot + 1]! += offsets[slot]!;
  const cursor = offsets.slice(0, slots.size);
  // Occurrences are in key order, so each trigram's keys come out ascending.
  const postings = new Uint32Array(count);
  for (let i = 0; i < count; i++) postings[cursor[slotOf[i]!]!++] = keyOf[i]!;
  return new Trigrams(slots, offsets, postings);
}

/** A typed array twice as long, with the old contents (and `fill` in the new half). */
function grow<T extends Uint32Array | Int32Array>(array: T, fill = 0): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  if (fill !== 0) bigger.fill(fill, array.length);
  return bigger;
}

/**
 * The trigram code at a position: three UTF-16 units folded to 10 bits each, so a code is a small
 * integer. Distinct trigrams may share a code; that only adds candidates, which are checked anyway.
 */
function trigramAt(text: string, i: number): number {
  return (
    ((text.charCodeAt(i) & 0x3ff) << 20) |
    ((text.charCodeAt(i + 1) & 0x3ff) << 10) |
    (text.charCodeAt(i + 2) & 0x3ff)
  );
}

/**
 * Key ids ordered by their reversed text, by LSD radix sort: one stable counting pass per character
 * position, from the deepest. Keys are digit strings with a small alphabet, so this costs a few
 * passes over typed arrays where a comparison sort of reversed strings took a second.
 */
function suffixOrder(allKeys: readonly string[], reach: Uint8Array | undefined): Uint32Array {
  const ids: number[] = [];
  for (let k = 0; k < allKeys.length; k++) if (!reach || reach[k]! & ENDS) ids.push(k);
  const keys = ids.map((k) => allKeys[k]!);
  const count = keys.length;
  let longest = 0;
  for (const key of keys) longest = Math.max(longest, key.length);
  // Dense symbols in character order; 0 means "past the start of the key", which sorts first.
  const symbolOf = new Uint16Array(0x10000);
  for (const key of keys) for (let i = 0; i < key.length; i++) symbolOf[key.charCodeAt(i)] = 1;
  let alphabet = 0;
  for (let code = 0; code < symbolOf.length; code++) if (symbolOf[code]) symbolOf[code] = ++alphabet;
  // The symbols by depth (distance from the end of the key), read once from the strings, so that
  // the passes below run over one compact array instead of chasing every string on every pass.
  const columns = alphabet < 0x100 ? new Uint8Array(count * longest) : new Uint16Array(count * longest);
  for (let k = 0; k < count; k++) {
    const key = keys[k]!;
    for (let depth = 0; depth < key.length; depth++)
      columns[depth * count + k] = symbolOf[key.charCodeAt(key.length - 1 - depth)]!;
  }
  let order = new Uint32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  let next = new Uint32Array(count);
  const counts = new Uint32Array(alphabet + 2);
  for (let depth = longest - 1; depth >= 0; depth--) {
    const column = columns.subarray(depth * count, (depth + 1) * count);
    counts.fill(0);
    for (let k = 0; k < count; k++) counts[column[k]! + 1]!++;
    for (let s = 1; s < counts.length; s++) counts[s]! += counts[s - 1]!;
    for (let i = 0; i < count; i++) {
      const k = order[i]!;
      next[counts[column[k]!]!++] = k;
    }
    const sorted = next;
    next = order;
    order = sorted;
  }
  for (let i = 0; i < count; i++) order[i] = ids[order[i]!]!;
  return order;
}

/** The first position in the suffix order whose key, read backwards, is not below `suffix` read backwards. */
function suffixLowerBound(keys: readonly string[], bySuffix: Uint32Array, suffix: string): number {
  let low = 0;
  let high = bySuffix.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBackwards(keys[bySuffix[middle]!]!, suffix) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Compares two strings read from their ends, without building reversed copies. */
function compareBackwards(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 1; i <= length; i++) {
    const difference = a.charCodeAt(a.length - i) - b.charCodeAt(b.length - i);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
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
    for (let i = 0, j = 0; i < small.length && j < large.length;) {
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

  get length(): number {
    return this.#length;
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
