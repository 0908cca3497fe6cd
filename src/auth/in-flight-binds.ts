/**
 * Binds under way, per throttle key (a login or a client address), and the binds waiting for one of
 * them to end. A key is held only while binds for it are under way or waiting, so memory follows
 * the binds in progress (bounded by connections and outstanding operations), not the keys ever seen.
 */
export class InFlightBinds {
  readonly #count = new Map<string, number>();
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Binds for `key` under way now. */
  count(key: string): number {
    return this.#count.get(key) ?? 0;
  }

  enter(key: string): void {
    this.#count.set(key, this.count(key) + 1);
  }

  /** One bind for `key` ended: every bind waiting for the key looks again. */
  leave(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.#count.set(key, left);
    else this.#count.delete(key);
    const waiting = this.#waiting.get(key);
    this.#waiting.delete(key);
    for (const wake of waiting ?? []) wake();
  }

  /** Resolves when a bind for `key` ends, or at once when `signal` aborts (the client went away). */
  whenOneLeaves(key: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const waiting = this.#waiting.get(key) ?? new Set<() => void>();
      this.#waiting.set(key, waiting);
      const wake = (): void => {
        signal.removeEventListener('abort', gone);
        resolve();
      };
      const gone = (): void => {
        waiting.delete(wake);
        if (waiting.size === 0 && this.#waiting.get(key) === waiting) this.#waiting.delete(key);
        resolve();
      };
      waiting.add(wake);
      signal.addEventListener('abort', gone, { once: true });
    });
  }
}
