/**
 * A mount answered from a local copy of its source: loaded before the directory serves, indexed,
 * and reloaded whole when the source says it changed. A reload that fails keeps the copy being
 * served (stale); searches in flight finish on the copy they started on.
 */
import type { Filter } from '../filter/ast.js';
import { LocalIndex } from '../cache/local-index.js';
import type { FieldMap } from '../mapping/field-map.js';
import { SourceError, type Source } from '../sources/source.js';
import type { Entry } from '../schema/entry.js';
import type { MountStrategy } from './mount-strategy.js';
import type { Presenter } from './presenter.js';
import type { Schema } from '../schema/schema.js';
import { SourceHealth, type SourceStatus } from './source-status.js';

export interface ReplicaLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ReplicaMountOptions {
  readonly source: Source;
  /** What the presenter maps: only the fields it reads are loaded. */
  readonly map: FieldMap;
  readonly presenter: Presenter;
  readonly schema: Schema;
  readonly defaultCountry: string;
  readonly logger?: ReplicaLogger;
}

/** Name attributes phones search (DOMAIN.md "What phones send"). */
const PHONEBOOK_NAME_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'o'];

interface Copy {
  readonly index: LocalIndex;
  readonly byUuid: ReadonlyMap<string, Entry>;
  /** Entry UUID -> record id, kept only for sources users sign on through (binds by presented DN). */
  readonly recordIds?: ReadonlyMap<string, string>;
  readonly loadedAt: Date;
}

export class ReplicaMount implements MountStrategy {
  #copy: Copy | undefined;
  readonly #health = new SourceHealth('replica');
  #reloads: Promise<void> = Promise.resolve();
  #reloadWaiting = false;

  constructor(private readonly options: ReplicaMountOptions) {}

  get status(): SourceStatus {
    return this.#health.status;
  }

  get entryCount(): number | undefined {
    return this.#copy?.index.size;
  }

  get hasEntries(): boolean {
    return (this.#copy?.index.size ?? 0) > 0;
  }

  /** The first load, then the source's changes followed. */
  async start(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    await this.refresh(signal);
    this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica loaded');
    this.options.source.onChange?.(() => this.#followChange());
  }

  /** One batch: the index's candidates, or every entry when the index cannot narrow. */
  candidates(filter: Filter): Iterable<readonly Entry[]> {
    const copy = this.#copy;
    return copy ? [copy.index.candidates(filter) ?? copy.index.all()] : [];
  }

  get(uuid: string): Promise<Entry | undefined> {
    return Promise.resolve(this.#copy?.byUuid.get(uuid));
  }

  recordIdOf(uuid: string): string | undefined {
    return this.#copy?.recordIds?.get(uuid);
  }

  /** Loads a fresh copy and swaps it in whole. */
  async refresh(signal: AbortSignal): Promise<void> {
    try {
      this.#copy = await this.#load(signal);
    } catch (error) {
      this.#health.failed(error, this.#copy !== undefined);
      throw error;
    }
    this.#health.succeeded(this.#copy.loadedAt);
  }

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
      await this.refresh(new AbortController().signal);
      this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica reloaded');
    } catch (error) {
      const { staleSince } = this.#health.status;
      this.options.logger?.error(
        { err: error, staleSince: staleSince?.toISOString() },
        `replica not reloaded; the copy loaded ${this.#copy?.loadedAt.toISOString() ?? 'never'} is still served (stale since ${staleSince?.toISOString() ?? 'now'})`,
      );
    }
  }

  async #load(signal: AbortSignal): Promise<Copy> {
    const { source, presenter, schema, defaultCountry } = this.options;
    const entries: Entry[] = [];
    const byUuid = new Map<string, Entry>();
    const recordIds = source.capabilities.signOn ? new Map<string, string>() : undefined;
    const fields = this.options.map.nativeFields();
    for await (const record of source.search(fields ? { fields } : {}, signal)) {
      const entry = presenter.present(record);
      const uuid = entry.attributes.get('entryuuid')!.values[0]!;
      if (byUuid.has(uuid)) throw new SourceError(source.name, `two records share the id ${record.id}`);
      byUuid.set(uuid, entry);
      recordIds?.set(uuid, record.id);
      entries.push(entry);
    }
    return {
      // Name keys are built on first use; build the ones phones search now, or after a reload
      // those the previous copy had, so the first keystroke after a (re)load is not the slow one.
      index: LocalIndex.build(entries, schema, {
        defaultCountry,
        prepare: PHONEBOOK_NAME_ATTRIBUTES,
        ...(this.#copy ? { warmFrom: this.#copy.index } : {}),
      }),
      byUuid,
      ...(recordIds ? { recordIds } : {}),
      loadedAt: new Date(),
    };
  }
}

function msSince(started: number): number {
  return Math.round(performance.now() - started);
}
