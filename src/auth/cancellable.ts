/**
 * What cancels a bind (the client abandoning it or going away): whether it is cancelled, checked on
 * every bind, and an AbortSignal, asked for only by code that waits (the throttle's turn, its delay,
 * a place in the scrypt queue, a source's backend). The session's Cancellation makes its signal on
 * first use, so a bind answered from memory (a service account's remembered password) makes none.
 */
export interface Cancellable {
  readonly aborted: boolean;
  readonly signal: AbortSignal;
}

/** `cancel` as a Cancellable: an AbortSignal is its own. */
export function cancellableOf(cancel: Cancellable | AbortSignal): Cancellable {
  if (!(cancel instanceof AbortSignal)) return cancel;
  return {
    get aborted() {
      return cancel.aborted;
    },
    signal: cancel,
  };
}
