/**
 * Paging and syncing over a PeopleCollection, shared by connections.list, otherContacts.list and
 * listDirectoryPeople: a full listing (optionally ending in `nextSyncToken`), or the changes since
 * a sync token (deletions included), either one in pages.
 */
import { expiredSyncToken, invalidArgument } from './api-errors.js';
import type { FakeClock } from './fake-clock.js';
import type { FakeResponse } from './http-exchange.js';
import { decodePageToken, decodeSyncToken, encodeToken, type PageTokenState } from './list-tokens.js';
import type { PeopleCollection, PersonFilter } from './people-collection.js';
import type { PersonRecord } from './person-record.js';

export interface SyncTokenPolicy {
  readonly clock: FakeClock;
  /** Google: 7 days after the full sync. */
  readonly ttlMs: number;
  /** Tokens issued before this instant are expired (tests expire them on demand). */
  readonly validFrom: number;
}

export interface ListQuery {
  readonly collection: PeopleCollection;
  /** Which list: tokens from another user's or another method's list are refused. */
  readonly scope: string;
  /** Every parameter other than pageToken/syncToken, normalised. */
  readonly params: string;
  readonly filter: PersonFilter;
  readonly pageSize: number;
  readonly pageToken: string | null;
  readonly syncToken: string | null;
  readonly requestSyncToken: boolean;
  readonly syncTokens: SyncTokenPolicy;
}

export interface ListedPerson {
  readonly record: PersonRecord;
  readonly deleted: boolean;
}

export type ListOutcome =
  | {
      readonly ok: true;
      readonly people: readonly ListedPerson[];
      readonly nextPageToken?: string;
      readonly nextSyncToken?: string;
    }
  | { readonly ok: false; readonly error: FakeResponse };

type Start = { ok: true; position: PageTokenState } | { ok: false; error: FakeResponse };

export function listPeople(query: ListQuery): ListOutcome {
  const start = startingPosition(query);
  if (!start.ok) return start;
  return start.position.mode === 'full'
    ? fullPage(query, start.position)
    : changesPage(query, start.position);
}

/** The page token and sync token both count among the "other parameters" of a page. */
function pageParams(query: ListQuery): string {
  return `${query.params}|syncToken=${query.syncToken ?? ''}`;
}

function startingPosition(query: ListQuery): Start {
  const base = {
    kind: 'page',
    scope: query.scope,
    params: pageParams(query),
    afterName: undefined,
    afterSeq: 0,
  } as const;
  if (query.pageToken !== null) {
    const state = decodePageToken(query.pageToken);
    if (state?.scope !== query.scope || state.params !== base.params)
      return { ok: false, error: invalidArgument() };
    return { ok: true, position: state };
  }
  if (query.syncToken === null) {
    const watermark = query.collection.watermark();
    return { ok: true, position: { ...base, mode: 'full', from: watermark, upTo: watermark } };
  }
  const sync = decodeSyncToken(query.syncToken);
  if (sync?.scope !== query.scope || sync.params !== query.params)
    return { ok: false, error: invalidArgument() };
  if (syncTokenExpired(sync.issuedAt, query.syncTokens)) return { ok: false, error: expiredSyncToken() };
  return {
    ok: true,
    position: { ...base, mode: 'sync', from: sync.watermark, upTo: query.collection.watermark() },
  };
}

function syncTokenExpired(issuedAt: number, policy: SyncTokenPolicy): boolean {
  return issuedAt < policy.validFrom || policy.clock.now() - issuedAt > policy.ttlMs;
}

function fullPage(query: ListQuery, position: PageTokenState): ListOutcome {
  const page = query.collection.livePage(position.afterName, query.pageSize, query.filter);
  const people = page.records.map((record) => ({ record, deleted: false }));
  if (page.more) {
    const afterName = page.records.at(-1)?.resourceName;
    return { ok: true, people, nextPageToken: encodeToken({ ...position, afterName }) };
  }
  // Changes made while the pages were read lie after `from`: the next sync reports them.
  return finalPage(query, people, position.from);
}

function changesPage(query: ListQuery, position: PageTokenState): ListOutcome {
  const range = { from: position.from, upTo: position.upTo, after: position.afterSeq };
  const page = query.collection.changesPage(range, query.pageSize, query.filter);
  const people = page.items.map(({ record, deleted }) => ({ record, deleted }));
  if (page.more) {
    const afterSeq = page.items.at(-1)?.seq ?? position.afterSeq;
    return { ok: true, people, nextPageToken: encodeToken({ ...position, afterSeq }) };
  }
  return finalPage(query, people, position.upTo);
}

function finalPage(query: ListQuery, people: readonly ListedPerson[], watermark: number): ListOutcome {
  if (!query.requestSyncToken) return { ok: true, people };
  const nextSyncToken = encodeToken({
    kind: 'sync',
    scope: query.scope,
    params: query.params,
    watermark,
    issuedAt: query.syncTokens.clock.now(),
  });
  return { ok: true, people, nextSyncToken };
}
