/**
 * A source as the directory sees it: mounted at `ou=<name>`, its records presented through the field
 * map, and its entries found by the strategy its mode chose once (a replica's local copy, or the
 * source asked live). The strategy offers candidates; the directory's predicate decides.
 */
import { MATCH_ALL, type Filter } from '../filter/ast.js';
import type { ResultCacheSettings } from '../cache/result-cache.js';
import type { FieldMap } from '../mapping/field-map.js';
import type { Source, SourceMode, SourceRecord } from '../sources/source.js';
import type { CandidateBatch } from '../replica/candidate-batch.js';
import type { Entry } from '../schema/entry.js';
import { LiveMount } from './live-mount.js';
import type { MountNotice } from './mount-notice.js';
import type { MountStrategy } from './mount-strategy.js';
import type { Presenter } from './presenter.js';
import { ReplicaMount, type ReplicaLogger } from './replica-mount.js';
import type { Schema } from '../schema/schema.js';
import type { SourceStatus } from './source-status.js';

export type { ReplicaLogger } from './replica-mount.js';

/** A replica's entries counted by the attribute they hold (the status page's fill counts). */
export interface FillCounts {
  readonly entries: number;
  /** Lower-cased presented attribute name -> entries holding it. */
  readonly counts: ReadonlyMap<string, number>;
}

/** Longest a count holds the event loop before letting searches in. */
const COUNT_SLICE_MS = 5;

export interface MountedSourceOptions {
  readonly source: Source;
  readonly mode: SourceMode;
  readonly map: FieldMap;
  readonly presenter: Presenter;
  readonly schema: Schema;
  readonly defaultCountry: string;
  /** What the mount entry says about the source. */
  readonly description: string;
  /** The source's config `type`, for monitoring. */
  readonly type?: string;
  /** Where replica loads and reloads are reported. */
  readonly logger?: ReplicaLogger;
  /** The result cache of a live source (DEFAULT_RESULT_CACHE when absent). */
  readonly resultCache?: ResultCacheSettings;
  /** A replica's most deletions per round (`10%`, or a count). */
  readonly maxDeletes?: number | string;
  /** Where a replica keeps its snapshot (`directory.dataDir`); none: no snapshot. */
  readonly dataDir?: string;
  /** What entries are presented with, so a snapshot of another presentation is not served. */
  readonly fingerprint?: string;
  /**
   * How a replica-mode mount keeps its copy: by the engine in this thread (ReplicaMount, when
   * absent), or read from another thread's (a listener thread's AttachedReplicaMount).
   */
  readonly replica?: (options: MountedSourceOptions) => MountStrategy;
}

export class MountedSource {
  readonly name: string;
  readonly mode: SourceMode;
  readonly #strategy: MountStrategy;
  /** Searches walking this mount now (see `retire`). */
  #searches = 0;
  /** Set by `retire` while searches still walk the mount: closes it when the last one ends. */
  #retiring: (() => void) | undefined;

  constructor(private readonly options: MountedSourceOptions) {
    this.name = options.source.name;
    this.mode = options.mode;
    const replica = options.replica ?? ((replicaOptions) => new ReplicaMount(replicaOptions));
    this.#strategy = options.mode === 'replica' ? replica(options) : new LiveMount(options);
  }

  /** State, last load and last error, for cn=Monitor. */
  get status(): SourceStatus {
    return this.#strategy.status;
  }

  get type(): string | undefined {
    return this.options.type;
  }

  get description(): string {
    return this.options.description;
  }

  get source(): Source {
    return this.options.source;
  }

  /** The field map, for the CLI's "available fields". */
  get map(): FieldMap {
    return this.options.map;
  }

  get entryCount(): number | undefined {
    return this.#strategy.entryCount;
  }

  /** Whether the mount has any entries (for hasSubordinates). */
  get hasEntries(): boolean {
    return this.#strategy.hasEntries;
  }

  /** A record of this source as the directory presents it (the CLI's check shows its samples so). */
  present(record: SourceRecord): Entry {
    return this.options.presenter.present(record);
  }

  /** The presented DN of one of the source's records. */
  dnOf(record: SourceRecord): string {
    return this.options.presenter.dnOf(record);
  }

  /**
   * A replica loads before the directory serves, then follows the source's changes. With `current`
   * (a reload), a replica restored from its snapshot also waits for its first round to succeed.
   */
  start(signal: AbortSignal, current = false): Promise<void> {
    return this.#strategy.start(signal, current);
  }

  /** A reload is building a new mount of this source: stop writing the snapshot both would write. */
  holdSnapshot(): Promise<void> {
    return this.#strategy.holdSnapshot();
  }

  /** The new mount failed to load and this one serves on: its snapshot is written again. */
  releaseSnapshot(): void {
    this.#strategy.releaseSnapshot();
  }

  /** A search starts walking this mount; `leave` when it ends (the directory does both). */
  enter(): void {
    this.#searches++;
  }

  leave(): void {
    if (--this.#searches === 0) this.#retiring?.();
  }

  /**
   * A reload took the mount out of the directory: it closes once no search walks it any more, so a
   * paged search begun before the reload ends on the source it began on; but after `graceMs` at the
   * latest, so that a paged search the client never continues (nor abandons) does not keep the old
   * source, its connections and its polling, for the life of the connection. A search that goes on
   * after that reads what it had already fetched, or fails as on a backend that went away.
   * Resolves when closed.
   */
  retire(graceMs = Infinity): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const close = (): void => {
        clearTimeout(timer);
        this.#retiring = undefined;
        this.close().then(resolve, reject);
      };
      if (this.#searches === 0) return close();
      this.#retiring = close;
      if (Number.isFinite(graceMs)) timer = setTimeout(close, graceMs).unref();
    });
  }

  /** Stops the mount (a replica writes its snapshot if the copy changed), then closes the source. */
  async close(): Promise<void> {
    try {
      await this.#strategy.close();
    } finally {
      await this.options.source.close();
    }
  }

  /** Brings a replica up to date now; a failure leaves it stale and is thrown. */
  refresh(signal: AbortSignal): Promise<void> {
    return this.#strategy.refresh(signal);
  }

  /** Entries that may match the (masked) filter, in batches, in the source's order (MountStrategy). */
  candidates(
    filter: Filter,
    signal: AbortSignal,
    reads?: ReadonlySet<string>,
  ): AsyncIterable<CandidateBatch> | Iterable<CandidateBatch> {
    return this.#strategy.candidates(filter, signal, reads);
  }

  get(uuid: string, signal: AbortSignal): Promise<Entry | undefined> {
    return this.#strategy.get(uuid, signal);
  }

  recordIdOf(uuid: string): string | undefined {
    return this.#strategy.recordIdOf(uuid);
  }

  /** A replica kept in this thread tells `reader` of its copy and its rounds (MountStrategy.share). */
  share(reader: (notice: MountNotice) => void): (() => void) | undefined {
    return this.#strategy.share?.(reader);
  }

  /**
   * How many of a replica's entries hold each presented attribute, counted now over its copy;
   * undefined for a live source, whose entries are not held (counting them would read the whole
   * backend). Only attribute names are read (a stored entry decodes no value for that), and other
   * work gets the event loop every few ms, so 100,000 entries cost searches nothing noticeable.
   */
  async fillCounts(signal: AbortSignal): Promise<FillCounts | undefined> {
    if (this.mode !== 'replica') return undefined;
    // Nothing counted is not "no entry fills anything": say so rather than show zeros.
    if (this.entryCount === undefined) throw new Error(`source ${this.name}: its copy is not loaded yet`);
    const counts = new Map<string, number>();
    let entries = 0;
    let sliceStart = performance.now();
    for await (const batch of this.#strategy.candidates(MATCH_ALL, signal)) {
      signal.throwIfAborted();
      for (const entry of batch) {
        entries++;
        for (const key of entry.attributes.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      if (performance.now() - sliceStart >= COUNT_SLICE_MS) {
        await new Promise(setImmediate);
        sliceStart = performance.now();
      }
    }
    return { entries, counts };
  }
}
