/**
 * Idle connections on one coarse clock for the whole process. A socket's own timeout
 * (socket.setTimeout) is a timer that Node moves on every read and every write: two timer-list
 * insertions per operation (and a look at libuv's clock each), for a limit counted in minutes that
 * almost never passes. Here a connection that reads a request or ends an operation only notes the
 * tick it did so; one interval timer, running while any connection is watched, ticks every TICK_MS
 * and tells a connection once it has been quiet for its limit. Never early, at most a tick late.
 */

/** How often idle connections are looked for: the most an idle timeout may run over. */
export const TICK_MS = 250;

/** One watched connection. */
export class IdleWatch {
  /** The tick of the connection's last activity. */
  lastActive: number;

  constructor(
    /** Ticks of quiet after which the connection is idle. */
    readonly limit: number,
    /** Told each time the connection has been quiet for its limit. */
    readonly onIdle: () => void,
    now: number,
  ) {
    this.lastActive = now;
  }
}

export class IdleConnections {
  readonly #watched = new Set<IdleWatch>();
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Calls `onIdle` once the connection has been quiet for `seconds` (and again after as long). */
  watch(seconds: number, onIdle: () => void): IdleWatch {
    // One tick more than the length: the next tick may come at once.
    const watch = new IdleWatch(Math.ceil((seconds * 1000) / TICK_MS) + 1, onIdle, this.#tick);
    this.#watched.add(watch);
    this.#timer ??= setInterval(this.#onTick, TICK_MS).unref();
    return watch;
  }

  /** The connection was active now: its quiet starts again. */
  touch(watch: IdleWatch): void {
    watch.lastActive = this.#tick;
  }

  unwatch(watch: IdleWatch): void {
    this.#watched.delete(watch);
    if (this.#watched.size > 0 || this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Connections being watched (for tests). */
  get size(): number {
    return this.#watched.size;
  }

  readonly #onTick = (): void => {
    const tick = ++this.#tick;
    for (const watch of this.#watched) {
      if (tick - watch.lastActive < watch.limit) continue;
      watch.lastActive = tick;
      watch.onIdle();
    }
  };
}

/** The process's one clock for idle connections. */
export const IDLE_CONNECTIONS = new IdleConnections();
