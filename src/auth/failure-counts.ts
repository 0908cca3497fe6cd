/**
 * Failed binds per throttle key (a login or a client address), leaking away one every `decayMs`,
 * so a throttle ends by itself. At most `maxTracked` keys are kept, the least recently used going
 * first, so a flood of distinct names or addresses cannot grow memory.
 */
import { LRUCache } from 'lru-cache';

interface Counter {
  /** Failures (fractional while they leak away) as of `at`. */
  failures: number;
  /** Milliseconds (of the throttle's clock) when `failures` was last brought up to date. */
  at: number;
}

export class FailureCounts {
  readonly #table: LRUCache<string, Counter>;

  constructor(
    maxTracked: number,
    private readonly decayMs: number,
    private readonly now: () => number,
  ) {
    this.#table = new LRUCache({ max: maxTracked });
  }

  /**
   * Failures counted against `key` now. A partly forgotten failure still counts whole: a delay lasts
   * until the failure has leaked away entirely.
   */
  current(key: string): number {
    const counter = this.#table.get(key);
    return counter ? Math.ceil(this.#leaked(counter, this.now())) : 0;
  }

  /** Failures as they leak away, fractional (for tests and monitoring). */
  exact(key: string): number {
    const counter = this.#table.peek(key);
    return counter ? this.#leaked(counter, this.now()) : 0;
  }

  add(key: string): void {
    const now = this.now();
    const counter = this.#table.get(key) ?? { failures: 0, at: now };
    counter.failures = this.#leaked(counter, now) + 1;
    counter.at = now;
    this.#table.set(key, counter);
  }

  forget(key: string): void {
    this.#table.delete(key);
  }

  #leaked(counter: Counter, now: number): number {
    return Math.max(0, counter.failures - (now - counter.at) / this.decayMs);
  }
}
