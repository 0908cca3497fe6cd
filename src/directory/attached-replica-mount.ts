/**
 * A replica mount in a listener thread: it reads the copy the engine keeps in the main thread
 * (AttachedReplica), as told by the main thread's notices (MountNotice), and loads, follows and
 * snapshots nothing itself. Its health is the main thread's mount's, as last told.
 */
import type { Filter } from '../filter/ast.js';
import { AttachedReplica } from '../replica/attached-replica.js';
import type { CandidateBatch } from '../replica/candidate-batch.js';
import type { Entry } from '../schema/entry.js';
import type { Schema } from '../schema/schema.js';
import type { MountNotice } from './mount-notice.js';
import type { MountStrategy } from './mount-strategy.js';
import type { Presenter } from './presenter.js';
import { PHONEBOOK_NAME_ATTRIBUTES } from './replica-mount.js';
import type { SourceStatus } from './source-status.js';

export interface AttachedReplicaMountOptions {
  readonly presenter: Presenter;
  readonly schema: Schema;
  readonly defaultCountry: string;
}

export class AttachedReplicaMount implements MountStrategy {
  #replica: AttachedReplica | undefined;
  #status: SourceStatus = { state: 'loading' };
  /** Resolves once the first fresh notice has given this mount its copy. */
  readonly #known: Promise<void>;
  #isKnown!: () => void;

  constructor(private readonly options: AttachedReplicaMountOptions) {
    this.#known = new Promise((resolve) => (this.#isKnown = resolve));
  }

  /** Takes in what the main thread's mount says (the first notice it sends is a fresh one). */
  apply(notice: MountNotice): void {
    this.#status = notice.status;
    if (this.#replica) this.#replica.apply(notice.replica);
    else if (notice.replica.fresh) {
      const { presenter, schema, defaultCountry } = this.options;
      this.#replica = new AttachedReplica(
        {
          schema,
          defaultCountry,
          dnOf: (uuid) => presenter.dnOfUuid(uuid),
          prepare: PHONEBOOK_NAME_ATTRIBUTES,
        },
        notice.replica,
      );
      this.#isKnown();
    }
  }

  get status(): SourceStatus {
    return this.#status;
  }

  get entryCount(): number | undefined {
    return this.#replica?.size;
  }

  get hasEntries(): boolean {
    return (this.#replica?.size ?? 0) > 0;
  }

  /** The main thread loads the copy; this mount serves once it has been told of it. */
  start(): Promise<void> {
    return this.#known;
  }

  holdSnapshot(): Promise<void> {
    return Promise.resolve();
  }

  releaseSnapshot(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The main thread's engine follows the source; this copy changes when it says so. */
  refresh(): Promise<void> {
    return Promise.resolve();
  }

  candidates(filter: Filter): Iterable<CandidateBatch> {
    return this.#replica?.reader.candidates(filter) ?? [];
  }

  get(uuid: string): Promise<Entry | undefined> {
    return Promise.resolve(this.#replica?.reader.get(uuid));
  }

  recordIdOf(uuid: string): string | undefined {
    return this.#replica?.reader.recordIdOf(uuid);
  }
}
