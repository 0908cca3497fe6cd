/**
 * OAuth bearer tokens, as Exchange Online (and hybrid on-premises) takes them. The fake cannot check
 * Entra ID signatures, so tokens are registered with what they grant; the token string is opaque
 * (ews-javascript-api sends it verbatim with `new OAuthCredentials(token, true)`). A token it does
 * not know gets a 401 whose `x-ms-diagnostics` says why, in Exchange's words: a JWT for another
 * audience is 2000003, anything else cannot be parsed (2000001).
 */
import type { Accounts, Principal } from './accounts.js';
import { principalOf } from './accounts.js';

export interface TokenGrant {
  /** A delegated token: acts as the account with this UPN. */
  readonly upn?: string;
  /** An app-only token (client credentials): the application's name. */
  readonly application?: string;
  /** App-only: holds full_access_as_app, so it may impersonate any mailbox. */
  readonly impersonation?: boolean;
  /** Refuse the token with this `x-ms-diagnostics` value (an expired or revoked token). */
  readonly rejectWith?: string;
}

export type BearerOutcome =
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  | { readonly kind: 'rejected'; readonly diagnostics: string };

export const EXCHANGE_AUDIENCES = ['https://outlook.office365.com', '00000002-0000-0ff1-ce00-000000000000'];

export const UNPARSABLE_TOKEN =
  '2000001;reason="OAuth token submitted with the request cannot be parsed.";error_category="invalid_token"';
export const WRONG_AUDIENCE =
  '2000003;reason="The audience claim value is invalid \'aud\'.";error_category="invalid_resource"';

export class BearerTokens {
  private readonly grants = new Map<string, TokenGrant>();

  add(token: string, grant: TokenGrant): void {
    this.grants.set(token, grant);
  }

  revoke(token: string, diagnostics: string): void {
    const grant = this.grants.get(token) ?? {};
    this.grants.set(token, { ...grant, rejectWith: diagnostics });
  }

  authenticate(token: string, accounts: Accounts): BearerOutcome {
    const grant = this.grants.get(token);
    if (grant === undefined) return { kind: 'rejected', diagnostics: unknownTokenDiagnostics(token) };
    if (grant.rejectWith !== undefined) return { kind: 'rejected', diagnostics: grant.rejectWith };
    if (grant.upn !== undefined) {
      const account = accounts.byUpn(grant.upn);
      return account === undefined
        ? { kind: 'rejected', diagnostics: UNPARSABLE_TOKEN }
        : { kind: 'authenticated', principal: principalOf(account) };
    }
    return {
      kind: 'authenticated',
      principal: {
        kind: 'application',
        name: grant.application ?? 'application',
        mailbox: undefined,
        impersonation: grant.impersonation ?? false,
        fullAccess: [],
      },
    };
  }
}

function unknownTokenDiagnostics(token: string): string {
  const audience = jwtAudience(token);
  if (audience !== undefined && !EXCHANGE_AUDIENCES.includes(audience)) return WRONG_AUDIENCE;
  return UNPARSABLE_TOKEN;
}

function jwtAudience(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const audience = (claims as Record<string, unknown>).aud;
    return typeof audience === 'string' ? audience : undefined;
  } catch {
    return undefined;
  }
}
