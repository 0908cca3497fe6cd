/**
 * One account's OAuth refresh token (an installed or web app the account consented to): it reads
 * the directory as that account and, with `userContacts`, that account's own contacts. Google
 * revokes such a token when the account revokes the app's access, changes a password (for Gmail
 * scopes), or leaves it unused for six months; the sentence says to make a new one.
 */
import type { GoogleCredential } from './google-credential.js';
import {
  requestToken,
  tokenClient,
  type AccessToken,
  type OAuth2Client,
  type TokenRefused,
} from './token-request.js';

export interface RefreshTokenSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly tokenUrl: string;
  readonly timeoutMs: number;
}

export class RefreshTokenCredential implements GoogleCredential {
  readonly account: string;
  /** One client for every listing: all are read as the one account. */
  #client: OAuth2Client | undefined;

  constructor(private readonly settings: RefreshTokenSettings) {
    this.account = `the refresh token of OAuth client ${settings.clientId}`;
  }

  client(): OAuth2Client {
    this.#client ??= tokenClient(() => this.#token());
    return this.#client;
  }

  async verify(user: string | undefined, scope: string): Promise<string> {
    await this.#token();
    return `${this.account} gives tokens${user === undefined ? '' : ` for ${user}`} (it must carry ${scope})`;
  }

  scopeMissing(scope: string): string {
    return `\`oauth.refreshToken\` was granted without the scope ${scope}: make a new one with the account's consent to it`;
  }

  refusal(error: TokenRefused): string {
    const { clientId, tokenUrl } = this.settings;
    const google = `(Google: ${error.error}: ${error.description})`;
    if (error.error === 'invalid_grant' && /expired or revoked/i.test(error.description))
      return `Google revoked \`oauth.refreshToken\` or it expired (access removed in the account's security settings, a password change, or six months unused): make a new refresh token with the account's consent ${google}`;
    if (error.error === 'invalid_grant')
      return `Google does not know \`oauth.refreshToken\` (mistyped, or issued to another OAuth client than ${clientId}) ${google}`;
    if (error.error === 'invalid_client')
      return `Google does not accept the OAuth client: \`oauth.clientId\` ${clientId} is unknown or \`oauth.clientSecret\` is wrong ${google}`;
    return `the token endpoint ${tokenUrl} refused ${this.account}: ${error.error}${error.description ? `: ${error.description}` : ''}`;
  }

  #token(): Promise<AccessToken> {
    const { clientId, clientSecret, refreshToken, tokenUrl, timeoutMs } = this.settings;
    return requestToken(
      tokenUrl,
      {
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
      },
      timeoutMs,
    );
  }
}
