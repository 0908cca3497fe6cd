/**
 * At most `size` requests in flight, as the ldap source's bind pool holds its binds: a PBX that signs
 * on a thousand users at once sends Entra ID no more than that. Up to `waitersPerSlot` more per
 * slot wait their turn, for at most `waitMs` or until their signal aborts; a full queue, or a wait
 * that runs out, is refused at once (the caller answers busy), so a slow token endpoint costs its
 * own binds a quick "busy", not everyone's memory.
 */
export const WAITERS_PER_SLOT = 4;

export class RequestSlots {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly size: number,
    private readonly waitMs: number,
    private readonly waitersPerSlot = WAITERS_PER_SLOT,
  ) {}

  /** Requests in flight now. */
  get running(): number {
    return this.#running;
  }

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Takes a slot (give it back with `release`), or says false when none came in time. */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (this.#running < this.size) {
      this.#running++;
      return true;
    }
    if (this.#waiting.length >= this.size * this.waitersPerSlot) return false;
    return new Promise<boolean>((resolve) => {
      const settle = (taken: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(taken);
      };
      const giveUp = (): void => {
        const index = this.#waiting.indexOf(wake);
        if (index >= 0) this.#waiting.splice(index, 1);
        settle(false);
      };
      // Handed the slot of a caller that released it: `#running` stays as it is.
      const wake = (): void => settle(true);
      const timer = setTimeout(giveUp, this.waitMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.#waiting.push(wake);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }
}
