/**
 * `GET /v1/people/me/connections`: the caller's own contacts (for a service account, those of the
 * user it impersonates). Only `people/me` is a valid resource name.
 */
import { authorize } from './api-caller.js';
import type { ApiContext } from './api-context.js';
import { invalidArgument } from './api-errors.js';
import { maskKey, parseMask } from './field-mask.js';
import { jsonResponse, withoutEmpty, type FakeRequest, type FakeResponse } from './http-exchange.js';
import { listPeople } from './list-people.js';
import { METHODS } from './people-scopes.js';
import { renderListed } from './person-json.js';
import { readBoolean, readEnums, readPageSize, rejectUnknown } from './query-params.js';

const PARAMETERS = [
  'personFields',
  'requestMask.includeField',
  'pageSize',
  'pageToken',
  'requestSyncToken',
  'syncToken',
  'sortOrder',
  'sources',
];

const SORT_ORDERS = [
  'LAST_MODIFIED_ASCENDING',
  'LAST_MODIFIED_DESCENDING',
  'FIRST_NAME_ASCENDING',
  'LAST_NAME_ASCENDING',
];
const READ_SOURCES = [
  'READ_SOURCE_TYPE_PROFILE',
  'READ_SOURCE_TYPE_CONTACT',
  'READ_SOURCE_TYPE_DOMAIN_CONTACT',
];

export function listConnections(
  resourceName: string,
  request: FakeRequest,
  context: ApiContext,
): FakeResponse {
  const authorized = authorize(request, METHODS.listConnections, context.checks);
  if (!authorized.ok) return authorized.error;
  // Wording not verified: "Only people/me is valid" is all the reference says.
  if (resourceName !== 'people/me') return invalidArgument();
  const { query } = request;
  const unknown = rejectUnknown(query, PARAMETERS);
  if (unknown !== undefined) return unknown;
  const mask = parseMask(query.get('personFields'), 'personFields');
  if (!mask.ok) return mask.error;
  const pageSize = readPageSize(query, { max: 1000, defaultSize: 100 });
  if (!pageSize.ok) return pageSize.error;
  const requestSyncToken = readBoolean(query, 'requestSyncToken', 'request_sync_token');
  if (!requestSyncToken.ok) return requestSyncToken.error;
  const sortOrder = readEnums(
    query,
    'sortOrder',
    'sort_order',
    'google.people.v1.ListConnectionsRequest.SortOrder',
    SORT_ORDERS,
  );
  if (!sortOrder.ok) return sortOrder.error;
  const sources = readEnums(query, 'sources', 'sources', 'google.people.v1.ReadSourceType', READ_SOURCES);
  if (!sources.ok) return sources.error;

  // A service account without `sub` has no contacts of its own (not verified against Google).
  const user = authorized.caller.user;
  if (user === undefined) return jsonResponse(200, { totalPeople: 0, totalItems: 0 });
  const collection = context.domain.contactsOf(user);
  const outcome = listPeople({
    collection,
    scope: `connections:${user.toLowerCase()}`,
    params: JSON.stringify([
      maskKey(mask.fields),
      pageSize.value,
      requestSyncToken.value,
      sortOrder.value,
      [...sources.value].sort(),
    ]),
    filter: () => true,
    pageSize: pageSize.value,
    pageToken: query.get('pageToken'),
    syncToken: query.get('syncToken'),
    requestSyncToken: requestSyncToken.value,
    syncTokens: context.syncTokens(),
  });
  if (!outcome.ok) return outcome.error;
  const connections = renderListed(outcome.people, { fields: mask.fields, region: context.domain.region });
  return jsonResponse(
    200,
    withoutEmpty({
      connections,
      nextPageToken: outcome.nextPageToken,
      nextSyncToken: outcome.nextSyncToken,
      totalPeople: collection.size,
      totalItems: collection.size,
    }),
  );
}
