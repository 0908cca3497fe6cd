/**
 * What a replica's owner tells readers in other threads after it changed its copy: where the store
 * is now (its shared memory, counts and new dictionary entries) and which slots were written or
 * freed since the last notice, so that a reader updates its own UUID table for those slots only,
 * and the index and the phone numbers' readings as they are now, also in shared memory. Plain data
 * and SharedArrayBuffers: it crosses threads by postMessage.
 */
import type { ReadingsShare } from './readings-table.js';
import type { ReplicaIndexShare } from './replica-index.js';
import type { StoreShare } from './store-reader.js';

export interface ReplicaNotice {
  readonly store: StoreShare;
  /** A store the reader has not seen (a first load, a restore, a reader that just started). */
  readonly fresh: boolean;
  /** Slots written or freed since the last notice (none when fresh: every slot is read). */
  readonly touched: readonly number[];
  /** The engine's index now: attached to, not built, by the reader (ReplicaIndex.attach, update). */
  readonly index: ReplicaIndexShare;
  /** What the engine's index read of the store's telephone numbers (PhoneReadings, read not parsed). */
  readonly readings: ReadingsShare;
}
