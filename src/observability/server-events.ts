/**
 * What the LDAP front reports as it works, for whoever counts it (the admin listener's metrics).
 * The front calls these synchronously at the end of each operation: an implementation must be cheap
 * and must not throw.
 */
import type { OperationRecord } from './operation-log.js';

/** What counting an operation needs of it: its request's type, its result code and its duration. */
export interface OperationOutcome {
  readonly request: { readonly type: OperationRecord['request']['type'] };
  readonly resultCode: number | undefined;
  readonly ms: number;
}

export interface ServerEvents {
  /** An operation was answered (or abandoned): its request, result code and duration. */
  operationEnded(record: OperationOutcome): void;
  /** A bind's answer was held back by the throttle. */
  bindThrottled(): void;
}
