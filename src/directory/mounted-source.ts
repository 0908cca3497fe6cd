/**
 * A source as the directory sees it: mounted at `ou=<name>`, its records presented through the field
 * map, and searched either from a local index (replica) or by pushing the filter down (live). Either
 * way the directory's predicate decides what matches, so both modes answer the same.
 */
import { LRUCache } from 'lru-cache';
import type { Filter } from '../filter/ast.js';
import type { Source, SourceMode, SourceRecord } from '../sources/source.js';
import { SourceError } from '../sources/source.js';
import type { FieldMap } from '../mapping/field-map.js';
import { toNativeFilter } from '../mapping/native-filter.js';
import { LocalIndex } from '../cache/local-index.js';
import { ResultCache, type ResultCacheSettings } from '../cache/result-cache.js';
import type { Entry } from './entry.js';
import type { Presenter } from './presenter.js';
import type { Schema } from './schema.js';
import { SourceHealth, type SourceStatus } from './source-status.js';

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
}

export interface ReplicaLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How many entry UUIDs a live source remembers, so phones can re-read the hits they just got. */
const LIVE_UUID_MEMORY = 10_000;

/** Name attributes phones search (DOMAIN.md "What phones send"). */
const PHONEBOOK_NAME_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'o'];

/** Candidates examined between two looks at the clock during a replica scan. */
const CLOCK_EVERY = 64;
/** Longest a replica scan holds the event loop before letting other connections in. */
const SLICE_MS = 5;

interface Replica {
  readonly index: LocalIndex;
  readonly byUuid: ReadonlyMap<string, Entry>;
  /** Entry UUID -> record id, kept only for sources users sign on through (binds by presented DN). */
  readonly recordIds?: ReadonlyMap<string, string>;
  readonly loadedAt: Date;
}

export class MountedSource {
  readonly name: string;
  readonly mode: SourceMode;
  #replica: Replica | undefined;
  readonly #liveIds = new LRUCache<string, string>({ max: LIVE_UUID_MEMORY });
  readonly #results: ResultCache;
  readonly #health: SourceHealth;

  constructor(private readonly options: MountedSourceOptions) {
    this.name = options.source.name;
    this.mode = options.mode;
    this.#health = new SourceHealth(options.mode);
    this.#results = new ResultCache(options.resultCache);
  }

  /** State, last load and last error, for cn=Monitor. */
  get status(): SourceStatus {
    return this.#health.status;
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

  /** A record of this source as the directory presents it (the CLI's check shows its samples so). */
  present(record: SourceRecord): Entry {
    return this.options.presenter.present(record);
  }

  /** Replicas load before the directory serves, then follow the source's changes. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.mode !== 'replica') return;
    const started = performance.now();
    await this.reload(signal);
    this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica loaded');
    this.options.source.onChange?.(() => this.#followChange());
  }

  #reloads: Promise<void> = Promise.resolve();
  #reloadWaiting = false;

  /** One rebuild at a time; changes that come during one are covered by a single rebuild after it. */
  #followChange(): void {
    if (this.#reloadWaiting) return;
    this.#reloadWaiting = true;
    this.#reloads = this.#reloads.then(() => {
      this.#reloadWaiting = false;
      return this.#reloadAfterChange();
    });
  }

  /** A failed rebuild keeps the copy being served; there is no caller to throw to, so it is logged. */
  async #reloadAfterChange(): Promise<void> {
    const started = performance.now();
    try {
      await this.reload(new AbortController().signal);
      this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica reloaded');
    } catch (error) {
      const { staleSince } = this.#health.status;
      this.options.logger?.error(
        { err: error, staleSince: staleSince?.toISOString() },
        `replica not reloaded; the copy loaded ${this.#replica?.loadedAt.toISOString() ?? 'never'} is still served (stale since ${staleSince?.toISOString() ?? 'now'})`,
      );
    }
  }

  /** Loads a fresh copy and swaps it in whole: searches in flight finish on the copy they started on. */
  async reload(signal: AbortSignal): Promise<void> {
    try {
      await this.#load(signal);
    } catch (error) {
      this.#health.failed(error, this.#replica !== undefined);
      throw error;
    }
    this.#health.succeeded(this.#replica?.loadedAt);
  }

  async #load(signal: AbortSignal): Promise<void> {
    const entries: Entry[] = [];
    const byUuid = new Map<string, Entry>();
    const recordIds = this.options.source.capabilities.signOn ? new Map<string, string>() : undefined;
    for await (const record of this.options.source.search({}, signal)) {
      const entry = this.options.presenter.present(record);
      const uuid = entry.attributes.get('entryuuid')!.values[0]!;
      if (byUuid.has(uuid)) throw new SourceError(this.name, `two records share the id ${record.id}`);
      byUuid.set(uuid, entry);
      recordIds?.set(uuid, record.id);
      entries.push(entry);
    }
    const { schema, defaultCountry } = this.options;
    this.#replica = {
      // Name keys are built on first use; build the ones phones search now, or after a reload
      // those the previous copy had, so the first keystroke after a (re)load is not the slow one.
      index: LocalIndex.build(entries, schema, {
        defaultCountry,
        prepare: PHONEBOOK_NAME_ATTRIBUTES,
        ...(this.#replica ? { warmFrom: this.#replica.index } : {}),
      }),
      byUuid,
      ...(recordIds ? { recordIds } : {}),
      loadedAt: new Date(),
    };
  }

  get entryCount(): number | undefined {
    return this.#replica?.index.size;
  }

  /**
   * The entries `matches` accepts, in the source's order. `filter` (withheld attributes already
   * masked) only narrows what is looked at: the index's candidates, or the backend's query.
   */
  search(filter: Filter, matches: (entry: Entry) => boolean, signal: AbortSignal): AsyncIterable<Entry> {
    return this.#replica
      ? this.#searchReplica(this.#replica, filter, matches, signal)
      : this.#searchLive(filter, matches, signal);
  }

  async *#searchReplica(
    replica: Replica,
    filter: Filter,
    matches: (entry: Entry) => boolean,
    signal: AbortSignal,
  ): AsyncIterable<Entry> {
    const candidates = replica.index.candidates(filter) ?? replica.index.all();
    let sliceStart = performance.now();
    for (let i = 0; i < candidates.length; i++) {
      // A scan the index cannot narrow, or an expensive filter, lets other connections in now and then.
      if (i % CLOCK_EVERY === CLOCK_EVERY - 1 && performance.now() - sliceStart >= SLICE_MS) {
        await new Promise(setImmediate);
        if (signal.aborted) return;
        sliceStart = performance.now();
      }
      const entry = candidates[i]!;
      if (matches(entry)) yield entry;
    }
  }

  async *#searchLive(
    filter: Filter,
    matches: (entry: Entry) => boolean,
    signal: AbortSignal,
  ): AsyncIterable<Entry> {
    const { source, map, presenter } = this.options;
    const nativeFilter = source.capabilities.filterPushdown ? toNativeFilter(filter, map) : undefined;
    // Only the source's part is tracked: a search the caller's budget stops says nothing of its health.
    for await (const record of this.#health.track(this.#liveRecords(nativeFilter, signal), signal)) {
      const entry = presenter.present(record);
      this.#liveIds.set(entry.attributes.get('entryuuid')!.values[0]!, record.id);
      if (matches(entry)) yield entry;
    }
  }

  /** The source's records for a native filter, from the result cache when it has them. */
  #liveRecords(
    nativeFilter: Filter | undefined,
    signal: AbortSignal,
  ): AsyncIterable<SourceRecord> | Iterable<SourceRecord> {
    const key = JSON.stringify(nativeFilter ?? null);
    const cached = this.#results.get(key);
    if (cached) return cached;
    return this.#results.through(
      key,
      this.options.source.search(nativeFilter ? { filter: nativeFilter } : {}, signal),
    );
  }

  /** The record id behind an entry UUID, as far as the mount can tell without asking the source. */
  recordIdOf(uuid: string): string | undefined {
    if (this.#replica) return this.#replica.recordIds?.get(uuid);
    return this.#liveIds.get(uuid) ?? uuid;
  }

  /** The presented DN of one of the source's records. */
  dnOf(record: SourceRecord): string {
    return this.options.presenter.dnOf(record);
  }

  /** The entry with this UUID, or undefined. */
  async get(uuid: string, signal: AbortSignal): Promise<Entry | undefined> {
    if (this.#replica) return this.#replica.byUuid.get(uuid);
    const id = this.#liveIds.get(uuid) ?? uuid;
    const record = await this.options.source.get(id, signal);
    const entry = record && this.options.presenter.present(record);
    return entry?.attributes.get('entryuuid')?.values[0] === uuid ? entry : undefined;
  }

  /** Whether the mount has any entries (for hasSubordinates); live sources are assumed to. */
  get hasEntries(): boolean {
    return this.#replica ? this.#replica.index.size > 0 : true;
  }
}

function msSince(started: number): number {
  return Math.round(performance.now() - started);
}
