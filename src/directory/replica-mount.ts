/**
 * A mount answered from a local copy of its source, kept by the replica engine (src/replica/):
 * loaded before the directory serves, then brought up to date whenever the source says it changed.
 * A round that fails keeps the copy serving (stale); a round the deletion guard holds keeps it
 * serving too, and says why.
 */
import type { Filter } from '../filter/ast.js';
import { ReplicaEngine, type ReplicaLogger, type RoundOutcome } from '../replica/replica-engine.js';
import type { Entry } from '../schema/entry.js';
import type { Schema } from '../schema/schema.js';
import type { Source } from '../sources/source.js';
import type { MountStrategy } from './mount-strategy.js';
import type { Presenter } from './presenter.js';
import { SourceHealth, type SourceStatus } from './source-status.js';

export type { ReplicaLogger } from '../replica/replica-engine.js';

export interface ReplicaMountOptions {
  readonly source: Source;
  readonly presenter: Presenter;
  readonly schema: Schema;
  readonly defaultCountry: string;
  /** Most deletions one round may apply (`10%`, or a count). */
  readonly maxDeletes?: number | string;
  readonly logger?: ReplicaLogger;
}

/** Name attributes phones search (DOMAIN.md "What phones send"): indexed before the copy serves. */
const PHONEBOOK_NAME_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'o'];

export class ReplicaMount implements MountStrategy {
  readonly #engine: ReplicaEngine;
  readonly #health = new SourceHealth('replica');
  #following = false;
  /** A round asked for by a change that has not started yet: later changes are covered by it. */
  #waiting = false;

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
    });
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

  /** The first load, then the source's changes followed. */
  async start(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    await this.refresh(signal);
    this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica loaded');
    if (this.#following) return;
    this.#following = true;
    this.options.source.onChange?.(() => this.#followChange());
  }

  candidates(filter: Filter): Iterable<readonly Entry[]> {
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
    let outcome: RoundOutcome | undefined;
    try {
      outcome = await this.#engine.sync(signal, onStart);
    } catch (error) {
      this.#health.failed(error, this.#engine.loaded);
      throw error;
    }
    if (outcome?.held) this.#health.held(outcome.held);
    else this.#health.succeeded();
  }

  /** Lets a round the guard holds through on the next round (`dirbridge sync --accept-deletes`). */
  acceptDeletes(): boolean {
    return this.#engine.acceptDeletes() !== undefined;
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
      await this.refresh(new AbortController().signal, () => (this.#waiting = false));
      const { held } = this.#health.status;
      if (held) this.options.logger?.warn({ ...held }, this.#engine.describeHeld(held));
      else this.options.logger?.info({ entries: this.entryCount, ms: msSince(started) }, 'replica reloaded');
    } catch (error) {
      const { staleSince } = this.#health.status;
      this.options.logger?.error(
        { err: error, staleSince: staleSince?.toISOString() },
        `replica not reloaded; the copy loaded ${this.#health.status.lastLoad?.toISOString() ?? 'never'} is still served (stale since ${staleSince?.toISOString() ?? 'now'})`,
      );
    }
  }
}

function msSince(started: number): number {
  return Math.round(performance.now() - started);
}
