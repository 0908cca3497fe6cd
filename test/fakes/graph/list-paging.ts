/**
 * Server-driven paging of plain listings. The directory (`/users`, `/contacts`) pages with an
 * opaque `$skiptoken`; its `@odata.nextLink` repeats the request's own query options ($select,
 * $filter, $search, $count, $top), so a follow-up still needs `ConsistencyLevel: eventual` where
 * the first request did. Exchange (`/contacts` of a mailbox, `/contactFolders`) pages with `$skip`.
 * Links are absolute URLs on the fake, which is what lets the Graph client follow them.
 */
import { badDirectoryRequest } from './graph-errors.js';
import type { TokenSealer } from './signed-tokens.js';

/** A query value as it goes back into a link: percent-encoded, commas kept readable. */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%24/g, '$');
}

/** The same request URL with `replace` set (and `drop` removed), keeping the other options in order. */
export function linkWith(
  url: string,
  query: URLSearchParams,
  replace: Readonly<Record<string, string>>,
  drop: readonly string[] = [],
): string {
  const parts: string[] = [];
  for (const [name, value] of query) {
    if (name in replace || drop.includes(name)) continue;
    parts.push(`${name}=${encodeValue(value)}`);
  }
  for (const [name, value] of Object.entries(replace)) parts.push(`${name}=${encodeValue(value)}`);
  return `${url}?${parts.join('&')}`;
}

interface ListCursor {
  /** Which listing the token belongs to. */
  readonly r: string;
  /** The sequence number of the last object returned. */
  readonly c: number;
}

export function listToken(sealer: TokenSealer, resource: string, cursor: number): string {
  return sealer.seal('list', { r: resource, c: cursor } satisfies ListCursor);
}

/** The cursor a `$skiptoken` carries (-1 without one), or Graph's 400 for one it did not issue. */
export function listCursor(sealer: TokenSealer, resource: string, token: string | null): number {
  if (token === null) return -1;
  const cursor = sealer.open('list', token) as ListCursor | undefined;
  if (cursor?.r !== resource || typeof cursor.c !== 'number') {
    throw badDirectoryRequest(
      'The specified page token value has expired and can no longer be included in your request.',
    );
  }
  return cursor.c;
}
