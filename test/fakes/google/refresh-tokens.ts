/**
 * OAuth clients of the fake project and the refresh tokens users granted them (the outcome of a
 * consent screen the fake does not draw). Revoking a grant is what a user or admin does in their
 * account settings; the next refresh then fails with invalid_grant.
 */
import { randomBytes } from 'node:crypto';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface RefreshGrant {
  readonly refreshToken: string;
  readonly clientId: string;
  readonly user: string;
  readonly scopes: readonly string[];
  revoked: boolean;
}

export class RefreshTokens {
  private readonly clients = new Map<string, OAuthClient>();
  private readonly grants = new Map<string, RefreshGrant>();

  addClient(client?: Partial<OAuthClient>): OAuthClient {
    const created: OAuthClient = {
      clientId:
        client?.clientId ??
        `${randomDigits(12)}-${randomBytes(16).toString('hex')}.apps.googleusercontent.com`,
      clientSecret: client?.clientSecret ?? `GOCSPX-${randomBytes(21).toString('base64url')}`,
    };
    this.clients.set(created.clientId, created);
    return created;
  }

  client(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  grant(clientId: string, user: string, scopes: readonly string[]): RefreshGrant {
    // Google's refresh tokens start with `1//`; the rest is opaque.
    const grant: RefreshGrant = {
      refreshToken: `1//${randomBytes(48).toString('base64url')}`,
      clientId,
      user,
      scopes,
      revoked: false,
    };
    this.grants.set(grant.refreshToken, grant);
    return grant;
  }

  find(refreshToken: string): RefreshGrant | undefined {
    return this.grants.get(refreshToken);
  }

  revoke(refreshToken: string): void {
    const grant = this.grants.get(refreshToken);
    if (grant !== undefined) grant.revoked = true;
  }
}

function randomDigits(count: number): string {
  return Array.from(randomBytes(count), (byte) => String(byte % 10)).join('');
}
