/**
 * Binds under way, per throttle key (a login or a client address), and the binds waiting for one of
 * them to end. A key is held only while binds for it are under way or waiting, so memory follows
 * the binds in progress (bounded by connections and outstanding operations), not the keys ever seen.
 * This is one event loop's count; with listener threads the throttle counts in shared memory
 * (SharedInFlight) instead.
 */

/** Binds under way per turn, as the throttle counts them. */
export interface TurnCounter {
  /** Binds for `key` under way now. */
  count(key: string): number;
  /** Takes a turn for `key` if fewer than `limit` are under way. */
  tryEnter(key: string, limit: number): boolean;
  leave(key: string): void;
  /**
   * Resolves when a bind for `key` ends (or at once if fewer than `limit` are under way), or at
   * once when `signal` aborts (the client went away).
   */
  whenBelow(key: string, limit: number, signal: AbortSignal): Promise<void>;
}

export class InFlightBinds implements TurnCounter {
  readonly #count = new Map<string, number>();
  readonly #waiting = new Map<string, Set<() => void>>();

  count(key: string): number {
    return this.#count.get(key) ?? 0;
  }

  tryEnter(key: string, limit: number): boolean {
    const count = this.count(key);
    if (count >= limit) return false;
    this.#count.set(key, count + 1);
    return true;
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

  whenBelow(key: string, limit: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.count(key) < limit) {
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
