/**
 * Exchange Online lets an app have at most 4 requests in flight against one mailbox (Outlook's
 * "MailboxConcurrency" limit); a fifth answers 429 ApplicationThrottled. Every request the source
 * makes to a mailbox (sync, `check`, `fields`, a read by id) takes one of its slots here first, so the
 * source alone never goes over the limit however its work overlaps; a 429 from other traffic is
 * still retried (graph-api.ts). Mailboxes are told apart by their name in the config, lower-cased.
 */

/** Exchange's limit per app and mailbox. */
export const MAILBOX_CONCURRENCY = 4;

export class MailboxSlots {
  readonly #busy = new Map<string, { inFlight: number; readonly waiting: (() => void)[] }>();

  constructor(private readonly limit: number = MAILBOX_CONCURRENCY) {}

  /** Runs `work` once one of the mailbox's slots is free, and frees the slot when it settles. */
  async run<T>(mailbox: string, work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const key = mailbox.toLowerCase();
    await this.#take(key, signal);
    try {
      return await work();
    } finally {
      this.#give(key);
    }
  }

  /** Requests in flight against a mailbox now. */
  inFlight(mailbox: string): number {
    return this.#busy.get(mailbox.toLowerCase())?.inFlight ?? 0;
  }

  async #take(key: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    let state = this.#busy.get(key);
    if (state === undefined) {
      state = { inFlight: 0, waiting: [] };
      this.#busy.set(key, state);
    }
    if (state.inFlight < this.limit) {
      state.inFlight++;
      return;
    }
    const queue = state.waiting;
    await new Promise<void>((resolve, reject) => {
      // The slot is handed over already counted: `#give` does not decrement when it wakes a waiter.
      const wake = (): void => {
        signal.removeEventListener('abort', abandon);
        resolve();
      };
      const abandon = (): void => {
        const at = queue.indexOf(wake);
        if (at >= 0) queue.splice(at, 1);
        reject(signal.reason as Error);
      };
      queue.push(wake);
      signal.addEventListener('abort', abandon, { once: true });
    });
  }

  #give(key: string): void {
    const state = this.#busy.get(key);
    if (state === undefined) return;
    const next = state.waiting.shift();
    if (next !== undefined) {
      next();
      return;
    }
    state.inFlight--;
    if (state.inFlight === 0) this.#busy.delete(key);
  }
}
