/**
 * One request to Google's OAuth token endpoint (RFC 6749 §4.1.3/§6, RFC 7523 §2.1), shared by the
 * two credentials, and the auth client that uses it. The OAuth2 client of google-auth-library does
 * the People API's requests; its `refreshHandler` asks here for each token, and
 * `forceRefreshOnFailure` makes it drop a token Google answers 401 to and ask again (a service
 * account's JWT client never does: CLOUD-APIS.md §5). One request path means one refusal type,
 * TokenRefused, whatever the credential.
 */
import { auth } from '@googleapis/people';

export type OAuth2Client = InstanceType<typeof auth.OAuth2>;

/** The token endpoint refused: its OAuth error code and description. */
export class TokenRefused extends Error {
  override name = 'TokenRefused';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`the token endpoint refused: ${error}${description ? ` (${description})` : ''}`);
  }
}

export interface AccessToken {
  readonly accessToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

interface TokenAnswer {
  readonly access_token?: unknown;
  readonly expires_in?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
}

/** Posts `form` to the token endpoint; TokenRefused when it says no. */
export async function requestToken(
  tokenUrl: string,
  form: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<AccessToken> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(timeoutMs),
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

/** An OAuth2 client that gets each token from `fetchToken`, and a new one after a 401. */
export function tokenClient(fetchToken: () => Promise<AccessToken>): OAuth2Client {
  const client = new auth.OAuth2({ forceRefreshOnFailure: true });
  client.refreshHandler = async () => {
    const token = await fetchToken();
    return { access_token: token.accessToken, expiry_date: token.expiresAt };
  };
  return client;
}
