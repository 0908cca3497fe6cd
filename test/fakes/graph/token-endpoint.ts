/**
 * `POST /{tenant}/oauth2/v2.0/token` as Entra ID answers it for the two grants a `graph` source
 * uses: `client_credentials` (the sync's app-only token) and `password` (ROPC, to check a user's
 * password for an LDAP bind). The form may carry fields the fake does not know (msal's telemetry)
 * and the URL a query string; both are ignored. The client may authenticate in the body or with
 * HTTP Basic.
 *
 * The checks run in Entra ID's order: tenant, grant type, client, scope, then (ROPC) the user.
 */
import { randomUUID } from 'node:crypto';
import * as aadsts from './aadsts-errors.js';
import { GRAPH_RESOURCE_ID, jwt, type AccessTokens } from './access-tokens.js';
import { JWT_BEARER, checkAssertion } from './client-assertion.js';
import type { GraphUser } from './directory-model.js';
import { LOGIN_JSON, jsonReply, type HttpReply } from './http-reply.js';
import type { AppRegistration, Identity } from './identity.js';
import type { TrackedCollection } from './tracked-collection.js';

export interface TokenEndpointContext {
  readonly identity: Identity;
  readonly tokens: AccessTokens;
  readonly users: TrackedCollection<GraphUser>;
}

export interface TokenRequest {
  readonly tenant: string;
  readonly body: string;
  readonly authorization: string | undefined;
  readonly correlationId: string | undefined;
  /** `https://host:port/{tenant}/oauth2/v2.0/token` as addressed: a client assertion's audience. */
  readonly endpoint: string;
}

const GRAPH_RESOURCES = new Set([
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  GRAPH_RESOURCE_ID,
]);
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

class Refusal extends Error {
  constructor(readonly failure: aadsts.AadstsError) {
    super(failure.message);
  }
}

export function handleTokenRequest(request: TokenRequest, context: TokenEndpointContext): HttpReply {
  try {
    return issue(request, context);
  } catch (error) {
    if (error instanceof Refusal) return aadsts.aadstsReply(error.failure, request.correlationId);
    throw error;
  }
}

function issue(request: TokenRequest, context: TokenEndpointContext): HttpReply {
  const form = new URLSearchParams(request.body);
  const grantType = required(form, 'grant_type');
  const { identity } = context;
  const organizations = request.tenant.toLowerCase() === 'organizations' && grantType === 'password';
  if (!organizations && !identity.isThisTenant(request.tenant)) refuse(aadsts.tenantNotFound(request.tenant));
  if (grantType !== 'client_credentials' && grantType !== 'password')
    refuse(aadsts.unsupportedGrantType(grantType));
  const app = authenticateClient(form, request, grantType, identity);
  const scope = required(form, 'scope');
  return grantType === 'client_credentials'
    ? clientCredentials(app, scope, context)
    : password(app, form, scope, context);
}

function refuse(failure: aadsts.AadstsError): never {
  throw new Refusal(failure);
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === '') refuse(aadsts.missingParameter(name));
  return value;
}

/** The app registration, once its secret or client assertion (or its being public) checks out. */
function authenticateClient(
  form: URLSearchParams,
  request: TokenRequest,
  grantType: string,
  identity: Identity,
): AppRegistration {
  const basic = basicCredentials(request.authorization);
  const clientId = form.get('client_id') ?? basic?.clientId;
  if (clientId === undefined || clientId === '') refuse(aadsts.missingParameter('client_id'));
  const app = identity.app(clientId);
  if (app === undefined) refuse(aadsts.appNotFound(clientId, identity.tenantName));
  const secret = form.get('client_secret') ?? basic?.secret;
  const assertion = form.get('client_assertion') ?? '';
  if (app.publicClient === true) {
    if ((secret !== undefined && secret !== '') || assertion !== '') refuse(aadsts.publicClientWithSecret());
    // A public client has no credential, so it cannot prove itself for an app-only token.
    if (grantType === 'client_credentials') refuse(aadsts.secretMissing());
    return app;
  }
  if (assertion !== '') {
    if (secret !== undefined && secret !== '') refuse(aadsts.twoClientCredentials());
    if (form.get('client_assertion_type') !== JWT_BEARER)
      refuse(aadsts.missingParameter('client_assertion_type'));
    const verdict = checkAssertion({
      assertion,
      clientId: app.clientId,
      certificates: app.certificates ?? [],
      audiences: audiences(request.endpoint, identity),
    });
    if (!verdict.ok) refuse(verdict.failure);
    return app;
  }
  if (secret === undefined || secret === '') refuse(aadsts.secretMissing());
  if (secret !== app.clientSecret) refuse(aadsts.secretWrong(app.clientId));
  return app;
}

/** The token endpoint as addressed, and the same with the tenant named by its id or any domain. */
function audiences(endpoint: string, identity: Identity): string[] {
  const url = new URL(endpoint);
  const path = url.pathname.replace(/\/+$/, '');
  const tail = path.slice(path.indexOf('/', 1));
  return [
    `${url.origin}${path}`,
    ...[identity.tenantId, ...identity.domains].map((tenant) => `${url.origin}/${tenant}${tail}`),
  ];
}

function basicCredentials(
  authorization: string | undefined,
): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

function clientCredentials(app: AppRegistration, scope: string, context: TokenEndpointContext): HttpReply {
  const scopes = scope.trim().split(/\s+/);
  const only = scopes[0]!;
  if (scopes.length !== 1 || !only.endsWith('/.default')) refuse(aadsts.scopeNotDefault(scope));
  const resource = only.slice(0, -'/.default'.length);
  if (!GRAPH_RESOURCES.has(resource)) refuse(aadsts.resourceNotFound(resource, context.identity.tenantName));
  if (app.consentRequiredAtTokenTime === true) refuse(aadsts.consentRequired(app.clientId, app.displayName));
  const { token } = context.tokens.issue({
    kind: 'app',
    tenantId: context.identity.tenantId,
    clientId: app.clientId,
    roles: app.adminConsent ? app.applicationPermissions : [],
    scopes: [],
  });
  const lifetime = context.tokens.lifetimeSeconds;
  return tokenReply({
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: token,
  });
}

function password(
  app: AppRegistration,
  form: URLSearchParams,
  scope: string,
  context: TokenEndpointContext,
): HttpReply {
  const username = required(form, 'username');
  const given = required(form, 'password');
  const user = signOnUser(username, given, context);
  if (app.consentRequiredAtTokenTime === true) refuse(aadsts.consentRequired(app.clientId, app.displayName));
  const requested = scope.trim().split(/\s+/);
  const scopes = delegatedScopes(requested, app);
  const { token } = context.tokens.issue({
    kind: 'delegated',
    tenantId: context.identity.tenantId,
    clientId: app.clientId,
    roles: [],
    scopes,
    userId: user.id,
  });
  const lifetime = context.tokens.lifetimeSeconds;
  return tokenReply({
    token_type: 'Bearer',
    scope: [...scopes, 'profile', 'openid', 'email'].join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: token,
    ...(requested.includes('offline_access') ? { refresh_token: `0.${randomUUID()}.${randomUUID()}` } : {}),
    ...(requested.includes('openid') ? { id_token: idToken(user, app, context.identity.tenantId) } : {}),
  });
}

/**
 * The directory user the credentials sign in, or Entra ID's refusal. A federated domain's password
 * lives in the on-premises IdP, which ROPC never reaches: Entra ID answers as for a wrong password.
 */
function signOnUser(username: string, given: string, context: TokenEndpointContext): GraphUser {
  const { identity } = context;
  if (identity.isFederated(username)) refuse(aadsts.invalidCredentials());
  const lower = username.toLowerCase();
  const user = context.users.find((candidate) => candidate.userPrincipalName.toLowerCase() === lower);
  if (user === undefined) refuse(aadsts.userNotFound(identity.tenantId));
  const refusal = identity.signOnRefusal(username);
  if (refusal === 'locked') refuse(aadsts.accountLocked());
  if (identity.password(username) !== given) refuse(aadsts.invalidCredentials());
  if (!user.accountEnabled || refusal === 'disabled') refuse(aadsts.accountDisabled());
  if (refusal === 'passwordExpired') refuse(aadsts.passwordExpired());
  if (refusal === 'mfaRequired') refuse(aadsts.mfaRequired());
  if (refusal === 'mfaRegistrationRequired') refuse(aadsts.mfaRegistrationRequired());
  if (refusal === 'conditionalAccess') refuse(aadsts.blockedByConditionalAccess());
  return user;
}

/** Graph scopes from the request (`User.Read` or `https://graph.microsoft.com/User.Read`; `.default`: all consented). */
function delegatedScopes(requested: readonly string[], app: AppRegistration): string[] {
  const scopes = new Set<string>();
  for (const asked of requested) {
    if (OIDC_SCOPES.has(asked)) continue;
    const name = asked.replace(/^https:\/\/graph\.microsoft\.com\//, '');
    if (name === '.default') app.delegatedPermissions.forEach((permission) => scopes.add(permission));
    else scopes.add(name);
  }
  return [...scopes];
}

function idToken(user: GraphUser, app: AppRegistration, tenantId: string): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt(
    { typ: 'JWT', alg: 'RS256', kid: 'fake-graph-key' },
    {
      aud: app.clientId,
      iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: Buffer.from(`${user.id}:${app.clientId}`).toString('base64url').slice(0, 43),
      tid: tenantId,
      uti: randomUUID(),
      ver: '2.0',
    },
  );
}

function tokenReply(body: object): HttpReply {
  return jsonReply(200, body, { 'cache-control': 'no-store, no-cache' }, LOGIN_JSON);
}
