/**
 * Bounds the scrypt work of binds. scrypt runs in Node's libuv thread pool (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise), which file reads, DNS lookups and TLS key work share: every
 * refused bind costs one scrypt (authenticator.ts), so a flood of binds across many names and
 * addresses, which the per-login and per-address throttle lets through, would take every thread
 * and starve the rest of the process. So at most `running` computations run at once (2: half the
 * default pool stays free), and the others wait for a slot in first-come order.
 *
 * The wait is bounded too: at most `waiting` binds of each kind (trusted clients, everyone else)
 * hold a place, and a bind that finds none is refused with busy (51) before any password is
 * checked, so neither the answer nor the work depends on the name. Trusted clients (the PBX, which
 * makes every user's sign-on) have places of their own and take freed slots first, so a flood from
 * outside never makes their users' sign-ons busy. A client that leaves while waiting gives its
 * place up and costs no scrypt.
 */

export interface ScryptLimits {
  /** scrypt computations running at once. */
  readonly running: number;
  /**
   * Binds of one kind (trusted or not) that may hold a place and not be running: waiting for a
   * slot, or checking their password elsewhere first (a backend bind) with a place kept for after.
   */
  readonly waiting: number;
}

/**
 * Two of the default four threads, and a queue that empties in a second or two (about 50 ms of
 * scrypt per bind at the default cost, two at a time), well within an LDAP client's timeout.
 */
export const SCRYPT_LIMITS: ScryptLimits = { running: 2, waiting: 64 };

/** A bind's place in the queue: for one scrypt at most. */
export interface ScryptPlace {
  /**
   * Waits for a slot, then runs `work` in it. Resolves undefined without running it when `signal`
   * aborts first (the client left). The place is used up either way.
   */
  run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T | undefined>;
  /** Gives the place up unused (the password was checked otherwise); nothing once it has run. */
  release(): void;
}

type Kind = 'trusted' | 'untrusted';

export class ScryptQueue {
  #running = 0;
  /** Places taken and not yet running, per kind. */
  readonly #held: Record<Kind, number> = { trusted: 0, untrusted: 0 };
  /** Binds waiting for a slot, per kind, in arrival order. */
  readonly #queued: Record<Kind, Set<() => void>> = { trusted: new Set(), untrusted: new Set() };

  constructor(private readonly limits: ScryptLimits = SCRYPT_LIMITS) {
    if (limits.running < 1 || limits.waiting < 1) {
      throw new RangeError(
        `scrypt limits must allow one computation at least, not ${JSON.stringify(limits)}`,
      );
    }
  }

  /** A place for one scrypt, or undefined when every place for this kind of client is taken. */
  reserve(trusted: boolean): ScryptPlace | undefined {
    const kind: Kind = trusted ? 'trusted' : 'untrusted';
    if (this.#held[kind] >= this.limits.waiting) return undefined;
    this.#held[kind]++;
    let state: 'held' | 'used' = 'held';
    const giveUp = (): boolean => {
      if (state !== 'held') return false;
      state = 'used';
      this.#held[kind]--;
      return true;
    };
    return {
      run: async <T>(work: () => Promise<T>, signal: AbortSignal): Promise<T | undefined> => {
        if (state !== 'held') throw new Error('a scrypt place runs one computation only');
        // A free slot is taken at once, before anything else can reserve: the place is freed as
        // soon as the computation runs, so `waiting` counts only binds that really wait.
        const slot = this.#slot(kind, signal);
        const started = typeof slot === 'boolean' ? slot : await slot;
        giveUp();
        if (!started) return undefined;
        try {
          return await work();
        } finally {
          this.#running--;
          this.#startNext();
        }
      },
      release: () => {
        giveUp();
      },
    };
  }

  /** Computations running now (for tests and monitoring). */
  get running(): number {
    return this.#running;
  }

  /** Places held and not running, by kind (for tests and monitoring). */
  held(trusted: boolean): number {
    return this.#held[trusted ? 'trusted' : 'untrusted'];
  }

  /**
   * True once a slot is this bind's (counted as running), false when the client left first: at
   * once when a slot is free, else when one is handed on.
   */
  #slot(kind: Kind, signal: AbortSignal): boolean | Promise<boolean> {
    if (signal.aborted) return false;
    if (this.#running < this.limits.running && this.#nobodyWaiting()) {
      this.#running++;
      return true;
    }
    return new Promise((resolve) => {
      const queue = this.#queued[kind];
      const start = (): void => {
        signal.removeEventListener('abort', leave);
        this.#running++;
        resolve(true);
      };
      const leave = (): void => {
        queue.delete(start);
        resolve(false);
      };
      queue.add(start);
      signal.addEventListener('abort', leave, { once: true });
    });
  }

  #nobodyWaiting(): boolean {
    return this.#queued.trusted.size === 0 && this.#queued.untrusted.size === 0;
  }

  /** Hands freed slots on: trusted clients' binds first, each kind in arrival order. */
  #startNext(): void {
    while (this.#running < this.limits.running) {
      const queue = this.#queued.trusted.size > 0 ? this.#queued.trusted : this.#queued.untrusted;
      const next = queue.values().next();
      if (next.done) return;
      queue.delete(next.value);
      next.value();
    }
  }
}
