/**
 * A mount that asks its source on every search: the presented filter is translated through the
 * inverse map and pushed down where the source can evaluate it (a superset comes back; conditions
 * on the fields that fill only identifiers may go down as written), and the
 * answers are kept briefly in a result cache. The entry UUIDs it has handed out are remembered, so
 * phones can read back the hits they just got.
 */
import { LRUCache } from 'lru-cache';
import type { Filter } from '../filter/ast.js';
import { ResultCache, type ResultCacheSettings } from '../cache/result-cache.js';
import type { FieldMap } from '../mapping/field-map.js';
import { toNativeFilter } from '../mapping/native-filter.js';
import type { Source, SourceRecord } from '../sources/source.js';
import type { Entry } from '../schema/entry.js';
import type { MountStrategy } from './mount-strategy.js';
import type { Presenter } from './presenter.js';
import { SourceHealth, type SourceStatus } from './source-status.js';

export interface LiveMountOptions {
  readonly source: Source;
  readonly map: FieldMap;
  readonly presenter: Presenter;
  /** The result cache (DEFAULT_RESULT_CACHE when absent). */
  readonly resultCache?: ResultCacheSettings;
}

/** How many entry UUIDs a live source remembers, so phones can re-read the hits they just got. */
const LIVE_UUID_MEMORY = 10_000;

/** Attribute sets whose fields a mount remembers (emptied when full), and the longest key kept. */
const FIELD_SETS = 256;
const FIELD_SET_KEY_LENGTH = 512;

export class LiveMount implements MountStrategy {
  readonly entryCount = undefined;
  readonly hasEntries = true;
  readonly #ids = new LRUCache<string, string>({ max: LIVE_UUID_MEMORY });
  readonly #results: ResultCache;
  readonly #health = new SourceHealth('live');
  /** The fields asked for each set of attributes read, by the set's names joined: the same array each time. */
  readonly #fieldSets = new Map<string, readonly string[] | undefined>();

  constructor(private readonly options: LiveMountOptions) {
    this.#results = new ResultCache(options.resultCache);
  }

  get status(): SourceStatus {
    const results = this.#results;
    const status = this.#health.status;
    return results.enabled ? { ...status, cache: { hits: results.hits, misses: results.misses } } : status;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  /** A live mount keeps no snapshot. */
  holdSnapshot(): Promise<void> {
    return Promise.resolve();
  }

  releaseSnapshot(): void {
    // nothing written, nothing to write again
  }

  /**
   * The presented entries of the records the source finds. The records come straight from the
   * source when the result cache is off: every generator a record passes through costs each record
   * of a live search its turn, so health is tracked here rather than by one more around them.
   */
  async *candidates(
    filter: Filter,
    signal: AbortSignal,
    reads?: ReadonlySet<string>,
  ): AsyncIterable<readonly Entry[]> {
    const { source, map, presenter } = this.options;
    const nativeFilter = source.capabilities.filterPushdown ? toNativeFilter(filter, map) : undefined;
    const health = this.#health;
    try {
      for await (const record of this.#records(nativeFilter, this.#fields(reads), signal)) {
        const entry = presenter.present(record);
        const uuid = uuidOf(entry);
        // A UUID that is the record id itself (the source's own UUIDs) is found without being kept.
        if (uuid !== record.id || this.#ids.has(uuid)) this.#ids.set(uuid, record.id);
        yield [entry];
      }
    } catch (error) {
      health.searchFailed(error, signal);
      throw error;
    }
    health.searched();
  }

  async get(uuid: string, signal: AbortSignal): Promise<Entry | undefined> {
    const record = await this.options.source.get(this.#ids.get(uuid) ?? uuid, signal);
    const entry = record && this.options.presenter.present(record);
    return entry && uuidOf(entry) === uuid ? entry : undefined;
  }

  /** A UUID the mount never handed out is taken for the record id itself (the source's own UUIDs). */
  close(): Promise<void> {
    return Promise.resolve();
  }

  recordIdOf(uuid: string): string {
    return this.#ids.get(uuid) ?? uuid;
  }

  /**
   * The fields to ask the source for: those behind the attributes the search reads, or every field
   * the map reads (an AD entry's photo and certificates are never presented) when it may read any.
   * The same array for the same attributes, so the source can keep what it builds from it.
   */
  #fields(reads: ReadonlySet<string> | undefined): readonly string[] | undefined {
    const { map } = this.options;
    const all = map.nativeFields();
    if (reads === undefined || all === undefined) return all;
    const key = [...reads].join(' ');
    if (key.length > FIELD_SET_KEY_LENGTH) return map.fieldsFilling(reads);
    let fields = this.#fieldSets.get(key);
    if (fields === undefined) {
      if (this.#fieldSets.size >= FIELD_SETS) this.#fieldSets.clear();
      fields = map.fieldsFilling(reads);
      this.#fieldSets.set(key, fields);
    }
    return fields;
  }

  /**
   * The source's records for a native filter and the fields asked for, from the result cache when
   * it has them: it keeps each set of fields' answers apart, as a record with fewer fields presents
   * fewer attributes.
   */
  #records(
    nativeFilter: Filter | undefined,
    fields: readonly string[] | undefined,
    signal: AbortSignal,
  ): AsyncIterable<SourceRecord> | Iterable<SourceRecord> {
    const { map, source } = this.options;
    // Written out rather than spread from parts: it is built for every live search.
    const query: { filter?: Filter; exactFields?: readonly string[]; fields?: readonly string[] } = {};
    if (nativeFilter) {
      query.filter = nativeFilter;
      query.exactFields = map.identifierFields();
    }
    if (fields) query.fields = fields;
    if (!this.#results.enabled) return source.search(query, signal);
    const key = JSON.stringify([nativeFilter ?? null, fields ?? null]);
    return this.#results.get(key) ?? this.#results.through(key, source.search(query, signal));
  }
}

function uuidOf(entry: Entry): string {
  return entry.attributes.get('entryuuid')!.values[0]!;
}
