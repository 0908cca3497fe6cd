/**
 * What the LDAP front reports as it works, for whoever counts it (the admin listener's metrics).
 * The front calls these synchronously at the end of each operation: an implementation must be cheap
 * and must not throw.
 */
import type { OperationRecord } from './operation-log.js';

export interface ServerEvents {
  /** An operation was answered (or abandoned): its request, result code, entries and duration. */
  operationEnded(record: OperationRecord): void;
  /** A bind's answer was held back by the throttle. */
  bindThrottled(): void;
}
