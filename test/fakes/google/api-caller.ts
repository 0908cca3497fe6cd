/**
 * Who is calling an API method, checked in the order Google's front end checks it: a bearer token
 * that is present and valid (else 401), the API enabled for the caller's project (else 403
 * SERVICE_DISABLED), then a scope the method accepts (else 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT).
 */
import type { AccessTokenRecord, AccessTokens } from './access-tokens.js';
import { credentialsMissing, invalidCredentials, scopeInsufficient, serviceDisabled } from './api-errors.js';
import type { FakeRequest, FakeResponse } from './http-exchange.js';
import type { ApiMethod } from './people-scopes.js';

export interface Caller {
  readonly token: AccessTokenRecord;
  /** The Workspace (or consumer) user the token acts for; undefined for a bare service account. */
  readonly user: string | undefined;
}

export interface CallerChecks {
  readonly accessTokens: AccessTokens;
  readonly projectNumber: string;
  peopleApiEnabled(): boolean;
}

export type Authorized =
  { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly error: FakeResponse };

export function authorize(request: FakeRequest, method: ApiMethod, checks: CallerChecks): Authorized {
  const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
  if (bearer === null) return { ok: false, error: credentialsMissing(method.rpc) };
  const lookup = checks.accessTokens.lookup(bearer[1]!);
  if (lookup.state !== 'valid') {
    return { ok: false, error: invalidCredentials(method.rpc, lookup.state === 'expired') };
  }
  if (!checks.peopleApiEnabled()) return { ok: false, error: serviceDisabled(checks.projectNumber) };
  const { record } = lookup;
  if (!method.scopes.some((scope) => record.scopes.includes(scope))) {
    return { ok: false, error: scopeInsufficient(method.rpc, method.scopes) };
  }
  return { ok: true, caller: { token: record, user: record.principal.user } };
}
