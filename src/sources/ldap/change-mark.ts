/**
 * How an LDAP-family source tells what changed since a cursor: AD by the domain controller's USNs
 * (sources/ad/usn-mark.ts), other directories by `modifyTimestamp` (modify-timestamp-mark.ts). The
 * polled change feed (polled-change-feed.ts) does the searching; a mark says what to search for and
 * where the next round starts.
 */
import type { Entry } from 'ldapts';
import type { Filter } from '../../filter/ast.js';
import type { CheckStep } from '../source.js';
import type { FeedSession } from './feed-backend.js';

export interface ChangeMark {
  /** Attributes the mark reads from every entry it sees (modifyTimestamp); none for AD. */
  readonly attributes: readonly string[];
  /**
   * Whether reconciliation may list ids only (the mark never misses a change, only deletions);
   * otherwise it lists every record and applies the difference.
   */
  readonly idReconciliation: boolean;
  /**
   * A round begins, on the session's connection: a full listing (`cursor` undefined) or a poll from
   * `cursor`. Throws CursorExpired when the cursor cannot be followed (another domain controller).
   */
  begin(session: FeedSession, cursor: string | undefined, signal: AbortSignal): Promise<MarkRound>;
  /**
   * What `check` says about following changes: how they are told, and how deletions reach the copy.
   * May leave a search open: the caller releases the session as unhealthy.
   */
  describe(session: FeedSession, signal: AbortSignal, intervals: FeedIntervals): Promise<CheckStep>;
}

/** A replica's intervals, in seconds, as `check` names them. */
export interface FeedIntervals {
  readonly changeSeconds: number;
  readonly reconcileSeconds: number;
}

export interface MarkRound {
  /** For a poll: what selects the entries changed since the cursor; absent: nothing changed. */
  readonly changed?: Filter;
  /** Notes an entry the round read (its mark attributes). */
  see(entry: Entry): void;
  /** Ids the backend reports deleted since the cursor (AD's tombstones, where readable). */
  deletions?(signal: AbortSignal): AsyncIterable<string>;
  /** Where the next round starts; undefined: the next round lists everything again. */
  end(): string | undefined;
}
