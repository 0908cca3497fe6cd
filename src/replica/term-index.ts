import type { SubstringPattern } from '../schema/text-fold.js';
import { GrowableIds } from './growable-ids.js';
import { ALL_REACH } from './key-reach.js';
import { KeyTable, KeyTableBuilder } from './key-table.js';
import { inShared } from './shared-arrays.js';
import { DONE, type KeyCursor } from './slot-stream.js';
import { EMPTY, filterIds, union, type Ids } from './sorted-ids.js';
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
  /** The keys' code units and starts (KeyTable). */
  readonly keyBytes: number;
  /** Everything else: offsets, postings, reach, trigrams, suffix order and codes. */
  readonly arrayBytes: number;
  readonly trigramCodes: number;
}

/**
 * A TermIndex as another thread attaches to it (TermIndex.share): typed arrays over shared memory,
 * posted as views of the same memory, and flags.
 */
export interface TermShare {
  readonly units: Uint16Array;
  readonly starts: Uint32Array;
  readonly offsets: Uint32Array;
  readonly postings: Uint32Array;
  readonly reach?: Uint8Array;
  readonly suffixes: boolean;
  readonly trigrams?: {
    readonly codes: Uint32Array;
    readonly offsets: Uint32Array;
    readonly keys: Uint32Array;
  };
  readonly bySuffix?: Uint32Array;
  /** The suffix codes; null: keys no code spells. */
  readonly suffixCodes?: Uint32Array | null;
}

/** Lookup structures a TermIndex is given built (a snapshot's, a share's). */
interface BuiltLookups {
  readonly trigrams?: Trigrams;
  readonly bySuffix?: Uint32Array;
  readonly suffixCodes?: Uint32Array | null;
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
    /** The keys, sorted in JS string order, in shared memory. */
    readonly keys: KeyTable,
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
    /** Lookup structures built before (a snapshot's, a share's). */
    built: BuiltLookups = {},
  ) {
    this.#trigrams = built.trigrams;
    this.#bySuffix = built.bySuffix;
    this.#suffixCodes = built.suffixCodes;
    // Numbers are what phones search inside on every call: build their structures now, before
    // the replica serves, rather than on the first key press (and before the index is shared, so
    // that every thread reads them rather than building its own).
    if (suffixes) {
      this.trigrams();
      this.#codes();
    }
  }

  /** What another thread attaches to (TermIndex.attach): the arrays, not copies of them. */
  share(): TermShare {
    const trigrams = this.#trigrams;
    return {
      units: inShared(this.keys.units),
      starts: inShared(this.keys.starts),
      offsets: inShared(this.offsets),
      postings: inShared(this.postings),
      ...(this.reach ? { reach: inShared(this.reach) } : {}),
      suffixes: this.suffixes,
      ...(trigrams
        ? {
            trigrams: {
              codes: inShared(trigrams.codes),
              offsets: inShared(trigrams.offsets),
              keys: inShared(trigrams.keys),
            },
          }
        : {}),
      ...(this.#bySuffix ? { bySuffix: inShared(this.#bySuffix) } : {}),
      ...(this.#suffixCodes === undefined
        ? {}
        : { suffixCodes: this.#suffixCodes && inShared(this.#suffixCodes) }),
    };
  }

  /**
   * The index `share` describes, in this thread, over the same memory. Lookup structures the owner
   * had not built when it shared (a text attribute's trigrams) are built here on first use.
   */
  static attach(share: TermShare): TermIndex {
    const { trigrams } = share;
    return new TermIndex(
      new KeyTable(share.units, share.starts),
      share.offsets,
      share.postings,
      share.reach,
      share.suffixes,
      {
        ...(trigrams ? { trigrams: new Trigrams(trigrams.codes, trigrams.offsets, trigrams.keys) } : {}),
        ...(share.bySuffix ? { bySuffix: share.bySuffix } : {}),
        ...(share.suffixCodes === undefined ? {} : { suffixCodes: share.suffixCodes }),
      },
    );
  }

  /**
   * The keys of `older` with the slots `keep` refuses dropped, and `newer`'s keys laid over them: a
   * merge of two sorted lists, O(keys + postings), no key derived again. Keys left without a slot
   * go. Lookup structures the older one had built are built for the result too.
   */
  static merge(older: TermIndex, newer: TermIndex | undefined, keep: (slot: number) => boolean): TermIndex {
    const mine = older.keys;
    const theirs = newer?.keys ?? KeyTable.EMPTY;
    const keys = new KeyTableBuilder(mine.chars + theirs.chars);
    const reach: number[] = [];
    const offsets = new GrowableIds();
    const postings = new GrowableIds();
    offsets.push(0);
    let i = 0;
    let j = 0;
    while (i < mine.length || j < theirs.length) {
      // Which comes first: older's key i (< 0), newer's key j (> 0), or both, being equal (0).
      const order = j >= theirs.length ? -1 : i >= mine.length ? 1 : KeyTable.compareKeys(mine, i, theirs, j);
      let slots: Ids = EMPTY;
      let flags = 0;
      const fromMine = order <= 0;
      if (fromMine) {
        slots = filterIds(older.postingsOf(i), keep);
        flags |= older.reach?.[i] ?? ALL_REACH;
        i++;
      }
      if (order >= 0) {
        slots = union(slots, newer!.postingsOf(j));
        flags |= newer!.reach?.[j] ?? ALL_REACH;
        j++;
      }
      if (slots.length === 0) continue;
      if (fromMine) keys.pushKey(mine, i - 1);
      else keys.pushKey(theirs, j - 1);
      reach.push(flags);
      for (const slot of slots) postings.push(slot);
      offsets.push(postings.length);
    }
    const merged = new TermIndex(
      keys.build(),
      inShared(offsets.view()),
      inShared(postings.view()),
      reach.every((flags) => flags === ALL_REACH) ? undefined : inShared(Uint8Array.from(reach)),
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
    await writer.u16s(this.keys.units);
    await writer.u32s(this.keys.starts);
    await writer.u32s(this.offsets);
    await writer.u32s(this.postings);
    if (this.reach) await writer.bytes(this.reach);
    if (this.#trigrams) await this.#trigrams.saveTo(writer);
    if (this.#bySuffix) await writer.u32s(this.#bySuffix);
  }

  static async loadFrom(reader: SnapshotReader, slotCount: number): Promise<TermIndex> {
    const flags = await reader.u32();
    const units = await reader.u16s(true);
    const starts = await reader.u32s(true);
    const count = starts.length - 1;
    if (
      count < 0 ||
      starts[0] !== 0 ||
      starts[count] !== units.length ||
      starts.some((s, k) => s < starts[k - 1]!)
    )
      throw new SnapshotUnusable('a key table is inconsistent');
    const keys = new KeyTable(units, starts);
    const offsets = await reader.u32s(true);
    const postings = await reader.u32s(true);
    const reach = flags & 2 ? inShared(new Uint8Array(await reader.bytes())) : undefined;
    const trigrams = flags & 4 ? await Trigrams.loadFrom(reader, keys.length) : undefined;
    const bySuffix = flags & 8 ? await reader.u32s(true) : undefined;
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

  /** Bytes held: keys and the lookup structures. */
  get bytes(): number {
    return (
      this.keys.bytes +
      this.offsets.byteLength +
      this.postings.byteLength +
      (this.reach?.byteLength ?? 0) +
      (this.#trigrams?.bytes ?? 0) +
      (this.#bySuffix?.byteLength ?? 0) +
      (this.#suffixCodes?.byteLength ?? 0)
    );
  }

  /** What it holds, all of it in shared memory: the keys, and the other arrays (benchmark). */
  get layout(): TermLayout {
    const trigrams = this.#trigrams?.layout;
    return {
      keys: this.keys.length,
      keyChars: this.keys.chars,
      keyBytes: this.keys.bytes,
      arrayBytes: this.bytes - this.keys.bytes,
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

  /** The suffix order's codes (suffixCodes); null when the keys hold characters no code spells. */
  #codes(): Uint32Array | null {
    if (this.#suffixCodes === undefined)
      this.#suffixCodes = suffixCodes(this.keys, this.suffixOrder()) ?? null;
    return this.#suffixCodes;
  }

  /** The entries of one exact key (a view, not a copy). */
  exact(key: string): Ids {
    const k = this.keys.lowerBound(key);
    if (k === this.keys.length || !this.keys.equals(k, key)) return EMPTY;
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
    const count = keys.length;
    let k = keys.lowerBound(prefix);
    // A prefix alone (a type-ahead) is tested by the walk itself.
    const whole = pattern.any.length === 0 && pattern.final === undefined && pattern.initial === prefix;
    return {
      next: () => {
        for (; k < count && keys.startsWith(k, prefix); k++)
          if (whole || keys.matches(k, pattern)) return k++;
        return DONE;
      },
    };
  }

  #suffix(suffix: string, pattern: SubstringPattern): KeyCursor {
    const { keys } = this;
    const bySuffix = this.suffixOrder();
    // As for contains: a shorter form reached through a longer one is checked on the suffix alone.
    const check: SubstringPattern = this.reach ? { any: [], final: suffix } : pattern;
    const codes = this.#codes();
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
            if (ends || keys.matches(k, check)) {
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
          if (!keys.endsWith(k, suffix)) break;
          if (keys.matches(k, check)) {
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
          if (inAll(others, from, k) && keys.matches(k, check)) return k;
        }
        return DONE;
      },
    };
  }

  #scan(pattern: SubstringPattern): KeyCursor {
    const { keys } = this;
    const count = keys.length;
    let k = 0;
    return {
      next: () => {
        for (; k < count; k++) if (keys.matches(k, pattern)) return k++;
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
