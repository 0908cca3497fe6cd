/**
 * A mount answered from a local copy of its source, kept by the replica engine (src/replica/):
 * loaded before the directory serves (or restored from its snapshot, served as stale until the
 * source has answered), then brought up to date whenever the source says it changed. A round that
 * fails keeps the copy serving (stale); a round the deletion guard holds keeps it serving too, and
 * says why, until an operator accepts it.
 */
import { rm } from 'node:fs/promises';
import type { Filter } from '../filter/ast.js';
import { DeletionApproval } from '../replica/deletion-approval.js';
import { memoryReleased } from '../memory/release-memory.js';
import { replicaFiles, type ReplicaFiles } from '../replica/replica-files.js';
import { ReplicaEngine, type ReplicaLogger, type RoundOutcome } from '../replica/replica-engine.js';
import { SnapshotUnusable } from '../replica/snapshot-format.js';
import { SnapshotSchedule } from '../replica/snapshot-schedule.js';
import type { FieldMap } from '../mapping/field-map.js';
import type { CandidateBatch } from '../replica/candidate-batch.js';
import type { Entry } from '../schema/entry.js';
import type { Schema } from '../schema/schema.js';
import { SourceError, type Source } from '../sources/source.js';
import type { MountNotice } from './mount-notice.js';
import type { MountStrategy } from './mount-strategy.js';
import type { Presenter } from './presenter.js';
import { SourceHealth, type SourceStatus } from './source-status.js';

export type { ReplicaLogger } from '../replica/replica-engine.js';

export interface ReplicaMountOptions {
  readonly source: Source;
  /** What the presenter maps: a listing asks the source for the fields it reads only. */
  readonly map: FieldMap;
  readonly presenter: Presenter;
  readonly schema: Schema;
  readonly defaultCountry: string;
  /** Most deletions one round may apply (`10%`, or a count). */
  readonly maxDeletes?: number | string;
  /** Where the snapshot and the held-round files live (`directory.dataDir`); none: no snapshot. */
  readonly dataDir?: string;
  /** What entries are presented with (type and map): a snapshot written with another is not served. */
  readonly fingerprint?: string;
  readonly logger?: ReplicaLogger;
}

/** Name attributes phones search (DOMAIN.md "What phones send"): indexed before the copy serves. */
export const PHONEBOOK_NAME_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'o'];

export class ReplicaMount implements MountStrategy {
  readonly #engine: ReplicaEngine;
  readonly #health = new SourceHealth('replica');
  #following = false;
  /** A round asked for by a change that has not started yet: later changes are covered by it. */
  #waiting = false;
  readonly #files: ReplicaFiles | undefined;
  readonly #snapshots: SnapshotSchedule | undefined;
  readonly #approval: DeletionApproval | undefined;
  readonly #readers = new Set<(notice: MountNotice) => void>();

  constructor(private readonly options: ReplicaMountOptions) {
    const { presenter } = options;
    this.#engine = new ReplicaEngine({
      source: options.source,
      present: (record) => presenter.present(record),
      dnOf: (uuid) => presenter.dnOfUuid(uuid),
      schema: options.schema,
      defaultCountry: options.defaultCountry,
      prepare: PHONEBOOK_NAME_ATTRIBUTES,
      ...(options.maxDeletes === undefined ? {} : { maxDeletes: options.maxDeletes }),
      ...(options.logger ? { logger: options.logger } : {}),
      ...fieldsOf(options.map),
    });
    if (options.dataDir === undefined) return;
    this.#files = replicaFiles(options.dataDir, options.source.name);
    this.#snapshots = new SnapshotSchedule(
      this.#engine,
      this.#files.snapshot,
      options.fingerprint ?? '',
      options.logger,
    );
    this.#approval = new DeletionApproval(
      options.source.name,
      this.#files,
      () => {
        this.#engine.acceptDeletes();
        this.#followChange();
      },
      options.logger,
    );
  }

  get status(): SourceStatus {
    return this.#health.status;
  }

  get entryCount(): number | undefined {
    return this.#engine.loaded ? this.#engine.size : undefined;
  }

  get hasEntries(): boolean {
    return this.#engine.size > 0;
  }

  /**
   * The copy from the snapshot when there is a good one (served at once, stale, while the source is
   * asked what changed since), else the first load; then the source's changes followed.
   */
  async start(signal: AbortSignal, current = false): Promise<void> {
    const started = performance.now();
    if (await this.#restore()) {
      this.#follow();
      if (current) await this.refresh(signal);
      else this.#followChange();
      return;
    }
    await this.refresh(signal);
    this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica loaded');
    await this.#snapshots?.flush();
    // Serve once what the load and the snapshot left behind is collected, not while it is held.
    await memoryReleased();
    this.#follow();
  }

  /** Stops following, and writes the snapshot if the copy changed since the last one. */
  async close(): Promise<void> {
    this.#approval?.close();
    await this.#snapshots?.close();
  }

  holdSnapshot(): Promise<void> {
    return this.#snapshots?.hold() ?? Promise.resolve();
  }

  releaseSnapshot(): void {
    this.#snapshots?.release();
  }

  /**
   * Tells `reader` of the copy now (once loaded) and after every round, until the returned function
   * is called: how a listener thread follows this replica.
   */
  share(reader: (notice: MountNotice) => void): () => void {
    const fresh = this.#engine.notice(true);
    if (fresh) reader({ replica: fresh, status: this.status });
    this.#readers.add(reader);
    return () => this.#readers.delete(reader);
  }

  /** Tells the readers in other threads what the last round or load did. */
  #notify(): void {
    if (this.#readers.size === 0) return;
    const replica = this.#engine.notice();
    if (!replica) return;
    const notice = { replica, status: this.status };
    for (const reader of this.#readers) reader(notice);
  }

  candidates(filter: Filter): Iterable<CandidateBatch> {
    return this.#engine.candidates(filter);
  }

  get(uuid: string): Promise<Entry | undefined> {
    return Promise.resolve(this.#engine.get(uuid));
  }

  recordIdOf(uuid: string): string | undefined {
    return this.#engine.recordIdOf(uuid);
  }

  /** One round now; a failure leaves the copy serving (stale) and is thrown. */
  async refresh(signal: AbortSignal, onStart?: () => void): Promise<void> {
    await this.#round(signal, onStart);
  }

  /** One round, and what it applied (undefined when it was held back). */
  async #round(signal: AbortSignal, onStart?: () => void): Promise<RoundOutcome | undefined> {
    let outcome: RoundOutcome | undefined;
    const started = performance.now();
    try {
      outcome = await this.#engine.sync(signal, onStart);
    } catch (error) {
      this.#health.failed(error, this.#engine.loaded);
      throw error;
    } finally {
      this.#health.timed(performance.now() - started);
      this.#notify();
    }
    if (outcome?.held) {
      const message = this.#engine.describeHeld(outcome.held);
      this.#health.held(outcome.held, message);
      await this.#approval?.held(outcome.held, message);
      return undefined;
    }
    this.#health.succeeded();
    await this.#approval?.clear();
    if (outcome && outcome.applied.upserts + outcome.applied.deletions > 0) this.#snapshots?.changed();
    return outcome;
  }

  /** Lets a round the guard holds through on the next round (`dirbridge sync --accept-deletes`). */
  acceptDeletes(): boolean {
    return this.#engine.acceptDeletes() !== undefined;
  }

  #follow(): void {
    if (this.#following) return;
    this.#following = true;
    this.options.source.onChange?.(() => this.#followChange());
  }

  /** Serves the snapshot, when there is one this mount may serve; a bad one is removed and logged. */
  async #restore(): Promise<boolean> {
    const file = this.#files?.snapshot;
    if (file === undefined) return false;
    const started = performance.now();
    try {
      const header = await this.#engine.restore(file, this.options.fingerprint ?? '');
      this.#health.restored(new Date(header.written));
      this.#notify();
      this.options.logger?.info(
        { entries: header.entries, written: header.written, ms: msSince(started) },
        'replica restored from its snapshot; served as stale until the source answers',
      );
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      const reason = error instanceof Error ? error.message : String(error);
      this.options.logger?.warn(
        { file },
        `replica snapshot discarded (${reason}); loading everything from the source`,
      );
      if (error instanceof SnapshotUnusable) await rm(file, { force: true }).catch(() => undefined);
      return false;
    }
  }

  /** One round at a time; changes that come during one are covered by a single round after it. */
  #followChange(): void {
    if (this.#waiting) return;
    this.#waiting = true;
    void this.#afterChange();
  }

  /** A round after the source said it changed; there is no caller to throw to, so it is logged. */
  async #afterChange(): Promise<void> {
    const started = performance.now();
    try {
      const wasStale = this.#health.status.staleSince !== undefined;
      const outcome = await this.#round(new AbortController().signal, () => (this.#waiting = false));
      const { held } = this.#health.status;
      if (held) this.options.logger?.warn({ ...held }, this.#engine.describeHeld(held));
      // A round that found nothing (most polls) is not worth a line, unless it ends a stale spell.
      else if (outcome && (wasStale || outcome.applied.upserts + outcome.applied.deletions > 0))
        this.options.logger?.info(
          { ...outcome.applied, entries: this.entryCount, ms: msSince(started) },
          'replica updated',
        );
    } catch (error) {
      const { staleSince } = this.#health.status;
      // A backend's refusal is one plain sentence for the operator; only a fault of ours needs its stack.
      const cause = error instanceof SourceError ? { reason: error.detail } : { err: error };
      this.options.logger?.error(
        { ...cause, staleSince: staleSince?.toISOString() },
        `replica not reloaded; the copy loaded ${this.#health.status.lastLoad?.toISOString() ?? 'never'} is still served (stale since ${staleSince?.toISOString() ?? 'now'})`,
      );
    }
  }
}

/** The fields the map reads, as the engine's option; none under the identity map (every field). */
function fieldsOf(map: FieldMap): { fields?: readonly string[] } {
  const fields = map.nativeFields();
  return fields ? { fields } : {};
}

function msSince(started: number): number {
  return Math.round(performance.now() - started);
}
