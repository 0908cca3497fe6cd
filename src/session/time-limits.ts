/**
 * Search time limits on one coarse clock for the whole process. Every search has a time limit (the
 * directory's, 30 s by default), and a timer of its own per search (a Timeout object set and
 * cleared, a timer list touched twice) was a fixed cost of every lookup that almost never fires.
 * Here a limit is a place in a set, and one interval timer, running only while a limit is watched,
 * ticks every TICK_MS; a limit ends at the first tick at least its length after it was set, so it
 * is never early and at most one tick late, which a limit counted in whole seconds can afford.
 * Ticks are counted rather than the clock read, so the limits follow the timers alone.
 */

/** How often the limits are checked: the most a limit may run over. */
export const TICK_MS = 100;

/** One watched limit: what to abort when it passes. */
export interface TimeLimit {
  /** The tick at which the limit has passed. */
  readonly endsAt: number;
  readonly controller: AbortController;
  /** The reason the controller is aborted with. */
  readonly reason: unknown;
}

export class TimeLimits {
  readonly #watched = new Set<TimeLimit>();
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Aborts `controller` with `reason` once `seconds` have passed, unless released first. */
  watch(seconds: number, controller: AbortController, reason: unknown): TimeLimit {
    // One tick more than the length: the next tick may come at once.
    const limit = { endsAt: this.#tick + Math.ceil((seconds * 1000) / TICK_MS) + 1, controller, reason };
    this.#watched.add(limit);
    this.#timer ??= setInterval(this.#onTick, TICK_MS).unref();
    return limit;
  }

  release(limit: TimeLimit): void {
    this.#watched.delete(limit);
  }

  /** Limits being watched (for tests). */
  get size(): number {
    return this.#watched.size;
  }

  readonly #onTick = (): void => {
    const tick = ++this.#tick;
    for (const limit of this.#watched) {
      if (limit.endsAt > tick) continue;
      this.#watched.delete(limit);
      limit.controller.abort(limit.reason);
    }
    if (this.#watched.size > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  };
}

/** The process's one clock for search time limits. */
export const SEARCH_TIME_LIMITS = new TimeLimits();
