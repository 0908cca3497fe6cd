/**
 * A replica read from another thread than the engine's: the engine's store through its shared
 * memory (StoreReader) and its index through the index's (ReplicaIndex.attach), both brought up to
 * date by the engine's notices (replica-notice.ts). Nothing of the copy is built or held twice but
 * the phone numbers' readings, made here as searches test numbers. Searches read it through the
 * same ReplicaReader the engine uses, so a listener thread answers exactly as the engine's would.
 *
 * Between two notices the store may already hold newer records than the index says: a search
 * finds such an entry by its old keys and the directory tests it (its stamp is past the index's),
 * and finds it by its new keys once the notice has come, a few milliseconds later.
 */
import { MatchingRules } from '../schema/matching-rules.js';
import type { Schema } from '../schema/schema.js';
import type { Entry } from '../schema/entry.js';
import { PhoneReadings } from './phone-readings.js';
import type { ReplicaNotice } from './replica-notice.js';
import { ReplicaIndex } from './replica-index.js';
import { ReplicaReader } from './replica-reader.js';
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
  #readings!: PhoneReadings;
  #reader: ReplicaReader;

  constructor(
    private readonly options: AttachedReplicaOptions,
    /** A fresh notice: the store as it is now. */
    notice: ReplicaNotice,
  ) {
    this.#rules = new MatchingRules(options.schema, { defaultCountry: options.defaultCountry });
    this.#store = new StoreReader(notice.store, options.dnOf);
    this.#index = this.#attach(this.#store, notice);
    this.#reader = new ReplicaReader(this.#store, this.#index);
  }

  /** How searches read the replica now. */
  get reader(): ReplicaReader {
    return this.#reader;
  }

  get size(): number {
    return this.#store.size;
  }

  /** Takes in a notice: a new store read afresh, or the slots it names and the index as it is now. */
  apply(notice: ReplicaNotice): void {
    if (notice.fresh) {
      const store = new StoreReader(notice.store, this.options.dnOf);
      const index = this.#attach(store, notice);
      this.#store = store;
      this.#index = index;
      this.#reader = new ReplicaReader(store, index);
      return;
    }
    this.#store.update(notice.store, notice.touched);
    this.#readings.update(notice.readings);
    this.#index.update(notice.index);
  }

  /** The engine's index and phone readings, attached over `store` as a fresh notice gives them. */
  #attach(store: StoreReader, notice: ReplicaNotice): ReplicaIndex {
    const { schema, prepare } = this.options;
    const readings = new PhoneReadings(
      this.#rules.phoneNumbers,
      schema,
      (slot) => store.recordAt(slot),
      notice.readings,
    );
    this.#readings = readings;
    store.listener = readings;
    const read = (slot: number): Entry['attributes'] | undefined => store.entry(slot)?.attributes;
    return ReplicaIndex.attach({ schema, rules: this.#rules, read, prepare, readings }, notice.index);
  }
}
