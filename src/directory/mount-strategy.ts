/**
 * How a mount finds its entries, chosen once from its mode, as authentik's LDAP outpost chooses a
 * memory or a direct searcher: a replica answers from its local copy, a live mount asks the source
 * every time. Either way it offers candidates only, a superset of what matches; the directory's
 * predicate decides, so both modes answer the same.
 */
import type { Filter } from '../filter/ast.js';
import type { CandidateBatch } from '../replica/candidate-batch.js';
import type { Entry } from '../schema/entry.js';
import type { MountNotice } from './mount-notice.js';
import type { SourceStatus } from './source-status.js';

export interface MountStrategy {
  /** State, last load and last error, for cn=Monitor. */
  readonly status: SourceStatus;
  /** Entries held (a replica), or undefined when unknown (a live mount). */
  readonly entryCount: number | undefined;
  /** Whether the mount has entries below it (hasSubordinates); a live mount assumes it does. */
  readonly hasEntries: boolean;
  /**
   * Whatever must happen before the mount serves: a replica's first load. With `current`, a replica
   * restored from its snapshot also waits for its first round (a reload swaps it in only then).
   */
  start(signal: AbortSignal, current?: boolean): Promise<void>;
  /** A reload builds another mount of the same source: stop writing the snapshot file until released. */
  holdSnapshot(): Promise<void>;
  /** That other mount was not swapped in: this one writes its snapshot again. */
  releaseSnapshot(): void;
  /** Stops following the source; a replica writes its snapshot if its copy changed since the last. */
  close(): Promise<void>;
  /** Brings a replica's copy up to date now (a failure leaves it stale); a live mount has nothing to do. */
  refresh(signal: AbortSignal): Promise<void>;
  /**
   * Entries that may match a filter (withheld attributes already masked), in the source's order, in
   * batches: the caller tests each entry without an await between them, unless the batch says its
   * entries are known to match (CandidateBatch.matched). `reads`: the presented attributes the
   * caller reads from each entry (attributes-read.ts), which are all an entry need hold; any when absent.
   */
  candidates(
    filter: Filter,
    signal: AbortSignal,
    reads?: ReadonlySet<string>,
  ): AsyncIterable<CandidateBatch> | Iterable<CandidateBatch>;
  /** The entry with this UUID, or undefined. */
  get(uuid: string, signal: AbortSignal): Promise<Entry | undefined>;
  /** The source's record id behind an entry UUID, as far as the mount can tell without asking. */
  recordIdOf(uuid: string): string | undefined;
  /**
   * A replica kept in this thread: tells `reader` of its copy now and after every round, until the
   * returned function is called (how listener threads follow it). Absent where there is no copy.
   */
  share?(reader: (notice: MountNotice) => void): () => void;
}
