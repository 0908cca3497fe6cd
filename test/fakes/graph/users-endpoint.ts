/**
 * `/v1.0/users`: the list, `/users/$count`, `/users/delta`, and `/users/{id | userPrincipalName}`.
 * Every call needs an application permission that reads users (or the delegated equivalent);
 * without one, Entra ID answers 403 Authorization_RequestDenied, which is also what a token from
 * an app without admin consent gets.
 */
import type { DeltaFeed } from './delta-feed.js';
import type { GraphUser } from './directory-model.js';
import {
  countDirectory,
  listDirectory,
  singleDirectoryObject,
  type DirectoryResource,
} from './directory-listing.js';
import { USER_FILTER_RULES } from './filter-rules.js';
import { holdsAny, type GraphCall } from './graph-call.js';
import {
  directoryAccessDenied,
  directoryObjectNotFound,
  segmentNotFound,
  stateTokenOptionRefused,
} from './graph-errors.js';
import type { GraphState } from './graph-state.js';
import { jsonReply, type HttpReply } from './http-reply.js';
import { contextSegment, project, USER_SHAPE } from './property-selection.js';

const READ_USERS = [
  'User.Read.All',
  'User.ReadWrite.All',
  'User.ReadBasic.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

const SEARCHABLE = [
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'userPrincipalName',
  'jobTitle',
  'department',
  'employeeId',
  'proxyAddresses',
  'otherMails',
];

/** `rest` is the path after `users`. */
export function handleUsers(call: GraphCall, rest: readonly string[], state: GraphState): HttpReply {
  if (!holdsAny(call.grant, READ_USERS)) throw directoryAccessDenied();
  const resource = usersResource(state);
  const [first, second] = rest;
  if (second !== undefined) throw segmentNotFound(second);
  if (first === undefined) return listDirectory(resource, call, state.sealer);
  if (first === '$count') return countDirectory(resource, call);
  if (first === 'delta' || first === 'microsoft.graph.delta') {
    const answer = state.delta.answer(usersDelta(call, state), {
      query: call.query,
      prefer: call.header('prefer'),
    });
    return jsonReply(200, answer.body, answer.headers);
  }
  return singleDirectoryObject(resource, findUser(state, first), call);
}

/** `GET /me`: the signed-in user of a delegated token (the router refuses app-only tokens). */
export function handleMe(call: GraphCall, state: GraphState): HttpReply {
  if (!holdsAny(call.grant, ['User.Read', ...READ_USERS])) throw directoryAccessDenied();
  const user = state.users.get(call.grant.userId ?? '');
  if (user === undefined) throw directoryObjectNotFound(call.grant.userId ?? 'me');
  return singleDirectoryObject(usersResource(state), user, call);
}

/** A user by object id or by userPrincipalName (case-insensitive), as Graph resolves `/users/{x}`. */
export function findUser(state: GraphState, idOrPrincipalName: string): GraphUser {
  const user = state.users.get(idOrPrincipalName) ?? userByPrincipalName(state, idOrPrincipalName);
  if (user === undefined) throw directoryObjectNotFound(idOrPrincipalName);
  return user;
}

export function userByPrincipalName(state: GraphState, principalName: string): GraphUser | undefined {
  const lower = principalName.toLowerCase();
  return state.users.find((user) => user.userPrincipalName.toLowerCase() === lower);
}

function usersResource(state: GraphState): DirectoryResource<GraphUser> {
  return {
    entitySet: 'users',
    collection: state.users,
    shape: USER_SHAPE,
    filterRules: USER_FILTER_RULES,
    searchable: SEARCHABLE,
  };
}

function usersDelta(call: GraphCall, state: GraphState): DeltaFeed<GraphUser> {
  return {
    key: 'users',
    collection: state.users,
    shape: USER_SHAPE,
    url: `${call.graphUrl}/users/delta`,
    context: (select) => `${call.graphUrl}/$metadata#${contextSegment('users', select)}`,
    render: (user, select, only) => project(user, select, USER_SHAPE, only),
    removed: (id, reason) => ({ id, '@removed': { reason } }),
    pageSize: state.settings.deltaPageSize,
    syncFromNow: true,
    idFilter: true,
    selectWithDeltaToken: true,
    maxPageSizePreference: false,
    refuseOption: stateTokenOptionRefused,
  };
}
