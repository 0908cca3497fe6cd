/**
 * `GET /v1/people:searchDirectoryPeople`: prefix search over the domain directory, no warm-up,
 * pageSize 1..500, paged by an offset token tied to the query and parameters.
 */
import { authorize } from './api-caller.js';
import type { ApiContext } from './api-context.js';
import { invalidArgument, notDomainUser } from './api-errors.js';
import { maskKey, parseMask } from './field-mask.js';
import { jsonResponse, withoutEmpty, type FakeRequest, type FakeResponse } from './http-exchange.js';
import { DIRECTORY_SOURCES, MERGE_SOURCES } from './list-directory-people-endpoint.js';
import { METHODS } from './people-scopes.js';
import { renderPerson } from './person-json.js';
import { matchesQuery } from './person-search.js';
import { readEnums, readPageSize, rejectUnknown } from './query-params.js';

const PARAMETERS = ['query', 'readMask', 'sources', 'mergeSources', 'pageSize', 'pageToken'];

interface SearchPageToken {
  readonly params: string;
  readonly offset: number;
}

function decodeOffset(raw: string, params: string): number | undefined {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<SearchPageToken>;
    return token.params === params && typeof token.offset === 'number' ? token.offset : undefined;
  } catch {
    return undefined;
  }
}

export function searchDirectoryPeople(request: FakeRequest, context: ApiContext): FakeResponse {
  const authorized = authorize(request, METHODS.searchDirectoryPeople, context.checks);
  if (!authorized.ok) return authorized.error;
  const { query } = request;
  const unknown = rejectUnknown(query, PARAMETERS);
  if (unknown !== undefined) return unknown;
  const mask = parseMask(query.get('readMask'), 'readMask');
  if (!mask.ok) return mask.error;
  const sources = readEnums(
    query,
    'sources',
    'sources',
    'google.people.v1.DirectorySourceType',
    Object.keys(DIRECTORY_SOURCES),
  );
  if (!sources.ok) return sources.error;
  const merge = readEnums(
    query,
    'mergeSources',
    'merge_sources',
    'google.people.v1.DirectoryMergeSourceType',
    MERGE_SOURCES,
  );
  if (!merge.ok) return merge.error;
  const pageSize = readPageSize(query, { max: 500, defaultSize: 100 });
  if (!pageSize.ok) return pageSize.error;
  const text = query.get('query') ?? '';
  // Wording not verified for either: a query and sources are both "Required".
  if (sources.value.length === 0 || text.trim() === '') return invalidArgument();
  if (!context.domain.isDomainUser(authorized.caller.user)) return notDomainUser();

  const params = JSON.stringify([
    text,
    maskKey(mask.fields),
    [...sources.value].sort(),
    [...merge.value].sort(),
    pageSize.value,
  ]);
  const rawToken = query.get('pageToken');
  const offset = rawToken === null || rawToken === '' ? 0 : decodeOffset(rawToken, params);
  if (offset === undefined) return invalidArgument();
  const wanted = new Set(sources.value.map((source) => DIRECTORY_SOURCES[source]));
  const matches = context.domain.directory
    .live()
    .filter((record) => wanted.has(record.sourceType) && matchesQuery(record, text));
  const end = offset + pageSize.value;
  const people = matches
    .slice(offset, end)
    .map((record) => renderPerson(record, { fields: mask.fields, region: context.domain.region }));
  const nextPageToken =
    end < matches.length
      ? Buffer.from(JSON.stringify({ params, offset: end })).toString('base64url')
      : undefined;
  return jsonResponse(200, withoutEmpty({ people, nextPageToken, totalSize: matches.length }));
}
