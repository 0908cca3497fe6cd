import { matchesSubstrings, type SubstringPattern } from '../schema/text-fold.js';
import { GrowableIds } from './growable-ids.js';
import { ALL_REACH } from './key-reach.js';
import { DONE, type KeyCursor } from './slot-stream.js';
import { EMPTY, filterIds, lowerBound, union, type Ids } from './sorted-ids.js';
import { CODE_DEPTH, suffixCodes, suffixLowerBound, suffixOrder, suffixRange } from './suffix-order.js';
import { SnapshotUnusable } from './snapshot-format.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';
import { buildTrigrams, GRAM, trigramAt, Trigrams } from './trigrams.js';

/** How candidateKeys reaches the keys of a pattern, and through which of its components. */
type AccessPath =
  { readonly kind: 'prefix' | 'suffix' | 'contains'; readonly part: string } | { readonly kind: 'scan' };

/** See TermIndex.layout. */
export interface TermLayout {
  readonly keys: number;
  readonly keyChars: number;
  readonly arrayBytes: number;
  readonly trigramCodes: number;
}

/**
 * The distinct keys of one attribute, sorted, with the entries that hold each: exact and prefix
 * lookups by binary search, suffix lookups (numbers) through the keys sorted by their reversed text,
 * contains through trigrams of the keys. Numbers get the last two at once; names get trigrams on
 * their first contains search (most text attributes, entryUUID or mail, never see one).
 */
export class TermIndex {
  #trigrams: Trigrams | undefined;
  #bySuffix: Uint32Array | undefined;
  /** The suffix order's endings as numbers (suffixCodes), made on the first suffix lookup; null: keys it cannot code. */
  #suffixCodes: Uint32Array | null | undefined;

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
    /** Lookup structures built before (a snapshot's). */
    built: { readonly trigrams?: Trigrams; readonly bySuffix?: Uint32Array } = {},
  ) {
    this.#trigrams = built.trigrams;
    this.#bySuffix = built.bySuffix;
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

  /** Keys, their slots and the lookup structures built so far, as `loadFrom` reads them. */
  async saveTo(writer: SnapshotWriter): Promise<void> {
    const flags =
      (this.suffixes ? 1 : 0) | (this.reach ? 2 : 0) | (this.#trigrams ? 4 : 0) | (this.#bySuffix ? 8 : 0);
    await writer.u32(flags);
    await writer.strings(this.keys);
    await writer.u32s(this.offsets);
    await writer.u32s(this.postings);
    if (this.reach) await writer.bytes(this.reach);
    if (this.#trigrams) await this.#trigrams.saveTo(writer);
    if (this.#bySuffix) await writer.u32s(this.#bySuffix);
  }

  static async loadFrom(reader: SnapshotReader, slotCount: number): Promise<TermIndex> {
    const flags = await reader.u32();
    const keys = await reader.strings();
    const offsets = await reader.u32s();
    const postings = await reader.u32s();
    const reach = flags & 2 ? new Uint8Array(await reader.bytes()) : undefined;
    const trigrams = flags & 4 ? await Trigrams.loadFrom(reader, keys.length) : undefined;
    const bySuffix = flags & 8 ? await reader.u32s() : undefined;
    if (
      offsets.length !== keys.length + 1 ||
      offsets[keys.length] !== postings.length ||
      (reach && reach.length !== keys.length) ||
      (bySuffix && (bySuffix.length > keys.length || bySuffix.some((k) => k >= keys.length))) ||
      postings.some((slot) => slot >= slotCount)
    )
      throw new SnapshotUnusable('a key list is inconsistent');
    return new TermIndex(keys, offsets, postings, reach, (flags & 1) !== 0, {
      ...(trigrams ? { trigrams } : {}),
      ...(bySuffix ? { bySuffix } : {}),
    });
  }

  /** The slots of key k (a view). */
  postingsOf(k: number): Ids {
    return this.postings.subarray(this.offsets[k], this.offsets[k + 1]);
  }

  /** Bytes held, about: keys (two per character, plus a header each) and the lookup structures. */
  get bytes(): number {
    let keyBytes = 0;
    for (const key of this.keys) keyBytes += 16 + key.length * 2;
    return (
      keyBytes +
      this.keys.length * 8 +
      this.offsets.byteLength +
      this.postings.byteLength +
      (this.reach?.byteLength ?? 0) +
      (this.#trigrams?.bytes ?? 0) +
      (this.#bySuffix?.byteLength ?? 0) +
      (this.#suffixCodes?.byteLength ?? 0)
    );
  }

  /**
   * What it holds, as a thread that would share it sees it: the keys (JS strings, per thread) and
   * the typed arrays (offsets, postings, reach, trigram lists, suffix order) that shared memory could
   * hold as they are; the trigram map's codes are per thread too (benchmark).
   */
  get layout(): TermLayout {
    let keyChars = 0;
    for (const key of this.keys) keyChars += key.length;
    const trigrams = this.#trigrams?.layout;
    return {
      keys: this.keys.length,
      keyChars,
      arrayBytes:
        this.offsets.byteLength +
        this.postings.byteLength +
        (this.reach?.byteLength ?? 0) +
        (trigrams?.arrayBytes ?? 0) +
        (this.#bySuffix?.byteLength ?? 0),
      trigramCodes: trigrams?.codes ?? 0,
    };
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
   * Calls `visit` with every key that can match the pattern (and maybe a few more), in the order
   * `candidateKeys` finds them.
   */
  forEachCandidateKey(pattern: SubstringPattern, visit: (key: number) => void): void {
    const cursor = this.candidateKeys(pattern);
    for (let key = cursor.next(); key !== DONE; key = cursor.next()) visit(key);
  }

  /**
   * The keys that can match the pattern (and maybe a few more), found as they are asked for. The
   * most selective access path is chosen from the pattern's components: a long initial component
   * uses the sorted keys, a long final one the suffix order, a long middle one the trigrams; short
   * components fall back to a scan of the distinct keys, never of the entries.
   */
  candidateKeys(pattern: SubstringPattern): KeyCursor {
    const path = this.#path(pattern);
    switch (path.kind) {
      case 'prefix':
        return this.#prefix(path.part, pattern);
      case 'suffix':
        return this.#suffix(path.part, pattern);
      case 'contains':
        return this.#contains(path.part, pattern);
      case 'scan':
        return this.#scan(pattern);
    }
  }

  /**
   * Whether every key `candidateKeys(pattern)` hands out matches the whole pattern, not just the
   * component its path tests: always, unless a number's shorter forms are reached through its longer
   * ones (`reach`), where the suffix order and the trigrams test their own component only.
   */
  testsWhole(pattern: SubstringPattern): boolean {
    if (!this.reach) return true;
    const path = this.#path(pattern);
    switch (path.kind) {
      case 'suffix':
        return pattern.initial === undefined && pattern.any.length === 0;
      case 'contains':
        return pattern.initial === undefined && pattern.final === undefined && pattern.any.length === 1;
      default:
        return true;
    }
  }

  #path(pattern: SubstringPattern): AccessPath {
    const { initial, final } = pattern;
    const { suffixes } = this;
    const inner = suffixes || final === undefined ? pattern.any : [...pattern.any, final];
    const longestInner = inner.reduce((longest, part) => (part.length > longest.length ? part : longest), '');
    if (initial !== undefined && initial.length >= GRAM) return { kind: 'prefix', part: initial };
    if (final !== undefined && final.length >= GRAM && suffixes) return { kind: 'suffix', part: final };
    if (longestInner.length >= GRAM) return { kind: 'contains', part: longestInner };
    if (initial !== undefined) return { kind: 'prefix', part: initial };
    if (final !== undefined && suffixes) return { kind: 'suffix', part: final };
    return { kind: 'scan' };
  }

  #prefix(prefix: string, pattern: SubstringPattern): KeyCursor {
    const { keys } = this;
    let k = lowerBound(keys, prefix);
    return {
      next: () => {
        for (; k < keys.length && keys[k]!.startsWith(prefix); k++)
          if (matchesSubstrings(keys[k]!, pattern)) return k++;
        return DONE;
      },
    };
  }

  #suffix(suffix: string, pattern: SubstringPattern): KeyCursor {
    const { keys } = this;
    const bySuffix = this.suffixOrder();
    // As for contains: a shorter form reached through a longer one is checked on the suffix alone.
    const check: SubstringPattern = this.reach ? { any: [], final: suffix } : pattern;
    const codes =
      this.#suffixCodes === undefined
        ? (this.#suffixCodes = suffixCodes(keys, bySuffix) ?? null)
        : this.#suffixCodes;
    const range = codes && suffixRange(codes, suffix);
    if (range) {
      // Every key of the range ends with the suffix, or with its last CODE_DEPTH characters.
      const ends = suffix.length <= CODE_DEPTH && check.initial === undefined && check.any.length === 0;
      const end = range[1];
      let i = range[0];
      return {
        next: () => {
          for (; i < end; i++) {
            const k = bySuffix[i]!;
            if (ends || matchesSubstrings(keys[k]!, check)) {
              i++;
              return k;
            }
          }
          return DONE;
        },
      };
    }
    let i = suffixLowerBound(keys, bySuffix, suffix);
    return {
      next: () => {
        for (; i < bySuffix.length; i++) {
          const k = bySuffix[i]!;
          if (!keys[k]!.endsWith(suffix)) break;
          if (matchesSubstrings(keys[k]!, check)) {
            i++;
            return k;
          }
        }
        i = bySuffix.length;
        return DONE;
      },
    };
  }

  /**
   * Keys holding every trigram of `part`: the shortest trigram list is walked and each key looked
   * up in the next two shortest (two or three lists narrow enough; the check settles the rest).
   */
  #contains(part: string, pattern: SubstringPattern): KeyCursor {
    const trigrams = this.trigrams();
    const lists: Uint32Array[] = [];
    for (let i = 0; i + GRAM <= part.length; i++) {
      const list = trigrams.keysWith(trigramAt(part, i));
      if (!list) return { next: () => DONE };
      lists.push(list);
    }
    lists.sort((a, b) => a.length - b.length);
    const [walked, ...others] = lists.slice(0, 3) as [Uint32Array, ...Uint32Array[]];
    const from = others.map(() => 0);
    // A number is found through its longest forms only, which contain its shorter ones, so an
    // anchored pattern may match the shorter form alone: check the component, not the pattern.
    const check: SubstringPattern = this.reach ? { any: [part] } : pattern;
    const { keys } = this;
    let i = 0;
    return {
      next: () => {
        while (i < walked.length) {
          const k = walked[i++]!;
          if (inAll(others, from, k) && matchesSubstrings(keys[k]!, check)) return k;
        }
        return DONE;
      },
    };
  }

  #scan(pattern: SubstringPattern): KeyCursor {
    const { keys } = this;
    let k = 0;
    return {
      next: () => {
        for (; k < keys.length; k++) if (matchesSubstrings(keys[k]!, pattern)) return k++;
        return DONE;
      },
    };
  }
}

/**
 * Whether ascending lists all hold `key`, for keys asked in ascending order: `from[i]` keeps where
 * list i was left, and the search gallops from there, so a walk costs O(m log(n/m)).
 */
function inAll(lists: readonly Uint32Array[], from: number[], key: number): boolean {
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l]!;
    let low = from[l]!;
    let step = 1;
    let high = low;
    while (high < list.length && list[high]! < key) {
      low = high + 1;
      high += step;
      step *= 2;
    }
    high = Math.min(high, list.length);
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (list[middle]! < key) low = middle + 1;
      else high = middle;
    }
    from[l] = low;
    if (list[low] !== key) return false;
  }
  return true;
}
