/**
 * The service account's tokens, with domain-wide delegation to `adminEmail`: the source signs the
 * RS256 assertion itself (node:crypto) and exchanges it at the configured token URL (the key's
 * `token_uri`, so a proxy or a test stand-in is a setting), then hands the token to an OAuth2
 * client through `refreshHandler`. google-auth-library's JWT client hard-codes Google's token URL
 * and never asks for a new token after a 401 (CLOUD-APIS.md §5); this client, with
 * `forceRefreshOnFailure`, drops the token and asks for a new one.
 */
import { sign } from 'node:crypto';
import { auth } from '@googleapis/people';
import type { ServiceAccountKey } from './google-settings.js';

export type OAuth2Client = InstanceType<typeof auth.OAuth2>;

/** Google fixes the assertion's audience to this, whatever URL it is posted to. */
const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/directory.readonly';
export const CONTACTS_SCOPE = 'https://www.googleapis.com/auth/contacts.readonly';

/** The token endpoint refused: its OAuth error code and description. */
export class TokenRefused extends Error {
  override name = 'TokenRefused';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(
      `the token endpoint refused the service account: ${error}${description ? ` (${description})` : ''}`,
    );
  }
}

export interface DelegatedTokenOptions {
  readonly key: ServiceAccountKey;
  readonly tokenUrl: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly timeoutMs: number;
}

export function signAssertion(options: DelegatedTokenOptions, nowSeconds: number): string {
  const { key } = options;
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = {
    iss: key.client_email,
    scope: options.scopes.join(' '),
    aud: GOOGLE_TOKEN_AUDIENCE,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    sub: options.subject,
  };
  const input = [header, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.');
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.private_key).toString('base64url')}`;
}

interface TokenAnswer {
  readonly access_token?: unknown;
  readonly expires_in?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
}

/** One access token for the delegated scopes; TokenRefused when the endpoint says no. */
export async function delegatedToken(
  options: DelegatedTokenOptions,
): Promise<{ readonly accessToken: string; readonly expiresAt: number }> {
  const assertion = signAssertion(options, Math.floor(Date.now() / 1000));
  const response = await fetch(options.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  let answer: TokenAnswer = {};
  try {
    answer = (await response.json()) as TokenAnswer;
  } catch {
    // not JSON: reported by status below
  }
  if (!response.ok || typeof answer.access_token !== 'string')
    throw new TokenRefused(
      response.status,
      typeof answer.error === 'string' ? answer.error : `HTTP ${response.status}`,
      typeof answer.error_description === 'string' ? answer.error_description : '',
    );
  const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
  return { accessToken: answer.access_token, expiresAt: Date.now() + expiresIn * 1000 };
}

/** An OAuth2 client that gets its tokens by delegation, and a new one after a 401. */
export function delegatedClient(options: DelegatedTokenOptions): OAuth2Client {
  const client = new auth.OAuth2({ forceRefreshOnFailure: true });
  client.refreshHandler = async () => {
    const token = await delegatedToken(options);
    return { access_token: token.accessToken, expiry_date: token.expiresAt };
  };
  return client;
}
