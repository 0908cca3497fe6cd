/**
 * How long the source leaves Google alone after its quota refused a round (429 RESOURCE_EXHAUSTED
 * past gaxios's retries): the change interval, doubled with each refused round up to 15 minutes,
 * each pause drawn between its half and its whole ("equal jitter"), so that sources and instances
 * refused together do not come back together. A round that succeeds ends it.
 */
const LONGEST_PAUSE_MS = 15 * 60_000;

export class QuotaBackOff {
  #refusals = 0;
  #until = 0;

  constructor(
    private readonly baseMs: number,
    private readonly now: () => number = () => Date.now(),
    private readonly random: () => number = () => Math.random(),
  ) {}

  /** Milliseconds of the current pause still to wait; 0 when rounds may run. */
  remaining(): number {
    return Math.max(0, this.#until - this.now());
  }

  /** A round the quota refused: starts the next, longer pause and returns it (ms). */
  refused(): number {
    this.#refusals++;
    const ceiling = Math.min(this.baseMs * 2 ** (this.#refusals - 1), LONGEST_PAUSE_MS);
    const pause = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    this.#until = this.now() + pause;
    return pause;
  }

  succeeded(): void {
    this.#refusals = 0;
    this.#until = 0;
  }
}
