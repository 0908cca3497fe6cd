/**
 * Which code answers a request: the login host's paths (`/{tenant}/oauth2/v2.0/token`, OpenID
 * metadata, user realm discovery) or Graph's `/v1.0/…`, where the bearer token is checked before
 * anything else. Graph failures raised anywhere below become Graph's error JSON here.
 */
import * as aadsts from './aadsts-errors.js';
import {
  GraphFailure,
  graphErrorReply,
  meNeedsDelegatedToken,
  methodNotAllowed,
  segmentNotFound,
  type RequestIds,
} from './graph-errors.js';
import type { GraphCall } from './graph-call.js';
import type { GraphState } from './graph-state.js';
import { jsonReply, type HttpReply } from './http-reply.js';
import { openIdConfiguration, userRealm } from './login-discovery.js';
import { handleGroups } from './groups-endpoint.js';
import { handleMailbox } from './mailbox-endpoint.js';
import { handleOrgContacts } from './org-contacts-endpoint.js';
import { handleOrganization } from './organization-endpoint.js';
import { handleTokenRequest } from './token-endpoint.js';
import { handleMe, handleUsers } from './users-endpoint.js';

export interface IncomingRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** `https://host:port` as the client addressed the fake. */
  readonly origin: string;
  readonly ids: RequestIds;
}

export function isTokenEndpoint(path: string): boolean {
  return /^\/[^/]+\/oauth2\/v2\.0\/token\/?$/.test(path);
}

export function route(request: IncomingRequest, state: GraphState): HttpReply {
  const segments = pathSegments(request.path);
  if (segments === undefined) return notFound(request);
  if (segments[0] === 'v1.0') return graph(request, segments.slice(1), state);
  return login(request, segments, state);
}

function login(request: IncomingRequest, segments: readonly string[], state: GraphState): HttpReply {
  const [tenant, second, third, fourth] = segments;
  if (isTokenEndpoint(request.path)) {
    if (request.method !== 'POST') {
      return aadsts.aadstsReply({
        status: 400,
        error: 'invalid_request',
        code: 900561,
        message: 'The endpoint only accepts POST requests. Received a GET request.',
      });
    }
    return handleTokenRequest(
      {
        tenant: tenant!,
        body: request.body,
        authorization: request.headers.authorization,
        correlationId: request.headers['client-request-id'],
        endpoint: `${request.origin}${request.path}`,
      },
      { identity: state.identity, tokens: state.tokens, users: state.users },
    );
  }
  if (
    second === 'v2.0' &&
    third === '.well-known' &&
    fourth === 'openid-configuration' &&
    segments.length === 4
  ) {
    return openIdConfiguration(tenant!, request.origin, state.identity);
  }
  if (tenant === 'common' && second === 'userrealm' && third !== undefined && segments.length === 3) {
    return userRealm(third, state.identity);
  }
  return notFound(request);
}

function graph(request: IncomingRequest, segments: readonly string[], state: GraphState): HttpReply {
  try {
    const grant = state.tokens.check(request.headers.authorization);
    if (request.method !== 'GET') throw methodNotAllowed(request.method);
    const call: GraphCall = {
      segments,
      query: request.query,
      graphUrl: `${request.origin}/v1.0`,
      grant,
      ids: request.ids,
      header: (name) => request.headers[name.toLowerCase()],
    };
    return graphResource(call, state);
  } catch (error) {
    if (error instanceof GraphFailure) return graphErrorReply(error, request.ids);
    throw error;
  }
}

function graphResource(call: GraphCall, state: GraphState): HttpReply {
  const [resource, ...rest] = call.segments;
  switch (resource) {
    case 'users':
      if (rest.length >= 2 && isMailboxCollection(rest[1]!))
        return handleMailbox(call, rest[0], rest.slice(1), state);
      return handleUsers(call, rest, state);
    case 'me':
      if (call.grant.kind === 'app') throw meNeedsDelegatedToken();
      if (rest.length === 0) return handleMe(call, state);
      if (isMailboxCollection(rest[0]!)) return handleMailbox(call, undefined, rest, state);
      throw segmentNotFound(rest[0]!);
    case 'contacts':
      return handleOrgContacts(call, rest, state);
    case 'groups':
      return handleGroups(call, rest, state);
    case 'organization':
      if (rest.length > 0) throw segmentNotFound(rest[0]!);
      return handleOrganization(call, state);
    default:
      throw segmentNotFound(resource ?? '');
  }
}

function isMailboxCollection(segment: string): boolean {
  return segment === 'contacts' || segment === 'contactFolders';
}

/** Decoded path segments, or undefined when the percent-encoding is broken. */
function pathSegments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function notFound(request: IncomingRequest): HttpReply {
  return jsonReply(404, {
    error: { code: 'NotFound', message: `No route for ${request.method} ${request.path} on the Graph fake.` },
  });
}
