/**
 * An index over some of a replica's slots (DESIGN.md "Live and replica sources"): names keyed by
 * their folded form, numbers by their normalised digit forms, so that a phone's lookup on every key
 * press touches the few entries that can match instead of scanning the copy.
 *
 * `candidates(filter)` is a SUPERSET of the slots whose entries match, ascending: the directory
 * re-checks each entry with its predicate, which alone decides. Searches read `stream(filter)`, the
 * same superset found as it is read (slot-stream.ts), so a size limit stops the index too. Every attribute is indexed by its
 * schema matching kind: text and telephone attributes by key (exact, prefix, suffix, contains),
 * every attribute by presence. Per attribute, keys are sorted code units (key-table.ts) with their
 * slots in one Uint32Array (CSR layout), so 100,000 entries cost a few typed arrays rather than
 * millions of small objects; all of them are in shared memory, which worker threads read through
 * `share` and `attach` without a copy. The replica keeps a large index of the copy as loaded and a
 * small one of what has changed since (replica-index.ts); `mergedWith` folds the second into the first.
 */
import { threadId } from 'node:worker_threads';
import type { Filter } from '../filter/ast.js';
import type { EntryAttribute } from '../schema/entry.js';
import type { MatchingRules } from '../schema/matching-rules.js';
import type { Schema } from '../schema/schema.js';
import type { SubstringPattern } from '../schema/text-fold.js';
import {
  AttributeIndex,
  AttributeIndexBuilder,
  type AttributeShare,
  type SlotReader,
} from './attribute-index.js';
import { GrowableIds } from './growable-ids.js';
import { IdCollector } from './id-collector.js';
import type { PhoneReadings } from './phone-readings.js';
import { inShared } from './shared-arrays.js';
import { chainStreams, filterStream, listStream, postingsStream, type SlotStream } from './slot-stream.js';
import { EMPTY, filterIds, has, intersect, union, type Ids } from './sorted-ids.js';
import { SnapshotUnusable } from './snapshot-format.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';
import type { TermIndex, TermLayout } from './term-index.js';

/**
 * An AND whose narrowest list child holds at most this many slots is answered by intersecting its
 * lists; with more, a child that streams is read instead (its first matches come at once).
 */
const SHORT_LIST = 1024;

/** Whether a filter is found key by key (its candidates stream) rather than as one list. */
function streams(filter: Filter): boolean {
  return filter.type === 'substrings' || filter.type === 'approx' || filter.type === 'or';
}

/** One attribute's part of an index (SlotIndex.layout). */
export interface AttributeLayout {
  readonly key: string;
  /** Bytes of the list of slots holding it (0 when another attribute's list is the same one). */
  readonly presentBytes: number;
  /** Its keys, when they are built. */
  readonly terms?: TermLayout;
}

/**
 * A SlotIndex as another thread attaches to it (SlotIndex.share): a plain object of typed arrays
 * over SharedArrayBuffers (posted as views of the same memory), numbers and strings.
 */
export interface SlotIndexShare {
  /** Names this index among those its owner made, so a thread can tell one it holds already. */
  readonly id: string;
  readonly all: Ids;
  readonly slotCount: number;
  readonly attributes: readonly AttributeShare[];
}

/** Ids for the indexes this thread makes (SlotIndexShare.id). */
let madeHere = 0;

/** One entry handed to `build`: its slot and its attributes. */
export interface SlotEntry {
  readonly slot: number;
  readonly attributes: ReadonlyMap<string, EntryAttribute>;
}

/** A filter item whose candidates are found key by key: approx is "contains" (see the evaluator). */
type SubstringsFilter = Extract<Filter, { type: 'substrings' | 'approx' }>;

function componentsOf(filter: SubstringsFilter): {
  readonly initial: string | undefined;
  readonly any: readonly string[];
  readonly final: string | undefined;
} {
  return filter.type === 'approx'
    ? { initial: undefined, any: [filter.value], final: undefined }
    : { initial: filter.initial, any: filter.any, final: filter.final };
}

/** Number lookups a SlotIndex keeps, for as many filter items (an OR of telephoneNumber and mobile is two). */
const LOOKUPS = 8;

/** A number assertion as one index looks it up (SlotIndex.#numberLookup). */
interface NumberLookup {
  readonly patterns: readonly SubstringPattern[];
  /** Keys found as whole numbers (PhoneNumbers.canonicalWholeKeys). */
  readonly wholeKeys: readonly string[];
  /** Whether every entry the lookup finds matches the assertion. */
  readonly exact: boolean;
}

export class SlotIndex {
  readonly id: string;
  readonly #all: Ids;
  readonly #slotCount: number;
  readonly #attributes: ReadonlyMap<string, AttributeIndex>;
  readonly #schema: Schema;
  readonly #rules: MatchingRules;
  readonly #collector: IdCollector;
  /**
   * The filter items whose numbers were looked up here last, and how (#numberLookup), in a ring: a
   * search asks for its stream and then whether it is exact, one item after the other, at once.
   * Compared by identity, so a ring rather than a WeakMap, whose entries the young generation's
   * collections would have to trace.
   */
  readonly #lookupFilters = new Array<SubstringsFilter | undefined>(LOOKUPS).fill(undefined);
  readonly #lookups = new Array<NumberLookup | null>(LOOKUPS).fill(null);
  #nextLookup = 0;

  private constructor(
    all: Ids,
    attributes: ReadonlyMap<string, AttributeIndex>,
    schema: Schema,
    rules: MatchingRules,
    slotCount: number,
    id = `${threadId}:${madeHere++}`,
  ) {
    this.id = id;
    this.#all = all;
    this.#slotCount = slotCount;
    this.#attributes = attributes;
    this.#schema = schema;
    this.#rules = rules;
    this.#collector = new IdCollector(Math.max(slotCount, (all.at(-1) ?? -1) + 1));
  }

  /** Indexes entries given in ascending slot order; `slotCount` bounds every slot number. */
  static build(
    entries: Iterable<SlotEntry>,
    schema: Schema,
    rules: MatchingRules,
    read: SlotReader,
    slotCount: number,
    readings?: PhoneReadings,
  ): SlotIndex {
    const builder = new SlotIndexBuilder(schema, rules, readings);
    for (const entry of entries) builder.add(entry.slot, entry.attributes);
    return builder.build(read, slotCount);
  }

  /** @internal For SlotIndexBuilder. */
  static of(
    all: Ids,
    attributes: ReadonlyMap<string, AttributeIndex>,
    schema: Schema,
    rules: MatchingRules,
    slotCount: number,
  ): SlotIndex {
    return new SlotIndex(all, attributes, schema, rules, slotCount);
  }

  /**
   * What another thread attaches to (`attach`): every list and key of the index, in the shared
   * memory they were built in, not copied. An index is never changed once built (mergedWith makes
   * a new one), so its readers need no lock.
   */
  share(): SlotIndexShare {
    return {
      id: this.id,
      all: inShared(this.#all),
      slotCount: this.#slotCount,
      attributes: Array.from(this.#attributes.values(), (index) => index.share()),
    };
  }

  /**
   * The index `share` describes, in this thread, over the same memory: it answers as the original
   * does. `read` is this thread's reader of the store, for text keys built on first use here.
   */
  static attach(share: SlotIndexShare, schema: Schema, rules: MatchingRules, read: SlotReader): SlotIndex {
    const attributes = new Map<string, AttributeIndex>();
    for (const attribute of share.attributes) {
      const type = schema.attribute(attribute.key);
      if (!type)
        throw new Error(`the shared index holds ${attribute.key}, which this thread's schema does not know`);
      attributes.set(attribute.key, AttributeIndex.attach(attribute, type, read));
    }
    return new SlotIndex(share.all, attributes, schema, rules, share.slotCount, share.id);
  }

  /** The index as `loadFrom` reads it: slots, then each attribute by its key. */
  async saveTo(writer: SnapshotWriter): Promise<void> {
    await writer.u32s(this.#all);
    await writer.strings([...this.#attributes.keys()]);
    for (const index of this.#attributes.values()) await index.saveTo(writer, this.#all);
  }

  static async loadFrom(
    reader: SnapshotReader,
    schema: Schema,
    rules: MatchingRules,
    read: SlotReader,
    slotCount: number,
  ): Promise<SlotIndex> {
    const all = await reader.u32s(true);
    if (all.some((slot) => slot >= slotCount))
      throw new SnapshotUnusable('the index names a slot that is not there');
    const attributes = new Map<string, AttributeIndex>();
    for (const key of await reader.strings()) {
      const type = schema.attribute(key);
      if (!type) throw new SnapshotUnusable(`it indexes ${key}, which the schema no longer has`);
      attributes.set(key, await AttributeIndex.loadFrom(reader, type, all, read, slotCount));
    }
    return new SlotIndex(all, attributes, schema, rules, slotCount);
  }

  /** Every slot this index covers, ascending. */
  get all(): Ids {
    return this.#all;
  }

  get size(): number {
    return this.#all.length;
  }

  /** Bytes held per attribute, about (for the benchmark and monitoring). */
  footprint(): Map<string, number> {
    const out = new Map<string, number>();
    const counted = new Set<Ids>();
    for (const [key, index] of this.#attributes) {
      let bytes = counted.has(index.present) ? 0 : index.present.byteLength;
      counted.add(index.present);
      bytes += index.builtTerms()?.bytes ?? 0;
      out.set(key, bytes);
    }
    return out;
  }

  /** Per attribute: who holds it (bytes of its slot list) and its keys as built so far (benchmark). */
  *layout(): Generator<AttributeLayout> {
    const counted = new Set<Ids>();
    for (const [key, index] of this.#attributes) {
      const presentBytes = counted.has(index.present) ? 0 : index.present.byteLength;
      counted.add(index.present);
      const terms = index.builtTerms()?.layout;
      yield terms ? { key, presentBytes, terms } : { key, presentBytes };
    }
  }

  /** Builds, as if searched, the keys and trigrams of these attributes (any name or OID). */
  prepare(names: Iterable<string>): void {
    for (const name of names) this.#index(name)?.terms()?.trigrams();
  }

  /** Attributes whose keys are built, with whether their trigrams and suffix order are too. */
  *builtAttributes(): Generator<{ readonly key: string; readonly trigrams: boolean }> {
    for (const [key, index] of this.#attributes) {
      const terms = index.builtTerms();
      if (terms) yield { key, trigrams: terms.hasTrigrams };
    }
  }

  /**
   * This index with `newer` (an index of slots changed since this one was built) folded in: slots
   * `keep` refuses (changed or deleted since) leave this index's lists, and `newer`'s lists join.
   */
  mergedWith(newer: SlotIndex, keep: (slot: number) => boolean, slotCount: number): SlotIndex {
    const slots = inShared(union(filterIds(this.#all, keep), newer.#all));
    const attributes = new Map<string, AttributeIndex>();
    for (const [key, index] of this.#attributes)
      attributes.set(key, index.mergedWith(newer.#attributes.get(key), keep));
    // An attribute only changed entries hold so far comes over as it is.
    for (const [key, index] of newer.#attributes) if (!attributes.has(key)) attributes.set(key, index);
    return new SlotIndex(slots, attributes, this.#schema, this.#rules, slotCount);
  }

  /** A superset of the slots the filter can match, ascending; undefined when it cannot be narrowed. */
  candidates(filter: Filter): Ids | undefined {
    return this.#plan(filter);
  }

  /**
   * The slots the filter can match (a superset, with repeats), found as they are read; undefined
   * when it cannot be narrowed. Unlike `candidates`, nothing is gathered before the first slot.
   */
  stream(filter: Filter): SlotStream | undefined {
    switch (filter.type) {
      case 'and':
        return this.#andStream(filter.filters);
      case 'or': {
        const streams: SlotStream[] = [];
        for (const child of filter.filters) {
          const stream = this.stream(child);
          if (stream === undefined) return undefined;
          streams.push(stream);
        }
        return chainStreams(streams);
      }
      case 'substrings':
      case 'approx':
        return this.#onAttributeStream(filter.attribute, (index) => this.#substringsStream(index, filter));
      default: {
        const ids = this.#plan(filter);
        return ids && listStream(ids);
      }
    }
  }

  /**
   * Whether every slot `stream(filter)` hands out holds an entry that matches the filter, as the
   * entries are when the stream is made: an OR of substrings on text attributes, whose keys are the
   * values folded as the evaluator folds them and are each tested against the whole pattern
   * (TermIndex.candidateKeys), so the directory need not test them again; on numbers, where the
   * patterns are the assertion's own (`*4567`, `*123*`: see #exactNumbers); and presence, whose
   * stream is the attribute's holders. Identifiers, numbers found through a calling code or the
   * national prefix, and every other shape are candidates only.
   */
  exact(filter: Filter): boolean {
    switch (filter.type) {
      case 'or':
        return filter.filters.every((child) => this.exact(child));
      case 'substrings': {
        const index = this.#index(filter.attribute);
        // No index: nobody here holds it (or the schema does not know it), and the stream is empty.
        if (!index) return true;
        const terms = index.terms();
        if (terms === undefined) return false;
        if (index.type.matching === 'text') return !index.type.identifier;
        return this.#numberLookup(index, terms, filter)?.exact ?? false;
      }
      case 'present':
        // Its stream is the attribute's holders, and holding it is what presence tests (an export's
        // `(objectClass=*)` tested and decoded every entry's object classes again).
        return true;
      default:
        return false;
    }
  }

  /**
   * How a number assertion is looked up here (null: it holds no digit, and compares as text), made
   * once per filter: a search asks for the stream and then whether it is exact. A number's keys are
   * its canonical forms, each one of the digit strings the evaluator tests (PhoneForms.keys), so a
   * key that matches one of the assertion's own patterns is a value that matches, if the key cursor
   * tested the whole pattern (TermIndex.testsWhole). A number search tested every entry it found
   * again, and the tests were a sixth of a `*4567` search.
   */
  #numberLookup(index: AttributeIndex, terms: TermIndex, filter: SubstringsFilter): NumberLookup | null {
    const filters = this.#lookupFilters;
    for (let i = 0; i < LOOKUPS; i++) if (filters[i] === filter) return this.#lookups[i] ?? null;
    let lookup: NumberLookup | null;
    const phones = this.#rules.phoneNumbers;
    const { initial, any, final } = componentsOf(filter);
    const assertion = phones.substrings(initial, any, final);
    if (assertion.kind === 'text') lookup = null;
    else {
      const wholeKeys = phones.canonicalWholeKeys(assertion);
      lookup = {
        patterns: phones.canonicalPatterns(assertion, index.callingCodes),
        wholeKeys,
        exact:
          wholeKeys.length === 0 &&
          phones.canonicalPatternsExact(assertion, index.callingCodes) &&
          assertion.patterns.every((pattern) => terms.testsWhole(pattern)),
      };
    }
    const i = this.#nextLookup;
    filters[i] = filter;
    this.#lookups[i] = lookup;
    this.#nextLookup = (i + 1) % LOOKUPS;
    return lookup;
  }

  /**
   * AND: any child that narrows is a superset. Children that are lists (equality, presence) are
   * intersected when the smallest is short; else the first child that streams is read, less what
   * a list child rules out.
   */
  #andStream(children: readonly Filter[]): SlotStream | undefined {
    const lists: Ids[] = [];
    const streamed: Filter[] = [];
    for (const child of children) {
      if (streams(child)) {
        streamed.push(child);
        continue;
      }
      const ids = this.#plan(child);
      if (ids?.length === 0) return listStream(EMPTY);
      if (ids !== undefined) lists.push(ids);
    }
    lists.sort((a, b) => a.length - b.length);
    const narrowest = lists[0];
    for (const child of streamed) {
      if (narrowest !== undefined && narrowest.length <= SHORT_LIST) break;
      const stream = this.stream(child);
      if (stream === undefined) continue;
      return lists.length === 0
        ? stream
        : filterStream(stream, (slot) => lists.every((ids) => has(ids, slot)));
    }
    if (narrowest === undefined) return undefined;
    let result = narrowest;
    for (let i = 1; i < lists.length && result.length > 0; i++) result = intersect(result, lists[i]!);
    return listStream(result);
  }

  #onAttributeStream(attribute: string, plan: (index: AttributeIndex) => SlotStream): SlotStream {
    const index = this.#index(attribute);
    return index ? plan(index) : listStream(EMPTY);
  }

  #substringsStream(index: AttributeIndex, filter: SubstringsFilter): SlotStream {
    const terms = index.terms();
    if (!terms) return listStream(index.present);
    if (index.type.matching === 'text') {
      const { initial, any, final } = componentsOf(filter);
      return this.#keyStream(terms, this.#rules.keyPattern(index.type, initial, any, final), index);
    }
    const lookup = this.#numberLookup(index, terms, filter);
    if (lookup === null) return listStream(index.present);
    const streams = lookup.patterns.map((pattern) => this.#keyStream(terms, pattern, index));
    for (const key of lookup.wholeKeys) streams.push(listStream(terms.exact(key)));
    return chainStreams(streams);
  }

  /** The slots of the keys that can match the pattern, key by key (see TermIndex.candidateKeys). */
  #keyStream(terms: TermIndex, pattern: SubstringPattern, index: AttributeIndex): SlotStream {
    if (pattern.initial === undefined && pattern.final === undefined && pattern.any.length === 0)
      return listStream(index.present);
    return postingsStream(terms.candidateKeys(pattern), terms.offsets, terms.postings);
  }

  #index(name: string): AttributeIndex | undefined {
    const type = this.#schema.attribute(name);
    return type && this.#attributes.get(type.name.toLowerCase());
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
    const index = this.#index(attribute);
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
      return this.#matchingKeys(terms, this.#rules.keyPattern(index.type, initial, any, final), index);
    const phones = this.#rules.phoneNumbers;
    const assertion = phones.substrings(initial, any, final);
    if (assertion.kind === 'text') return index.present;
    const patterns = phones.canonicalPatterns(assertion, index.callingCodes);
    const wholeKeys = phones.canonicalWholeKeys(assertion);
    if (patterns.length === 1 && wholeKeys.length === 0)
      return this.#matchingKeys(terms, patterns[0]!, index);
    const sets = patterns.map((pattern) => this.#matchingKeys(terms, pattern, index));
    for (const key of wholeKeys) sets.push(terms.exact(key));
    const collector = this.#collector.begin();
    for (const ids of sets) collector.addAll(ids);
    return collector.finish();
  }

  /** The slots holding a key that can match the pattern (see TermIndex.forEachCandidateKey). */
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

/**
 * Builds a SlotIndex from entries handed one at a time, in ascending slot order, as a first load
 * streams them: the presented entry is indexed and can be dropped at once.
 */
export class SlotIndexBuilder {
  readonly #builders = new Map<string, AttributeIndexBuilder>();
  /** Builder by the name as entries spell it; null for attributes the schema does not know. */
  readonly #byName = new Map<string, AttributeIndexBuilder | null>();
  readonly #slots = new GrowableIds();

  constructor(
    private readonly schema: Schema,
    private readonly rules: MatchingRules,
    /** Where the numbers' readings are noted for the searches that test them. */
    private readonly readings?: PhoneReadings,
  ) {}

  add(slot: number, attributes: ReadonlyMap<string, EntryAttribute>): void {
    this.#slots.push(slot);
    // forEach rather than for-of: no [name, value] pair allocated per attribute of 100,000 entries.
    attributes.forEach((attribute, name) => {
      let builder = this.#byName.get(name);
      if (builder === undefined) this.#byName.set(name, (builder = this.#builderFor(name)));
      builder?.add(slot, name, attribute.values, this.rules.phoneNumbers, this.readings);
    });
  }

  build(read: SlotReader, slotCount: number): SlotIndex {
    const all = inShared(this.#slots.view());
    const indexes = new Map<string, AttributeIndex>();
    for (const [key, builder] of this.#builders) indexes.set(key, builder.build(read, all));
    return SlotIndex.of(all, indexes, this.schema, this.rules, slotCount);
  }

  #builderFor(name: string): AttributeIndexBuilder | null {
    const type = this.schema.attribute(name);
    // Attributes the schema does not know are Undefined in every filter: nothing to index.
    if (!type) return null;
    const key = type.name.toLowerCase();
    let builder = this.#builders.get(key);
    if (!builder) this.#builders.set(key, (builder = new AttributeIndexBuilder(type)));
    return builder;
  }
}
