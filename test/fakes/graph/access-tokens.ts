/**
 * The access tokens the fake issued and the bearer check every Graph call passes. Tokens look like
 * Entra ID's (a JWT: header.payload.signature, with aud, iss, tid, appid, roles or scp, exp), so a
 * source that peeks at `exp` sees the real shape; the fake trusts only tokens it issued itself,
 * looked up by value. A test can expire every issued token at once, to prove a source renews its
 * token after a 401.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { invalidToken } from './graph-errors.js';

export const GRAPH_RESOURCE_ID = '00000003-0000-0000-c000-000000000000';

export interface Grant {
  readonly kind: 'app' | 'delegated';
  readonly tenantId: string;
  readonly clientId: string;
  /** Application permissions (app-only tokens). */
  readonly roles: readonly string[];
  /** Delegated permissions (user tokens). */
  readonly scopes: readonly string[];
  /** The signed-in user's object id (delegated tokens). */
  readonly userId?: string;
  readonly expiresAt: number;
}

export class AccessTokens {
  readonly #grants = new Map<string, Grant>();

  constructor(public lifetimeSeconds: number) {}

  issue(grant: Omit<Grant, 'expiresAt'>): { readonly token: string; readonly grant: Grant } {
    const now = Date.now();
    const full: Grant = { ...grant, expiresAt: now + this.lifetimeSeconds * 1000 };
    const token = jwt(
      { typ: 'JWT', alg: 'RS256', kid: 'fake-graph-key' },
      {
        aud: 'https://graph.microsoft.com',
        iss: `https://sts.windows.net/${grant.tenantId}/`,
        iat: Math.floor(now / 1000),
        nbf: Math.floor(now / 1000),
        exp: Math.floor(full.expiresAt / 1000),
        appid: grant.clientId,
        tid: grant.tenantId,
        ...(grant.kind === 'app'
          ? { roles: grant.roles }
          : { scp: grant.scopes.join(' '), oid: grant.userId }),
        uti: randomUUID(),
        ver: '1.0',
      },
    );
    this.#grants.set(token, full);
    return { token, grant: full };
  }

  /** Every token issued so far is expired from now on (new ones are not). */
  expireAll(): void {
    const past = Date.now() - 1;
    for (const [token, grant] of this.#grants) this.#grants.set(token, { ...grant, expiresAt: past });
  }

  get issued(): number {
    return this.#grants.size;
  }

  /** The grant behind an `Authorization` header, or Graph's 401. */
  check(authorization: string | undefined): Grant {
    const match = /^Bearer\s+(.*)$/i.exec(authorization ?? '');
    const token = match?.[1]?.trim() ?? '';
    if (token === '') throw invalidToken('Access token is empty.');
    const grant = this.#grants.get(token);
    if (grant === undefined) {
      throw invalidToken(
        token.split('.').length === 3
          ? 'Access token validation failure. Invalid audience.'
          : 'IDX14100: JWT is not well formed, there are no dots (.).',
      );
    }
    if (grant.expiresAt <= Date.now())
      throw invalidToken('Lifetime validation failed, the token is expired.');
    return grant;
  }
}

/** An unsigned-looking JWT: the signature is random bytes, which nothing here verifies. */
export function jwt(header: object, payload: object): string {
  const encode = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode(header)}.${encode(payload)}.${randomBytes(32).toString('base64url')}`;
}
