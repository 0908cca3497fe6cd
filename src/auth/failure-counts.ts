/**
 * Failed binds per throttle key (a login or a client address), leaking away one every `decayMs`,
 * so a throttle ends by itself. At most `maxTracked` keys are kept, the least recently used going
 * first, so a flood of distinct names or addresses cannot grow memory. `tracked` hears of each key
 * that begins or stops being counted (the marks listener threads read, SharedTurns).
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
    private readonly tracked?: (key: string, delta: 1 | -1) => void,
  ) {
    this.#table = new LRUCache({
      max: maxTracked,
      // Overwriting a key's counter keeps the key; only its removal (forgotten, evicted) is heard.
      noDisposeOnSet: true,
      ...(tracked ? { dispose: (_counter: Counter, key: string) => tracked(key, -1) } : {}),
    });
  }

  /**
   * Failures counted against `key` now. A partly forgotten failure still counts whole: a delay lasts
   * until the failure has leaked away entirely.
   */
  current(key: string): number {
    const counter = this.#table.get(key);
    if (!counter) return 0;
    const failures = this.#leaked(counter, this.now());
    // Leaked away entirely: forgotten, so that the key is no longer marked as failing.
    if (failures === 0) this.#table.delete(key);
    return Math.ceil(failures);
  }

  /** Failures as they leak away, fractional (for tests and monitoring). */
  exact(key: string): number {
    const counter = this.#table.peek(key);
    return counter ? this.#leaked(counter, this.now()) : 0;
  }

  add(key: string): void {
    const now = this.now();
    const known = this.#table.get(key);
    if (!known) this.tracked?.(key, 1);
    const counter = known ?? { failures: 0, at: now };
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
