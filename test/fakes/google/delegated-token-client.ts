/**
 * The way this project recommends a source obtain service-account tokens (see the report in the
 * branch's last commit and CLOUD-APIS.md §2.1, "production alternative"): sign the RS256
 * assertion itself with node:crypto, exchange it at the key file's `token_uri` (so pointing a
 * source at this fake, or at a proxy, is a matter of configuration), and hand the token to an
 * OAuth2Client through `refreshHandler`. With `forceRefreshOnFailure` the client asks for a new
 * token after a 401, which a JWT client never does (CLOUD-APIS.md §5).
 */
import { sign } from 'node:crypto';
import { auth } from '@googleapis/people';
import type { OAuth2Client } from './google-test-clients.js';
import type { ServiceAccountKey } from './service-account.js';

/** gtoken and Google both fix the audience to this, whatever URL the assertion is posted to. */
const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface DelegationRequest {
  readonly subject?: string;
  readonly scopes: readonly string[];
}

export function signAssertion(
  key: ServiceAccountKey,
  request: DelegationRequest,
  nowSeconds: number,
): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: key.private_key_id };
  const claims = {
    iss: key.client_email,
    scope: request.scopes.join(' '),
    aud: GOOGLE_TOKEN_AUDIENCE,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    ...(request.subject === undefined ? {} : { sub: request.subject }),
  };
  const input = [header, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.');
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.private_key).toString('base64url')}`;
}

interface TokenAnswer {
  readonly access_token?: string;
  readonly expires_in?: number;
  readonly error?: string;
  readonly error_description?: string;
}

/** POST the assertion to `tokenUri`; an OAuth error becomes an Error reading `error: description`. */
export async function exchangeAssertion(
  tokenUri: string,
  assertion: string,
): Promise<{ accessToken: string; expiresIn: number }> {
  const response = await fetch(tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }),
  });
  const answer = (await response.json()) as TokenAnswer;
  if (!response.ok || answer.access_token === undefined) {
    throw new Error(`${answer.error ?? response.status}: ${answer.error_description ?? ''}`);
  }
  return { accessToken: answer.access_token, expiresIn: answer.expires_in ?? 3600 };
}

export function delegatedTokenClient(key: ServiceAccountKey, request: DelegationRequest): OAuth2Client {
  const client = new auth.OAuth2({ forceRefreshOnFailure: true });
  client.refreshHandler = async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const token = await exchangeAssertion(key.token_uri, signAssertion(key, request, nowSeconds));
    return { access_token: token.accessToken, expiry_date: Date.now() + token.expiresIn * 1000 };
  };
  return client;
}
