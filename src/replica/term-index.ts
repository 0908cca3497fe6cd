import { matchesSubstrings, type SubstringPattern } from '../schema/text-fold.js';
import { GrowableIds } from './growable-ids.js';
import { ALL_REACH } from './key-reach.js';
import { EMPTY, filterIds, intersect, lowerBound, union, type Ids } from './sorted-ids.js';
import { suffixLowerBound, suffixOrder } from './suffix-order.js';
import { buildTrigrams, GRAM, trigramAt, type Trigrams } from './trigrams.js';

/**
 * The distinct keys of one attribute, sorted, with the entries that hold each: exact and prefix
 * lookups by binary search, suffix lookups (numbers) through the keys sorted by their reversed text,
 * contains through trigrams of the keys. Numbers get the last two at once; names get trigrams on
 * their first contains search (most text attributes, entryUUID or mail, never see one).
 */
export class TermIndex {
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

  /**
   * The keys of `older` with the slots `keep` refuses dropped, and `newer`'s keys laid over them: a
   * merge of two sorted lists, O(keys + postings), no key derived again. Keys left without a slot
   * go. Lookup structures the older one had built are built for the result too.
   */
  static merge(older: TermIndex, newer: TermIndex | undefined, keep: (slot: number) => boolean): TermIndex {
    const keys: string[] = [];
    const reach: number[] = [];
    const offsets = new GrowableIds();
    const postings = new GrowableIds();
    offsets.push(0);
    const theirs = newer ?? new TermIndex([], new Uint32Array(1), EMPTY, undefined, older.suffixes);
    let i = 0;
    let j = 0;
    while (i < older.keys.length || j < theirs.keys.length) {
      const a = older.keys[i];
      const b = theirs.keys[j];
      const key = b === undefined || (a !== undefined && a < b) ? a! : b;
      let slots: Ids = EMPTY;
      let flags = 0;
      if (a === key) {
        slots = filterIds(older.postingsOf(i), keep);
        flags |= older.reach?.[i] ?? ALL_REACH;
        i++;
      }
      if (b === key) {
        slots = union(slots, theirs.postingsOf(j));
        flags |= theirs.reach?.[j] ?? ALL_REACH;
        j++;
      }
      if (slots.length === 0) continue;
      keys.push(key);
      reach.push(flags);
      for (const slot of slots) postings.push(slot);
      offsets.push(postings.length);
    }
    const merged = new TermIndex(
      keys,
      offsets.toArray(),
      postings.toArray(),
      reach.every((flags) => flags === ALL_REACH) ? undefined : Uint8Array.from(reach),
      older.suffixes,
    );
    if (older.hasTrigrams) merged.trigrams();
    return merged;
  }

  /** The slots of key k (a view). */
  postingsOf(k: number): Ids {
    return this.postings.subarray(this.offsets[k], this.offsets[k + 1]);
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
