/**
 * `/v1.0/groups/{id}` and its membership: `/members` (direct) and `/transitiveMembers` (the flat
 * list of all nested members, nested groups included), each also cast to one type
 * (`/transitiveMembers/microsoft.graph.user`), as group-list-transitivemembers documents them:
 *
 * - Application permission GroupMember.Read.All (least privileged), or Group.Read.All,
 *   GroupMember.ReadWrite.All, Group.ReadWrite.All, Directory.Read.All; without one, 403
 *   Authorization_RequestDenied. An unknown group is 404 Request_ResourceNotFound.
 * - "To filter the results on the OData type, such as microsoft.graph.user or microsoft.graph.group,
 *   you must use the advanced query parameters. That is, the ConsistencyLevel header set to
 *   eventual and the $count=true query string." A cast without both is a 400
 *   Request_UnsupportedQuery here (the wording is the fake's; Graph's exact text was not found).
 * - `$top` 1..999 (default 100), `$skiptoken` paging by `@odata.nextLink` that repeats the query
 *   options, `$select` (of the cast type's properties; uncast, of either type's), `@odata.count`
 *   with ConsistencyLevel. Uncast items carry `@odata.type`. `$filter`, `$search` and `$orderby`
 *   are not implemented by the fake (400).
 *
 * Deleted users and groups are no members; a cycle of nested groups is followed once.
 */
import type { GraphGroup, GraphUser } from './directory-model.js';
import { holdsAny, isEventual, type GraphCall } from './graph-call.js';
import {
  badDirectoryRequest,
  directoryAccessDenied,
  directoryObjectNotFound,
  GraphFailure,
  segmentNotFound,
  unsupportedQuery,
} from './graph-errors.js';
import type { GraphState } from './graph-state.js';
import { jsonReply, type HttpReply } from './http-reply.js';
import { linkWith, listCursor, listToken } from './list-paging.js';
import {
  contextSegment,
  GROUP_SHAPE,
  parseSelect,
  project,
  USER_SHAPE,
  type EntityShape,
} from './property-selection.js';

const READ_GROUP_MEMBERS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

const DEFAULT_TOP = 100;
const MAX_TOP = 999;

type Member =
  | { readonly kind: 'user'; readonly user: GraphUser }
  | { readonly kind: 'group'; readonly group: GraphGroup };

const CASTS: Readonly<Record<string, Member['kind']>> = {
  'microsoft.graph.user': 'user',
  'microsoft.graph.group': 'group',
};

/** `rest` is the path after `groups`. */
export function handleGroups(call: GraphCall, rest: readonly string[], state: GraphState): HttpReply {
  if (!holdsAny(call.grant, READ_GROUP_MEMBERS)) throw directoryAccessDenied();
  const [id, navigation, cast, extra] = rest;
  if (id === undefined) throw unsupportedQuery('Listing groups is not implemented by the Graph fake.');
  if (extra !== undefined) throw segmentNotFound(extra);
  const group = state.groups.get(id);
  if (group === undefined) throw directoryObjectNotFound(id);
  if (navigation === undefined) {
    const select = parseSelect(call.query.get('$select'), GROUP_SHAPE);
    return jsonReply(200, {
      '@odata.context': `${call.graphUrl}/$metadata#${contextSegment('groups', select)}/$entity`,
      ...project(group, select, GROUP_SHAPE),
    });
  }
  if (navigation !== 'members' && navigation !== 'transitiveMembers') throw segmentNotFound(navigation);
  let only: Member['kind'] | undefined;
  if (cast !== undefined) {
    only = CASTS[cast];
    if (only === undefined) throw segmentNotFound(cast);
  }
  return listMembers(call, state, group, navigation === 'transitiveMembers', only);
}

function listMembers(
  call: GraphCall,
  state: GraphState,
  group: GraphGroup,
  transitive: boolean,
  only: Member['kind'] | undefined,
): HttpReply {
  const { query } = call;
  for (const option of ['$filter', '$search', '$orderby', '$expand']) {
    if (query.has(option))
      throw unsupportedQuery(`${option} on group members is not implemented by the Graph fake.`);
  }
  if (query.has('$skip')) throw badDirectoryRequest("'$skip' is not supported by the service.");
  const counted = isEventual(call) && query.get('$count')?.toLowerCase() === 'true';
  if (only !== undefined && !counted)
    throw unsupportedQuery(
      "An OData cast on group members needs the advanced query parameters: the header 'ConsistencyLevel: eventual' and '$count=true'.",
    );
  const top = pageSize(query.get('$top'));
  const path = `groups/${group.id}/${transitive ? 'transitiveMembers' : 'members'}${only === undefined ? '' : `/microsoft.graph.${only}`}`;
  const members = membersOf(state, group, transitive).filter(
    (member) => only === undefined || member.kind === only,
  );
  const start = listCursor(state.sealer, path, query.get('$skiptoken')) + 1;
  const page = members.slice(start, start + top);
  const selection = selectionFor(query.get('$select'), only);
  const body: Record<string, unknown> = {
    '@odata.context': `${call.graphUrl}/$metadata#${
      only === undefined
        ? 'directoryObjects'
        : contextSegment(only === 'user' ? 'users' : 'groups', selection[only])
    }`,
  };
  if (counted) body['@odata.count'] = members.length;
  if (start + top < members.length) {
    body['@odata.nextLink'] = linkWith(`${call.graphUrl}/${path}`, query, {
      $skiptoken: listToken(state.sealer, path, start + top - 1),
    });
  }
  body.value = page.map((member) => {
    const [object, shape] = member.kind === 'user' ? [member.user, USER_SHAPE] : [member.group, GROUP_SHAPE];
    const projected = project(object, selection[member.kind], shape);
    return only === undefined
      ? { '@odata.type': `#microsoft.graph.${member.kind}`, ...projected }
      : projected;
  });
  return jsonReply(200, body);
}

/** Direct members, or every nested member once (groups too), in the order they were added. */
function membersOf(state: GraphState, group: GraphGroup, transitive: boolean): Member[] {
  const out: Member[] = [];
  const seen = new Set<string>([group.id]);
  const walk = (current: GraphGroup): void => {
    for (const id of current.members) {
      if (seen.has(id)) continue;
      const user = state.users.get(id);
      if (user !== undefined) {
        seen.add(id);
        out.push({ kind: 'user', user });
        continue;
      }
      const nested = state.groups.get(id);
      if (nested === undefined) continue;
      seen.add(id);
      out.push({ kind: 'group', group: nested });
      if (transitive) walk(nested);
    }
  };
  walk(group);
  return out;
}

/**
 * `$select` per member type. Cast: the type's properties. Uncast (directoryObject): a name either
 * type knows is kept where it exists; one neither knows is Graph's 400.
 */
function selectionFor(
  raw: string | null,
  only: Member['kind'] | undefined,
): Readonly<Record<Member['kind'], readonly string[] | undefined>> {
  if (only === 'user') return { user: parseSelect(raw, USER_SHAPE), group: undefined };
  if (only === 'group') return { user: undefined, group: parseSelect(raw, GROUP_SHAPE) };
  if (raw === null || raw.trim() === '') return { user: undefined, group: undefined };
  const names = raw.split(',').map((name) => name.trim());
  const known = (shape: EntityShape, name: string): boolean =>
    shape.properties.some((property) => property.toLowerCase() === name.toLowerCase());
  const unknown = names.find((name) => !known(USER_SHAPE, name) && !known(GROUP_SHAPE, name));
  if (unknown !== undefined)
    throw new GraphFailure(
      400,
      'Request_BadRequest',
      `Could not find a property named '${unknown}' on type 'Microsoft.DirectoryServices.DirectoryObject'.`,
    );
  const forShape = (shape: EntityShape): readonly string[] =>
    parseSelect(['id', ...names.filter((name) => known(shape, name))].join(','), shape) ?? ['id'];
  return { user: forShape(USER_SHAPE), group: forShape(GROUP_SHAPE) };
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
