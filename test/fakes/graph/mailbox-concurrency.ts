/**
 * Exchange's per-mailbox concurrency limit: at most 4 requests in flight against one mailbox
 * (throttling-limits, Outlook service limits); one more answers 429 ApplicationThrottled
 * "Application is over its MailboxConcurrency limit." A request holds its slot until its answer
 * has been written, so injected latency keeps slots busy as a slow Exchange would.
 */
import { mailboxConcurrencyExceeded } from './graph-errors.js';

export class MailboxConcurrency {
  readonly #inFlight = new Map<string, number>();

  constructor(
    public limit: number,
    /** Seconds in the 429's Retry-After; 0 keeps tests from sleeping. */
    public retryAfterSeconds: number,
  ) {}

  /** Takes a slot or throws the 429; the returned function gives the slot back (once). */
  enter(mailbox: string): () => void {
    const busy = this.#inFlight.get(mailbox) ?? 0;
    if (busy >= this.limit) throw mailboxConcurrencyExceeded(this.retryAfterSeconds);
    this.#inFlight.set(mailbox, busy + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#inFlight.get(mailbox) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(mailbox);
      else this.#inFlight.set(mailbox, left);
    };
  }

  /** Requests in flight against a mailbox now. */
  inFlight(mailbox: string): number {
    return this.#inFlight.get(mailbox) ?? 0;
  }
}
