/**
 * A mounted source's health as cn=Monitor shows it: its state, its last successful load (or, for a
 * live source, its last search that reached the backend) and its last error. Updated as loads and
 * searches end, read when someone looks: nothing is computed in between.
 */
import type { HeldRound } from '../replica/deletion-guard.js';
import { SourceBusy, type SourceMode } from '../sources/source.js';

/**
 * `loading`: a replica before its first load ends. `ready`: serving current data. `stale`: a replica
 * whose last reload failed, still serving its previous copy. `held`: a replica whose last round
 * would have deleted more than maxDeletes allows, serving its copy until an operator accepts it.
 * `failed`: nothing to serve (a replica that never loaded, a live source whose last search failed).
 */
export type SourceState = 'loading' | 'ready' | 'stale' | 'held' | 'failed';

export interface SourceFailure {
  readonly message: string;
  readonly at: Date;
}

export interface SourceStatus {
  readonly state: SourceState;
  readonly lastLoad?: Date;
  /** While stale: since the first reload that failed. */
  readonly staleSince?: Date;
  /** Kept after the source recovers, so an operator can see what happened and when. */
  readonly lastError?: SourceFailure;
  /** While held: the round the deletion guard holds back, and what to do about it. */
  readonly held?: HeldRound;
  readonly heldMessage?: string;
  /** Loads, reloads or live searches that failed since start. */
  readonly errors?: number;
  /** How long the last replica round took (ms), whatever its end. */
  readonly lastRoundMs?: number;
  /** A live source's result cache: answers served from it, and looked for in vain. */
  readonly cache?: { readonly hits: number; readonly misses: number };
}

/** The status without its counters, as each event rebuilds it. */
type StatusState = Omit<SourceStatus, 'errors' | 'lastRoundMs' | 'cache'>;

export class SourceHealth {
  #status: StatusState;
  /** When the last live search reached the backend while ready (`searched`), not yet in `#status`. */
  #searchedAt: number | undefined;
  #errors = 0;
  #lastRoundMs: number | undefined;

  constructor(mode: SourceMode) {
    this.#status = { state: mode === 'replica' ? 'loading' : 'ready' };
  }

  get status(): SourceStatus {
    return {
      ...this.#settled(),
      errors: this.#errors,
      ...(this.#lastRoundMs === undefined ? {} : { lastRoundMs: this.#lastRoundMs }),
    };
  }

  /** A replica round ended after `ms`, well or not. */
  timed(ms: number): void {
    this.#lastRoundMs = ms;
  }

  succeeded(at: Date = new Date()): void {
    const { lastError } = this.#settled();
    this.#status = { state: 'ready', lastLoad: at, ...(lastError ? { lastError } : {}) };
  }

  /** Serving a snapshot written at `written`, until the source has answered. */
  restored(written: Date): void {
    this.#searchedAt = undefined;
    this.#status = { state: 'stale', lastLoad: written, staleSince: written };
  }

  /** A round was held by the deletion guard: the copy before it is served. */
  held(round: HeldRound, message: string): void {
    const { lastLoad, lastError } = this.#settled();
    this.#status = {
      state: 'held',
      held: round,
      heldMessage: message,
      ...(lastLoad ? { lastLoad } : {}),
      ...(lastError ? { lastError } : {}),
    };
  }

  /** `hasCopy`: whether an earlier copy is still being served (then the source is stale, not failed). */
  failed(error: unknown, hasCopy: boolean, at: Date = new Date()): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#errors++;
    const staleSince = hasCopy ? (this.#settled().staleSince ?? at) : undefined;
    this.#status = {
      ...this.#status,
      state: hasCopy ? 'stale' : 'failed',
      lastError: { message, at },
      ...(staleSince ? { staleSince } : {}),
    };
  }

  /**
   * Passes a live search through, noting whether it reached the backend. An abandoned one says
   * nothing, nor does one refused as busy: it never reached the backend, which is not down for it.
   */
  async *track<T>(items: AsyncIterable<T> | Iterable<T>, signal: AbortSignal): AsyncIterable<T> {
    try {
      yield* items;
    } catch (error) {
      this.searchFailed(error, signal);
      throw error;
    }
    this.searched();
  }

  /**
   * A live search reached the backend: as `succeeded`, but while the source is ready only the time
   * is noted (a number), and the status is rebuilt when read. Every live search ends here.
   */
  searched(): void {
    if (this.#status.state === 'ready') this.#searchedAt = Date.now();
    else this.succeeded();
  }

  /** The status with the last live search's time in it. */
  #settled(): StatusState {
    if (this.#searchedAt !== undefined) {
      this.#status = { ...this.#status, lastLoad: new Date(this.#searchedAt) };
      this.#searchedAt = undefined;
    }
    return this.#status;
  }

  /** A live search ended in `error`: noted unless abandoned or refused as busy (see `track`). */
  searchFailed(error: unknown, signal: AbortSignal): void {
    if (!signal.aborted && !(error instanceof SourceBusy)) this.failed(error, false);
  }
}
