/**
 * Access tokens the fake has issued: who they stand for, which scopes they carry, when they
 * expire. API calls look their bearer token up here; tests expire or revoke them on demand.
 */
import { randomBytes } from 'node:crypto';
import type { FakeClock } from './fake-clock.js';

/** Who a token acts for. `user` is the Workspace user (OAuth user or DWD `sub`), if any. */
export interface TokenPrincipal {
  readonly kind: 'user' | 'serviceAccount';
  readonly clientId: string;
  readonly user: string | undefined;
  readonly serviceAccountEmail?: string;
}

export interface AccessTokenRecord {
  readonly token: string;
  readonly principal: TokenPrincipal;
  readonly scopes: readonly string[];
  expiresAt: number;
  revoked: boolean;
}

export type TokenLookup =
  | { readonly state: 'valid'; readonly record: AccessTokenRecord }
  | { readonly state: 'expired' | 'revoked' | 'unknown' };

export class AccessTokens {
  private readonly records = new Map<string, AccessTokenRecord>();

  constructor(private readonly clock: FakeClock) {}

  issue(principal: TokenPrincipal, scopes: readonly string[], lifetimeSeconds: number): AccessTokenRecord {
    // The `ya29.` prefix is what Google's access tokens start with; sources must not rely on it.
    const token = `ya29.${randomBytes(24).toString('base64url')}`;
    const record: AccessTokenRecord = {
      token,
      principal,
      scopes,
      expiresAt: this.clock.now() + lifetimeSeconds * 1000,
      revoked: false,
    };
    this.records.set(token, record);
    return record;
  }

  lookup(token: string): TokenLookup {
    const record = this.records.get(token);
    if (record === undefined) return { state: 'unknown' };
    if (record.revoked) return { state: 'revoked' };
    if (record.expiresAt <= this.clock.now()) return { state: 'expired' };
    return { state: 'valid', record };
  }

  /** Every token issued so far, newest last. */
  all(): readonly AccessTokenRecord[] {
    return [...this.records.values()];
  }

  /** Expire every token (or those matching) now, as if their hour had passed. */
  expire(match: (record: AccessTokenRecord) => boolean = () => true): void {
    const now = this.clock.now();
    for (const record of this.records.values()) if (match(record)) record.expiresAt = now;
  }

  revoke(match: (record: AccessTokenRecord) => boolean = () => true): void {
    for (const record of this.records.values()) if (match(record)) record.revoked = true;
  }
}
