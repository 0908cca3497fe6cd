/**
 * `GET /v1/otherContacts`: the caller's "other contacts" (addresses Gmail collected). With the
 * default CONTACT read source the mask is limited to emailAddresses, metadata, names,
 * phoneNumbers and photos.
 */
import { authorize } from './api-caller.js';
import type { ApiContext } from './api-context.js';
import { maskKey, OTHER_CONTACT_FIELDS, parseMask, PERSON_FIELDS } from './field-mask.js';
import { jsonResponse, withoutEmpty, type FakeRequest, type FakeResponse } from './http-exchange.js';
import { listPeople } from './list-people.js';
import { METHODS } from './people-scopes.js';
import { renderListed } from './person-json.js';
import { readBoolean, readEnums, readPageSize, rejectUnknown } from './query-params.js';

const PARAMETERS = ['readMask', 'pageSize', 'pageToken', 'requestSyncToken', 'syncToken', 'sources'];
export const OTHER_CONTACT_SOURCES = ['READ_SOURCE_TYPE_CONTACT', 'READ_SOURCE_TYPE_PROFILE'];

export function listOtherContacts(request: FakeRequest, context: ApiContext): FakeResponse {
  const authorized = authorize(request, METHODS.listOtherContacts, context.checks);
  if (!authorized.ok) return authorized.error;
  const { query } = request;
  const unknown = rejectUnknown(query, PARAMETERS);
  if (unknown !== undefined) return unknown;
  const sources = readEnums(
    query,
    'sources',
    'sources',
    'google.people.v1.ReadSourceType',
    OTHER_CONTACT_SOURCES,
  );
  if (!sources.ok) return sources.error;
  const allowed = sources.value.includes('READ_SOURCE_TYPE_PROFILE') ? PERSON_FIELDS : OTHER_CONTACT_FIELDS;
  const mask = parseMask(query.get('readMask'), 'readMask', allowed);
  if (!mask.ok) return mask.error;
  const pageSize = readPageSize(query, { max: 1000, defaultSize: 100 });
  if (!pageSize.ok) return pageSize.error;
  const requestSyncToken = readBoolean(query, 'requestSyncToken', 'request_sync_token');
  if (!requestSyncToken.ok) return requestSyncToken.error;

  const user = authorized.caller.user;
  if (user === undefined) return jsonResponse(200, { totalSize: 0 });
  const collection = context.domain.otherContactsOf(user);
  const outcome = listPeople({
    collection,
    scope: `otherContacts:${user.toLowerCase()}`,
    params: JSON.stringify([
      maskKey(mask.fields),
      pageSize.value,
      requestSyncToken.value,
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
  const otherContacts = renderListed(outcome.people, { fields: mask.fields, region: context.domain.region });
  return jsonResponse(
    200,
    withoutEmpty({
      otherContacts,
      nextPageToken: outcome.nextPageToken,
      nextSyncToken: outcome.nextSyncToken,
      totalSize: collection.size,
    }),
  );
}
