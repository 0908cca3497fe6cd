/**
 * Listing a directory collection (`/users`, `/contacts`) the way Entra ID answers it: `$select`
 * (a default set without it), `$top` 1..999 (default 100), `$skiptoken` paging, `$filter`,
 * `$search` and `$count`, with the ConsistencyLevel rules of aad-advanced-queries and CLOUD-APIS.md
 * §5: `$search` without `ConsistencyLevel: eventual` is a 400; `?$count=true` without it is silently
 * ignored; `/$count` without it is a 400; advanced filter clauses need the header and `$count=true`.
 */
import { badDirectoryRequest, searchNeedsConsistencyLevel, unsupportedQuery } from './graph-errors.js';
import { isEventual, type GraphCall } from './graph-call.js';
import { checkFilter, type FilterRules } from './filter-rules.js';
import { jsonReply, textReply, type HttpReply } from './http-reply.js';
import { linkWith, listCursor, listToken } from './list-paging.js';
import { matchesFilter } from './odata-filter.js';
import { matchesSearch, parseSearch } from './odata-search.js';
import { contextSegment, parseSelect, project, type EntityShape } from './property-selection.js';
import type { TokenSealer } from './signed-tokens.js';
import type { TrackedCollection } from './tracked-collection.js';

export interface DirectoryResource<T extends { readonly id: string }> {
  /** The entity set and path segment: 'users', 'contacts'. */
  readonly entitySet: string;
  readonly collection: TrackedCollection<T>;
  readonly shape: EntityShape;
  readonly filterRules: FilterRules;
  /** Properties `$search` may name. */
  readonly searchable: readonly string[];
}

const DEFAULT_TOP = 100;
const MAX_TOP = 999;

export function listDirectory<T extends { readonly id: string }>(
  resource: DirectoryResource<T>,
  call: GraphCall,
  sealer: TokenSealer,
): HttpReply {
  const { query } = call;
  refuseUnsupportedOptions(query);
  const select = parseSelect(query.get('$select'), resource.shape);
  const top = pageSize(query.get('$top'));
  const counted = isEventual(call) && query.get('$count')?.toLowerCase() === 'true';
  const predicate = matcher(resource, call, counted);
  const page = resource.collection.page(
    listCursor(sealer, resource.entitySet, query.get('$skiptoken')),
    top,
    predicate,
  );
  const body: Record<string, unknown> = {
    '@odata.context': `${call.graphUrl}/$metadata#${contextSegment(resource.entitySet, select)}`,
  };
  if (counted) body['@odata.count'] = resource.collection.count(predicate);
  if (page.more) {
    const token = listToken(sealer, resource.entitySet, page.last);
    body['@odata.nextLink'] = linkWith(`${call.graphUrl}/${resource.entitySet}`, query, {
      $skiptoken: token,
    });
  }
  body.value = page.items.map((object) => project(object, select, resource.shape));
  return jsonReply(200, body);
}

/** `GET /users/$count`: a bare number as text/plain, only with `ConsistencyLevel: eventual`. */
export function countDirectory<T extends { readonly id: string }>(
  resource: DirectoryResource<T>,
  call: GraphCall,
): HttpReply {
  if (!isEventual(call)) throw badDirectoryRequest('$count is not currently supported.');
  const count = resource.collection.count(matcher(resource, call, true));
  return textReply(200, String(count), { 'content-type': 'text/plain;charset=utf-8' });
}

/** One object by id (`/users/{id|userPrincipalName}` finds by either). */
export function singleDirectoryObject<T extends { readonly id: string }>(
  resource: DirectoryResource<T>,
  object: T,
  call: GraphCall,
): HttpReply {
  const select = parseSelect(call.query.get('$select'), resource.shape);
  return jsonReply(200, {
    '@odata.context': `${call.graphUrl}/$metadata#${contextSegment(resource.entitySet, select)}/$entity`,
    ...project(object, select, resource.shape),
  });
}

function refuseUnsupportedOptions(query: URLSearchParams): void {
  if (query.has('$skip')) throw badDirectoryRequest("'$skip' is not supported by the service.");
  for (const option of ['$orderby', '$expand']) {
    if (query.has(option)) throw unsupportedQuery(`${option} is not implemented by the Graph fake.`);
  }
}

function pageSize(raw: string | null): number {
  if (raw === null) return DEFAULT_TOP;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    throw unsupportedQuery(
      `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_TOP} inclusive.`,
    );
  }
  return top;
}

/** The `$filter` and `$search` of the request as one predicate (undefined: everything). */
function matcher<T extends { readonly id: string }>(
  resource: DirectoryResource<T>,
  call: GraphCall,
  advanced: boolean,
): ((object: T) => boolean) | undefined {
  const searchText = call.query.get('$search');
  if (searchText !== null && !isEventual(call)) throw searchNeedsConsistencyLevel();
  const filterText = call.query.get('$filter');
  const filter = filterText === null ? undefined : checkFilter(filterText, resource.filterRules, advanced);
  const search = searchText === null ? undefined : parseSearch(searchText, resource.searchable);
  if (filter === undefined && search === undefined) return undefined;
  return (object) =>
    (filter === undefined || matchesFilter(filter, object)) &&
    (search === undefined || matchesSearch(search, object));
}
