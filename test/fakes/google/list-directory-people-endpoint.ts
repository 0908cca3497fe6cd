/**
 * `GET /v1/people:listDirectoryPeople`: the domain's profiles and shared contacts, paged, with
 * sync tokens. Only a Workspace user (OAuth user, or a service account impersonating one through
 * domain-wide delegation) may list the directory.
 */
import { authorize } from './api-caller.js';
import type { ApiContext } from './api-context.js';
import { invalidArgument, notDomainUser } from './api-errors.js';
import { maskKey, parseMask } from './field-mask.js';
import { jsonResponse, withoutEmpty, type FakeRequest, type FakeResponse } from './http-exchange.js';
import { listPeople } from './list-people.js';
import { METHODS } from './people-scopes.js';
import type { PersonSourceType } from './person-record.js';
import { renderListed } from './person-json.js';
import { readBoolean, readEnums, readPageSize, rejectUnknown } from './query-params.js';

const PARAMETERS = [
  'readMask',
  'sources',
  'mergeSources',
  'pageSize',
  'pageToken',
  'requestSyncToken',
  'syncToken',
];

export const DIRECTORY_SOURCES: Readonly<Record<string, PersonSourceType>> = {
  DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE: 'DOMAIN_PROFILE',
  DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT: 'DOMAIN_CONTACT',
};

export const MERGE_SOURCES = ['DIRECTORY_MERGE_SOURCE_TYPE_CONTACT'];

export function listDirectoryPeople(request: FakeRequest, context: ApiContext): FakeResponse {
  const authorized = authorize(request, METHODS.listDirectoryPeople, context.checks);
  if (!authorized.ok) return authorized.error;
  const { query } = request;
  const unknown = rejectUnknown(query, PARAMETERS);
  if (unknown !== undefined) return unknown;
  // The readMask check comes first: a request without either is answered about the mask (seen).
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
  // Wording not verified: Google's text for a missing `sources` was not found.
  if (sources.value.length === 0) return invalidArgument();
  const merge = readEnums(
    query,
    'mergeSources',
    'merge_sources',
    'google.people.v1.DirectoryMergeSourceType',
    MERGE_SOURCES,
  );
  if (!merge.ok) return merge.error;
  const pageSize = readPageSize(query, { max: 1000, defaultSize: 100 });
  if (!pageSize.ok) return pageSize.error;
  const requestSyncToken = readBoolean(query, 'requestSyncToken', 'request_sync_token');
  if (!requestSyncToken.ok) return requestSyncToken.error;
  if (!context.domain.isDomainUser(authorized.caller.user)) return notDomainUser();

  const wanted = new Set(sources.value.map((source) => DIRECTORY_SOURCES[source]));
  const outcome = listPeople({
    collection: context.domain.directory,
    scope: 'directory',
    params: JSON.stringify([
      maskKey(mask.fields),
      [...sources.value].sort(),
      [...merge.value].sort(),
      pageSize.value,
      requestSyncToken.value,
    ]),
    filter: (record) => wanted.has(record.sourceType),
    pageSize: pageSize.value,
    pageToken: query.get('pageToken'),
    syncToken: query.get('syncToken'),
    requestSyncToken: requestSyncToken.value,
    syncTokens: context.syncTokens(),
  });
  if (!outcome.ok) return outcome.error;
  const people = renderListed(outcome.people, { fields: mask.fields, region: context.domain.region });
  return jsonResponse(
    200,
    withoutEmpty({ people, nextPageToken: outcome.nextPageToken, nextSyncToken: outcome.nextSyncToken }),
  );
}
