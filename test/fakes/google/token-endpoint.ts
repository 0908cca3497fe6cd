/**
 * `POST /token`, Google's OAuth 2.0 token endpoint (oauth2.googleapis.com/token): the
 * refresh-token grant for user consent, and the JWT-bearer grant (RFC 7523) a service account
 * uses, with domain-wide delegation when the assertion names a `sub`.
 */
import type { AccessTokens, TokenPrincipal } from './access-tokens.js';
import type { DomainDelegation } from './domain-delegation.js';
import type { FakeClock } from './fake-clock.js';
import { jsonResponse, type FakeRequest, type FakeResponse } from './http-exchange.js';
import {
  decodeAssertion,
  lifetimeAcceptable,
  signatureVerifies,
  type AssertionClaims,
} from './jwt-assertion.js';
import * as oauth from './oauth-errors.js';
import type { RefreshTokens } from './refresh-tokens.js';
import type { ServiceAccount } from './service-account.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface TokenEndpointContext {
  readonly clock: FakeClock;
  readonly accessTokens: AccessTokens;
  readonly refreshTokens: RefreshTokens;
  readonly delegation: DomainDelegation;
  serviceAccount(email: string): ServiceAccount | undefined;
  isDomainUser(email: string): boolean;
  accessTokenLifetimeSeconds(): number;
}

export function handleTokenRequest(request: FakeRequest, context: TokenEndpointContext): FakeResponse {
  const form = new URLSearchParams(request.body);
  const grantType = form.get('grant_type') ?? '';
  if (grantType === 'refresh_token') return refreshGrant(request, form, context);
  if (grantType === JWT_BEARER_GRANT) return jwtBearerGrant(form.get('assertion') ?? '', context);
  return oauth.unsupportedGrantType(grantType);
}

/** Client credentials come in the form (google-auth-library's default) or as HTTP Basic. */
function clientCredentials(request: FakeRequest, form: URLSearchParams): { id: string; secret: string } {
  const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
  if (basic !== null) {
    const [id = '', secret = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

function refreshGrant(
  request: FakeRequest,
  form: URLSearchParams,
  context: TokenEndpointContext,
): FakeResponse {
  const credentials = clientCredentials(request, form);
  const client = context.refreshTokens.client(credentials.id);
  if (client === undefined) return oauth.clientNotFound();
  if (client.clientSecret !== credentials.secret) return oauth.clientSecretWrong();
  const grant = context.refreshTokens.find(form.get('refresh_token') ?? '');
  if (grant === undefined || grant.clientId !== client.clientId) return oauth.refreshTokenUnknown();
  if (grant.revoked) return oauth.refreshTokenRevoked();
  const principal: TokenPrincipal = { kind: 'user', clientId: client.clientId, user: grant.user };
  return tokenResponse(context, principal, grant.scopes, true);
}

function tokenResponse(
  context: TokenEndpointContext,
  principal: TokenPrincipal,
  scopes: readonly string[],
  withScope: boolean,
): FakeResponse {
  const lifetime = context.accessTokenLifetimeSeconds();
  const record = context.accessTokens.issue(principal, scopes, lifetime);
  return jsonResponse(200, {
    access_token: record.token,
    expires_in: lifetime,
    ...(withScope ? { scope: scopes.join(' ') } : {}),
    token_type: 'Bearer',
  });
}

function jwtBearerGrant(assertion: string, context: TokenEndpointContext): FakeResponse {
  const decoded = decodeAssertion(assertion);
  if (decoded === undefined) return oauth.invalidJwtSignature();
  const { claims } = decoded;
  const account = typeof claims.iss === 'string' ? context.serviceAccount(claims.iss) : undefined;
  if (account === undefined) return oauth.accountNotFound();
  if (!signatureVerifies(decoded, account.publicKey)) return oauth.invalidJwtSignature();
  if (decoded.header.kid !== undefined && decoded.header.kid !== account.key.private_key_id) {
    return oauth.invalidJwtSignature();
  }
  if (claims.aud !== oauth.GOOGLE_TOKEN_AUDIENCE) return oauth.failedAudienceCheck();
  // Judged by the wall clock the client signs with: the fake clock ages server state, and moving
  // it ahead must not read as a client whose clock is a week slow.
  if (!lifetimeAcceptable(claims, Math.floor(Date.now() / 1000))) return oauth.notShortLived();
  const scopes = requestedScopes(claims);
  if (scopes.length === 0) return oauth.invalidScope();
  return delegatedToken(context, account, claims, scopes);
}

function requestedScopes(claims: AssertionClaims): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter((scope) => scope !== '') : [];
}

/** Without `sub` the token is the service account's own; with it, the admin's DWD decides. */
function delegatedToken(
  context: TokenEndpointContext,
  account: ServiceAccount,
  claims: AssertionClaims,
  scopes: readonly string[],
): FakeResponse {
  const base = { kind: 'serviceAccount', clientId: account.key.client_id } as const;
  const serviceAccountEmail = account.key.client_email;
  const subject =
    typeof claims.sub === 'string' && claims.sub !== serviceAccountEmail ? claims.sub : undefined;
  if (subject === undefined) {
    return tokenResponse(context, { ...base, user: undefined, serviceAccountEmail }, scopes, false);
  }
  if (!context.isDomainUser(subject)) return oauth.invalidSubject();
  const verdict = context.delegation.judge(account.key.client_id, scopes);
  if (verdict === 'none') return oauth.delegationNotGranted();
  if (verdict === 'partial') return oauth.delegationPartial();
  return tokenResponse(context, { ...base, user: subject, serviceAccountEmail }, scopes, false);
}
