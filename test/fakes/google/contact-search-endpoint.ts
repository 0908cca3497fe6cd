/**
 * `GET /v1/people:searchContacts` and `GET /v1/otherContacts:search`. Google serves them from a
 * per-user cache that only a warm-up request (an empty query) refreshes: before the first
 * warm-up a search answers `{}`, and later changes stay unseen until the next one. At most 30
 * results (a larger pageSize is capped), no paging.
 */
import { authorize } from './api-caller.js';
import type { ApiContext } from './api-context.js';
import { OTHER_CONTACT_FIELDS, parseMask, PERSON_FIELDS } from './field-mask.js';
import type { SearchCacheKind } from './google-domain.js';
import { jsonResponse, type FakeRequest, type FakeResponse } from './http-exchange.js';
import { METHODS } from './people-scopes.js';
import { renderPerson } from './person-json.js';
import { matchesQuery } from './person-search.js';
import { readEnums, readPageSize, rejectUnknown } from './query-params.js';

const PARAMETERS = ['query', 'readMask', 'pageSize', 'sources'];
const READ_SOURCES = [
  'READ_SOURCE_TYPE_PROFILE',
  'READ_SOURCE_TYPE_CONTACT',
  'READ_SOURCE_TYPE_DOMAIN_CONTACT',
];

export function searchContacts(
  kind: SearchCacheKind,
  request: FakeRequest,
  context: ApiContext,
): FakeResponse {
  const method = kind === 'contacts' ? METHODS.searchContacts : METHODS.searchOtherContacts;
  const authorized = authorize(request, method, context.checks);
  if (!authorized.ok) return authorized.error;
  const { query } = request;
  const unknown = rejectUnknown(query, PARAMETERS);
  if (unknown !== undefined) return unknown;
  const mask = parseMask(
    query.get('readMask'),
    'readMask',
    kind === 'contacts' ? PERSON_FIELDS : OTHER_CONTACT_FIELDS,
  );
  if (!mask.ok) return mask.error;
  const pageSize = readPageSize(query, { max: 30, defaultSize: 10, capAboveMax: true });
  if (!pageSize.ok) return pageSize.error;
  const sources = readEnums(query, 'sources', 'sources', 'google.people.v1.ReadSourceType', READ_SOURCES);
  if (!sources.ok) return sources.error;

  const user = authorized.caller.user;
  const text = query.get('query') ?? '';
  if (user === undefined) return jsonResponse(200, {});
  if (text.trim() === '') {
    context.domain.warmUp(kind, user);
    return jsonResponse(200, {});
  }
  const cache = context.domain.searchCache(kind, user) ?? [];
  const results = cache
    .filter((record) => matchesQuery(record, text))
    .slice(0, pageSize.value)
    .map((record) => ({
      person: renderPerson(record, { fields: mask.fields, region: context.domain.region }),
    }));
  return jsonResponse(200, results.length > 0 ? { results } : {});
}
