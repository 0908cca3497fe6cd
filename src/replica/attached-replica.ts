/**
 * A replica read from another thread than the engine's: the engine's store through its shared
 * memory (StoreReader), and an index kept here, brought up to date by the engine's notices
 * (replica-notice.ts) for the slots they name. Searches read it through the same ReplicaReader the
 * engine uses, so a listener thread answers exactly as the engine's thread would.
 *
 * Between two notices the store may already hold newer records than the index knows: a search
 * finds such an entry by its old keys and the directory tests it (its stamp is past the index's),
 * and finds it by its new keys once the notice has come, a few milliseconds later.
 */
import { MatchingRules } from '../schema/matching-rules.js';
import type { Schema } from '../schema/schema.js';
import type { Entry } from '../schema/entry.js';
import { PhoneReadings } from './phone-readings.js';
import type { ReplicaNotice } from './replica-notice.js';
import { ReplicaIndex, type ReplicaIndexParts } from './replica-index.js';
import { ReplicaReader } from './replica-reader.js';
import { SlotIndexBuilder, type SlotEntry } from './slot-index.js';
import { StoreReader } from './store-reader.js';

export interface AttachedReplicaOptions {
  readonly schema: Schema;
  readonly defaultCountry: string;
  /** The presented DN of an entry, from its UUID. */
  readonly dnOf: (uuid: string) => string;
  /** Attributes whose keys are built before the replica serves (phonebook names). */
  readonly prepare: readonly string[];
}

export class AttachedReplica {
  readonly #rules: MatchingRules;
  #store: StoreReader;
  #index: ReplicaIndex;
  #reader: ReplicaReader;

  constructor(
    private readonly options: AttachedReplicaOptions,
    /** A fresh notice: the store as it is now. */
    notice: ReplicaNotice,
  ) {
    this.#rules = new MatchingRules(options.schema, { defaultCountry: options.defaultCountry });
    this.#store = new StoreReader(notice.store, options.dnOf);
    this.#index = this.#build(this.#store);
    this.#reader = new ReplicaReader(this.#store, this.#index);
  }

  /** How searches read the replica now. */
  get reader(): ReplicaReader {
    return this.#reader;
  }

  get size(): number {
    return this.#store.size;
  }

  /** Takes in a notice: a new store read afresh, or the slots it names indexed anew. */
  apply(notice: ReplicaNotice): void {
    if (notice.fresh) {
      const store = new StoreReader(notice.store, this.options.dnOf);
      const index = this.#build(store);
      this.#store = store;
      this.#index = index;
      this.#reader = new ReplicaReader(store, index);
      return;
    }
    this.#store.update(notice.store, notice.touched);
    const changed: SlotEntry[] = [];
    const removed: number[] = [];
    for (const slot of [...notice.touched].sort((a, b) => a - b)) {
      const entry = this.#store.entry(slot);
      if (entry) changed.push({ slot, attributes: entry.attributes });
      else removed.push(slot);
    }
    this.#index.apply(changed, removed, this.#store.slotCount);
  }

  /** An index of every entry the store holds, built as the engine builds its own. */
  #build(store: StoreReader): ReplicaIndex {
    const { schema, prepare } = this.options;
    const readings = new PhoneReadings(this.#rules.phoneNumbers, schema, (slot) => store.recordAt(slot));
    const read = (slot: number): Entry['attributes'] | undefined => store.entry(slot)?.attributes;
    const builder = new SlotIndexBuilder(schema, this.#rules, readings);
    for (const slot of store.slots()) {
      const entry = store.entry(slot);
      if (entry) builder.add(slot, entry.attributes);
    }
    const parts: ReplicaIndexParts = { schema, rules: this.#rules, read, prepare, readings };
    const index = ReplicaIndex.over(parts, builder.build(read, store.slotCount));
    store.listener = readings;
    return index;
  }
}
