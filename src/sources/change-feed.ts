/**
 * What a source gives the replica engine: a full listing, and where its backend can say what
 * changed, a change feed from a cursor (AD's USN, Graph's delta link, Google's sync token, EWS's sync
 * state). The engine does the rest: loads, applies changes, reconciles, guards against mass
 * deletion, keeps a snapshot. A source without a feed is listed in full each time, and the listing
 * is applied as a diff.
 */
import type { SourceRecord } from './source.js';

export type FeedItem =
  | { readonly kind: 'upsert'; readonly record: SourceRecord }
  | { readonly kind: 'delete'; readonly id: string }
  /** Where the next round starts; the last item of a round. */
  | { readonly kind: 'cursor'; readonly cursor: string };

export interface ChangeFeed {
  /** Every record the source presents, then (where the backend has one) the cursor to follow from. */
  full(signal: AbortSignal): AsyncIterable<FeedItem>;
  /**
   * What changed since `cursor`: upserts, deletions, then the new cursor. Throws CursorExpired when
   * the backend no longer knows the cursor (the engine then lists everything again).
   */
  changes?(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem>;
  /**
   * Every record id, for a backend whose feed cannot report deletions: ids the copy holds and this
   * listing does not are deleted. Absent: reconciliation lists everything (`full`).
   */
  ids?(signal: AbortSignal): AsyncIterable<string>;
  /** Whether `changes` reports deletions; when it does not, the engine reconciles periodically. */
  readonly reportsDeletions?: boolean;
  /**
   * How often (ms) the feed is reconciled: one that cannot report deletions every this long (the
   * engine's default if absent), one that can only if it sets this (a safety net).
   */
  readonly reconcileEveryMs?: number;
}

/**
 * The feed cannot say what changed since the cursor (an expired delta or sync token, another
 * domain controller, a group the filter names changed): the engine lists everything and applies
 * the difference. The message says why, for the log.
 */
export class CursorExpired extends Error {
  override name = 'CursorExpired';
}
