/**
 * Who sent a request, by its Authorization header and the schemes the fake's IIS has enabled. A
 * failure is a 401 with an empty body (the library turns any 401 into "401 Unauthorized") and the
 * WWW-Authenticate challenges of every enabled scheme; a refused bearer token adds x-ms-diagnostics.
 */
import type { Socket } from 'node:net';
import type { Accounts, Principal } from './accounts.js';
import { basicPrincipal } from './basic.js';
import type { BearerTokens } from './bearer.js';
import type { NtlmHandshakes } from './ntlm-handshake.js';

export type AuthScheme = 'basic' | 'ntlm' | 'negotiate' | 'bearer';

export interface AuthSettings {
  readonly schemes: readonly AuthScheme[];
  /** Host name in Basic's realm. */
  readonly realm: string;
  /** Tenant id in the Bearer challenge's trusted_issuers. */
  readonly tenantId: string;
}

export type AuthResult =
  | { readonly kind: 'authenticated'; readonly scheme: AuthScheme; readonly principal: Principal }
  | {
      readonly kind: 'unauthorized';
      readonly scheme: AuthScheme | 'none';
      readonly headers: Record<string, string | string[]>;
    };

export interface Authenticator {
  readonly settings: AuthSettings;
  readonly accounts: Accounts;
  readonly tokens: BearerTokens;
  readonly ntlm: NtlmHandshakes;
}

export function authenticate(
  auth: Authenticator,
  authorization: string | undefined,
  socket: Socket,
): AuthResult {
  const [rawScheme = '', token = ''] = (authorization ?? '').trim().split(/\s+/, 2);
  const scheme = rawScheme.toLowerCase();
  if (authorization === undefined || authorization.trim() === '') return connectionOrChallenge(auth, socket);
  if (!isEnabled(auth, scheme)) return unauthorized(auth, 'none');
  switch (scheme) {
    case 'basic': {
      const principal = basicPrincipal(token, auth.accounts);
      return principal === undefined
        ? unauthorized(auth, 'basic')
        : { kind: 'authenticated', scheme, principal };
    }
    case 'ntlm':
    case 'negotiate':
      return ntlm(auth, scheme, token, socket);
    case 'bearer': {
      const outcome = auth.tokens.authenticate(token, auth.accounts);
      if (outcome.kind === 'authenticated')
        return { kind: 'authenticated', scheme, principal: outcome.principal };
      return unauthorized(auth, 'bearer', { 'x-ms-diagnostics': outcome.diagnostics });
    }
    default:
      return unauthorized(auth, 'none');
  }
}

function isEnabled(auth: Authenticator, scheme: string): scheme is AuthScheme {
  return (auth.settings.schemes as readonly string[]).includes(scheme);
}

function ntlm(auth: Authenticator, scheme: 'ntlm' | 'negotiate', token: string, socket: Socket): AuthResult {
  const outcome = auth.ntlm.handle(socket, scheme === 'ntlm' ? 'NTLM' : 'Negotiate', token);
  if (outcome.kind === 'authenticated')
    return { kind: 'authenticated', scheme, principal: outcome.principal };
  if (outcome.kind === 'challenge') {
    return { kind: 'unauthorized', scheme, headers: { 'www-authenticate': outcome.wwwAuthenticate } };
  }
  return unauthorized(auth, scheme);
}

/** No Authorization header: an NTLM-authenticated connection still counts, as in IIS. */
function connectionOrChallenge(auth: Authenticator, socket: Socket): AuthResult {
  const principal = auth.ntlm.connectionPrincipal(socket);
  if (principal !== undefined) return { kind: 'authenticated', scheme: 'ntlm', principal };
  return unauthorized(auth, 'none');
}

function unauthorized(
  auth: Authenticator,
  scheme: AuthScheme | 'none',
  extra: Record<string, string> = {},
): AuthResult {
  return {
    kind: 'unauthorized',
    scheme,
    headers: { 'www-authenticate': challenges(auth.settings, scheme), ...extra },
  };
}

function challenges(settings: AuthSettings, failed: AuthScheme | 'none'): string[] {
  const offered: string[] = [];
  for (const scheme of settings.schemes) {
    if (scheme === 'negotiate') offered.push('Negotiate');
    if (scheme === 'ntlm') offered.push('NTLM');
    if (scheme === 'basic') offered.push(`Basic realm="${settings.realm}"`);
    if (scheme === 'bearer') {
      offered.push(
        `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@${settings.tenantId}", token_types="app_asserted_user_v1 service_asserted_app_v1"` +
          (failed === 'bearer' ? ', error="invalid_token"' : ''),
      );
    }
  }
  return offered;
}
