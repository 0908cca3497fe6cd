/**
 * What a search reads of a replica: candidate entries for a filter, an entry by UUID, a record id.
 * The engine reads its own store and index through it, and a listener thread reads the engine's
 * shared store (store-reader.ts) and index through another: one read path, wherever it runs.
 */
import type { Filter } from '../filter/ast.js';
import type { Entry } from '../schema/entry.js';
import type { CandidateBatch } from './candidate-batch.js';
import type { ReplicaIndex } from './replica-index.js';
import { DONE, SlotSet } from './slot-stream.js';

/** What the read path needs of a store: EntryStore in the engine's thread, StoreReader elsewhere. */
export interface ReadableStore {
  readonly size: number;
  readonly slotCount: number;
  /** Slots freed so far: a slot whose generation is above a search's `frees` was freed since it began. */
  readonly frees: number;
  /** Every record stored so far has a stamp at most this (Entry.stamp); undefined once stamps run out. */
  readonly stampsUpTo: number | undefined;
  generationOf(slot: number): number;
  entry(slot: number): Entry | undefined;
  /** The entry holding this UUID (checked against the slot's UUID as it is read). */
  entryOfUuid(uuid: string): Entry | undefined;
  slotOfUuid(uuid: string): number | undefined;
  recordIdAt(slot: number): string | undefined;
}

/**
 * Entries handed to a search per batch at most: views are made as the search reaches them. A batch
 * lives until the search has sent it, and a paged export to a slow reader stalls mid-batch: at 32
 * such exports, batches of 256 had V8 promote ~80 KB per page of views to the old space (GC a
 * quarter of the CPU); batches of 64 promote a quarter of that, and cost a full scan no measurable
 * time (alternated probes, 10k and 100k people).
 */
const BATCH = 64;
/**
 * The first batch: a phone asks for 50 entries, and the directory reads one more to know the limit
 * was passed (sendAll's sizeLimit + 1). Each entry of a batch is a view made, and a cache miss or
 * two in a large copy; a batch of 64 made 13 that no type-ahead read. Batches grow to BATCH from
 * there: a search whose filter turns a few candidates down needs a few more, not a full batch more.
 */
const FIRST_BATCH = 51;

export class ReplicaReader {
  constructor(
    readonly store: ReadableStore,
    readonly index: ReplicaIndex,
  ) {}

  /**
   * Candidate entries for a (masked) filter, in batches, found as the batches are asked for (a
   * search that stops at its size limit never pays for the rest); each entry once. The first batch
   * is small, as a phone's search needs a few dozen entries.
   */
  *candidates(filter: Filter): Generator<CandidateBatch> {
    const { store, index } = this;
    const stream = index.stream(filter);
    // An exact stream's entries match as they were when it was made: one rewritten since (a newer
    // stamp) is a candidate again.
    const matchedUpTo = index.exact(filter) ? store.stampsUpTo : undefined;
    const seen = new SlotSet(store.slotCount);
    // A slot freed (and perhaps reused) since the search started holds nobody it should see.
    const frees = store.frees;
    let size = FIRST_BATCH;
    for (let slot = stream.next(); slot !== DONE; size = Math.min(size * 2, BATCH)) {
      const batch: Entry[] & { matched?: true } = [];
      let matched = matchedUpTo !== undefined;
      for (; slot !== DONE && batch.length < size; slot = stream.next()) {
        // Read only once some slot has been freed: a look at a slot's generation is a cache miss of its own.
        if (!seen.add(slot) || (store.frees !== frees && store.generationOf(slot) > frees)) continue;
        const entry = store.entry(slot);
        if (!entry) continue;
        if (matched && (entry.stamp === undefined || entry.stamp > (matchedUpTo ?? 0))) matched = false;
        batch.push(entry);
      }
      if (matched) batch.matched = true;
      if (batch.length > 0) yield batch;
    }
  }

  get(uuid: string): Entry | undefined {
    return this.store.entryOfUuid(uuid);
  }

  recordIdOf(uuid: string): string | undefined {
    const slot = this.store.slotOfUuid(uuid);
    return slot === undefined ? undefined : this.store.recordIdAt(slot);
  }
}
