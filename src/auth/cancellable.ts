/**
 * What cancels a bind (the client abandoning it or going away): whether it is cancelled, checked on
 * every bind, and an AbortSignal, asked for only by code that waits (the throttle's turn, its delay,
 * a place in the scrypt queue, a source's backend). The session's Cancellation makes its signal on
 * first use, so a bind answered from memory (a service account's remembered password) makes none.
 */
export interface Cancellable {
  readonly aborted: boolean;
  readonly signal: AbortSignal;
  /**
   * Calls `listener` once when cancelled (at once if it already is); returns its removal. The
   * session's Cancellation has it, so code that only needs to hear of a cancel (a listener thread's
   * bind waiting for the main thread's throttle) makes no signal; absent: listen on `signal`.
   */
  onAbort?(listener: () => void): () => void;
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

/** Calls `listener` once when `cancel` is cancelled (at once if it already is); returns its removal. */
export function whenAborted(cancel: Cancellable, listener: () => void): () => void {
  if (cancel.onAbort) return cancel.onAbort(listener);
  if (cancel.aborted) {
    listener();
    return () => undefined;
  }
  const { signal } = cancel;
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
