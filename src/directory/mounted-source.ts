/**
 * A source as the directory sees it: mounted at `ou=<name>`, its records presented through the field
 * map, and searched either from a local index (replica) or by pushing the filter down (live). Either
 * way the evaluator decides what matches, so both modes answer the same.
 */
import { LRUCache } from 'lru-cache';
import type { Filter } from '../filter/ast.js';
import type { Source, SourceMode } from '../sources/source.js';
import { SourceError } from '../sources/source.js';
import type { FieldMap } from '../mapping/field-map.js';
import { toNativeFilter } from '../mapping/native-filter.js';
import { LocalIndex } from '../cache/local-index.js';
import type { Entry } from './entry.js';
import type { FilterEvaluator } from './evaluator.js';
import type { Presenter } from './presenter.js';
import type { Schema } from './schema.js';

export interface MountedSourceOptions {
  readonly source: Source;
  readonly mode: SourceMode;
  readonly map: FieldMap;
  readonly presenter: Presenter;
  readonly evaluator: FilterEvaluator;
  readonly schema: Schema;
  readonly defaultCountry: string;
  /** What the mount entry says about the source. */
  readonly description: string;
}

/** How many entry UUIDs a live source remembers, so phones can re-read the hits they just got. */
const LIVE_UUID_MEMORY = 10_000;

/** Candidates examined between two turns of the event loop during a long replica scan. */
const YIELD_EVERY = 4096;

interface Replica {
  readonly index: LocalIndex;
  readonly byUuid: ReadonlyMap<string, Entry>;
  readonly loadedAt: Date;
}

export class MountedSource {
  readonly name: string;
  readonly mode: SourceMode;
  #replica: Replica | undefined;
  readonly #liveIds = new LRUCache<string, string>({ max: LIVE_UUID_MEMORY });

  constructor(private readonly options: MountedSourceOptions) {
    this.name = options.source.name;
    this.mode = options.mode;
  }

  get description(): string {
    return this.options.description;
  }

  get source(): Source {
    return this.options.source;
  }

  /** Replicas load before the directory serves; live sources have nothing to prepare. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.mode === 'replica') await this.reload(signal);
  }

  /** Loads a fresh copy and swaps it in whole: searches in flight finish on the copy they started on. */
  async reload(signal: AbortSignal): Promise<void> {
    const entries: Entry[] = [];
    const byUuid = new Map<string, Entry>();
    for await (const record of this.options.source.search({}, signal)) {
      const entry = this.options.presenter.present(record);
      const uuid = entry.attributes.get('entryuuid')!.values[0]!;
      if (byUuid.has(uuid)) throw new SourceError(this.name, `two records share the id ${record.id}`);
      byUuid.set(uuid, entry);
      entries.push(entry);
    }
    const { schema, defaultCountry } = this.options;
    this.#replica = {
      index: LocalIndex.build(entries, schema, { defaultCountry }),
      byUuid,
      loadedAt: new Date(),
    };
  }

  get entryCount(): number | undefined {
    return this.#replica?.index.size;
  }

  /** The entries matching a presented filter, in the source's order. */
  search(filter: Filter, signal: AbortSignal): AsyncIterable<Entry> {
    return this.#replica
      ? this.#searchReplica(this.#replica, filter, signal)
      : this.#searchLive(filter, signal);
  }

  async *#searchReplica(replica: Replica, filter: Filter, signal: AbortSignal): AsyncIterable<Entry> {
    const { evaluator } = this.options;
    const candidates = replica.index.candidates(filter) ?? replica.index.all();
    for (let i = 0; i < candidates.length; i++) {
      // A filter the index cannot narrow walks every entry: let other connections in now and then.
      if (i % YIELD_EVERY === YIELD_EVERY - 1) {
        await new Promise(setImmediate);
        if (signal.aborted) return;
      }
      const entry = candidates[i]!;
      if (evaluator.matches(filter, entry)) yield entry;
    }
  }

  async *#searchLive(filter: Filter, signal: AbortSignal): AsyncIterable<Entry> {
    const { source, map, presenter, evaluator } = this.options;
    const nativeFilter = source.capabilities.filterPushdown ? toNativeFilter(filter, map) : undefined;
    for await (const record of source.search(nativeFilter ? { filter: nativeFilter } : {}, signal)) {
      const entry = presenter.present(record);
      this.#liveIds.set(entry.attributes.get('entryuuid')!.values[0]!, record.id);
      if (evaluator.matches(filter, entry)) yield entry;
    }
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
