/**
 * The index of a replica that changes in place: a large index of the copy as it was (`base`) and a
 * small one of the entries changed since (`recent`), as a log-structured merge tree keeps them. A
 * change marks its slot stale in the base and indexes the entry anew in the recent index, so
 * applying k changes reads k entries, not the copy; when the recent index outgrows a share of the
 * base, the two are merged as sorted key lists (no number is read again). A search takes the base's
 * candidates without the stale slots, plus the recent index's.
 */
import type { Filter } from '../filter/ast.js';
import type { MatchingRules } from '../schema/matching-rules.js';
import type { Schema } from '../schema/schema.js';
import type { SlotReader } from './attribute-index.js';
import type { PhoneReadings } from './phone-readings.js';
import { SlotIndex, type SlotEntry, type SlotIndexShare } from './slot-index.js';
import { chainStreams, filterStream, listStream, type SlotStream } from './slot-stream.js';
import { filterIds, union, type Ids } from './sorted-ids.js';

/** Merge the recent index into the base once it holds this share of the base (or this many slots). */
const MERGE_SHARE = 0.05;
const MERGE_MIN = 1024;

export interface ReplicaIndexParts {
  readonly schema: Schema;
  readonly rules: MatchingRules;
  readonly read: SlotReader;
  /** Attributes whose keys and trigrams are built before a (re)built index serves (phonebook names). */
  readonly prepare: readonly string[];
  /** Where the numbers' readings are noted as entries are indexed (the store's). */
  readonly readings?: PhoneReadings;
}

/**
 * A ReplicaIndex as another thread attaches to it (ReplicaIndex.share): its base and recent index
 * in shared memory, and the stale slots (a small list, copied).
 */
export interface ReplicaIndexShare {
  readonly base: SlotIndexShare;
  readonly recent: SlotIndexShare;
  readonly stale: Uint32Array;
}

export class ReplicaIndex {
  #base: SlotIndex;
  #recent: SlotIndex;
  /**
   * Slots whose entries in the base are out of date (changed or deleted since it was built). Never
   * changed once made, only replaced: a search streaming candidates keeps the one it started with.
   */
  #stale: ReadonlySet<number> = new Set<number>();
  readonly #keepInBase = (slot: number): boolean => !this.#stale.has(slot);

  private constructor(
    private readonly parts: ReplicaIndexParts,
    base: SlotIndex,
    recent?: SlotIndex,
    stale?: ReadonlySet<number>,
  ) {
    this.#base = base;
    this.#recent = recent ?? this.#build([], 0);
    if (stale) this.#stale = stale;
  }

  /**
   * What another thread attaches to (`attach`, `update`), as the index is now: post it after each
   * change round. Until a merge makes a new base, the base's part names the same memory each time
   * (and its id tells the reader so); the recent index is small.
   */
  share(): ReplicaIndexShare {
    return { base: this.#base.share(), recent: this.#recent.share(), stale: Uint32Array.from(this.#stale) };
  }

  /**
   * The index `share` describes, in this thread, answering as the original: `parts.read` reads this
   * thread's view of the store. It reads the owner's memory and changes only by `update`.
   */
  static attach(parts: ReplicaIndexParts, share: ReplicaIndexShare): ReplicaIndex {
    const { schema, rules, read } = parts;
    const index = new ReplicaIndex(
      parts,
      SlotIndex.attach(share.base, schema, rules, read),
      SlotIndex.attach(share.recent, schema, rules, read),
      new Set(share.stale),
    );
    index.#base.prepare(parts.prepare);
    return index;
  }

  /**
   * Takes in a later `share()` of the same index: the base attached here is kept while it is the
   * one the owner still has (and with it the keys this thread built on first use).
   */
  update(share: ReplicaIndexShare): void {
    const { schema, rules, read } = this.parts;
    if (share.base.id !== this.#base.id) {
      this.#base = SlotIndex.attach(share.base, schema, rules, read);
      this.#base.prepare(this.parts.prepare);
    }
    this.#recent = SlotIndex.attach(share.recent, schema, rules, read);
    this.#stale = new Set(share.stale);
  }

  /** An index of entries given in ascending slot order. */
  static build(parts: ReplicaIndexParts, entries: Iterable<SlotEntry>, slotCount: number): ReplicaIndex {
    return ReplicaIndex.over(
      parts,
      SlotIndex.build(entries, parts.schema, parts.rules, parts.read, slotCount, parts.readings),
    );
  }

  /** An index whose base is built already (a streamed first load, a snapshot). */
  static over(parts: ReplicaIndexParts, base: SlotIndex): ReplicaIndex {
    base.prepare(parts.prepare);
    return new ReplicaIndex(parts, base);
  }

  /** Live slots, ascending. */
  all(): Ids {
    return union(filterIds(this.#base.all, this.#keepInBase), this.#recent.all);
  }

  /** A superset of the slots whose entries can match the filter; undefined when it cannot be narrowed. */
  candidates(filter: Filter): Ids | undefined {
    const old = this.#base.candidates(filter);
    const recent = this.#recent.candidates(filter);
    if (old === undefined || recent === undefined) return undefined;
    return union(filterIds(old, this.#keepInBase), recent);
  }

  /**
   * The slots the filter can match (a superset, with repeats), found as they are read (see
   * SlotIndex.stream), as the index is now: later changes do not reach a stream made before them.
   */
  stream(filter: Filter): SlotStream {
    const base = this.#base;
    const recent = this.#recent;
    const stale = this.#stale;
    const old = base.stream(filter) ?? listStream(base.all);
    return chainStreams([
      stale.size === 0 ? old : filterStream(old, (slot) => !stale.has(slot)),
      recent.stream(filter) ?? listStream(recent.all),
    ]);
  }

  /** Whether every slot `stream(filter)` hands out matches the filter (SlotIndex.exact). */
  exact(filter: Filter): boolean {
    return this.#base.exact(filter) && this.#recent.exact(filter);
  }

  /**
   * Takes in one batch of changes: `changed` entries (new or rewritten, in their slots) and `removed`
   * slots. Costs the changed entries' keys plus a merge of the small recent index, and now and then
   * a merge into the base.
   */
  apply(changed: readonly SlotEntry[], removed: Iterable<number>, slotCount: number): void {
    const touched = new Set<number>();
    for (const { slot } of changed) touched.add(slot);
    for (const slot of removed) touched.add(slot);
    if (touched.size === 0) return;
    this.#stale = new Set([...this.#stale, ...touched]);
    const sorted = [...changed].sort((a, b) => a.slot - b.slot);
    const batch = this.#build(sorted, slotCount);
    this.#recent = this.#recent.mergedWith(batch, (slot) => !touched.has(slot), slotCount);
    if (this.#recent.size >= Math.max(MERGE_MIN, this.#base.size * MERGE_SHARE)) this.merge(slotCount);
  }

  /** Folds the recent index into the base (before a snapshot, or once it has grown). */
  merge(slotCount: number): void {
    if (this.#recent.size === 0 && this.#stale.size === 0) return;
    this.#base = this.#base.mergedWith(this.#recent, this.#keepInBase, slotCount);
    this.#recent = this.#build([], slotCount);
    this.#stale = new Set();
  }

  /** The base index; after `merge`, the whole index (for a snapshot). */
  get base(): SlotIndex {
    return this.#base;
  }

  #build(entries: readonly SlotEntry[], slotCount: number): SlotIndex {
    const { schema, rules, read, readings } = this.parts;
    return SlotIndex.build(entries, schema, rules, read, slotCount, readings);
  }
}
