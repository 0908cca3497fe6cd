/**
 * A service account with domain-wide delegation: it acts as `adminEmail` to read the directory and
 * as each user of `userContacts` to read their contacts. The source signs the RS256 assertion
 * itself (node:crypto) and posts it to the configured token URL (the key's `token_uri`, so a proxy
 * or a test stand-in is a setting): google-auth-library's JWT client hard-codes Google's URL.
 */
import { sign } from 'node:crypto';
import type { GoogleCredential } from './google-credential.js';
import type { ServiceAccountKey } from './service-account-key.js';
import {
  requestToken,
  tokenClient,
  type AccessToken,
  type OAuth2Client,
  type TokenRefused,
} from './token-request.js';

/** Google fixes the assertion's audience to this, whatever URL it is posted to. */
const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface ServiceAccountSettings {
  readonly key: ServiceAccountKey;
  readonly adminEmail: string;
  readonly tokenUrl: string;
  readonly timeoutMs: number;
}

/** The assertion for `subject` and `scopes`, valid for an hour from `nowSeconds` (RFC 7523). */
export function signAssertion(
  key: ServiceAccountKey,
  subject: string,
  scopes: readonly string[],
  nowSeconds: number,
): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = {
    iss: key.client_email,
    scope: scopes.join(' '),
    aud: GOOGLE_TOKEN_AUDIENCE,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    sub: subject,
  };
  const input = [header, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.');
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.private_key).toString('base64url')}`;
}

export class ServiceAccountCredential implements GoogleCredential {
  readonly account: string;

  constructor(private readonly settings: ServiceAccountSettings) {
    this.account = `the service account ${settings.key.client_email}`;
  }

  client(user: string | undefined, scope: string): OAuth2Client {
    return tokenClient(() => this.#token(user ?? this.settings.adminEmail, scope));
  }

  async verify(user: string | undefined, scope: string): Promise<string> {
    const subject = user ?? this.settings.adminEmail;
    await this.#token(subject, scope);
    return `${this.account} acts as ${subject} (domain-wide delegation of ${scope})`;
  }

  scopeMissing(scope: string): string {
    return `the token does not carry the scope ${scope}: grant it to client id ${this.settings.key.client_id} in the Admin console (Security > API controls > Domain-wide delegation)`;
  }

  refusal(error: TokenRefused, scope: string, user: string | undefined): string {
    const { key, adminEmail, tokenUrl } = this.settings;
    const google = `(Google: ${error.error}: ${error.description})`;
    if (error.error === 'unauthorized_client')
      return `${this.account} has no domain-wide delegation of ${scope}: in the Admin console (Security > API controls > Domain-wide delegation) add client id ${key.client_id} with that scope ${google}`;
    if (error.error === 'access_denied')
      return `the domain-wide delegation of client id ${key.client_id} does not cover ${scope}: add that scope to it in the Admin console ${google}`;
    if (error.error === 'invalid_grant' && /email or user id/i.test(error.description))
      return user === undefined
        ? `\`adminEmail\` ${adminEmail} is not a user of the Workspace domain: give an existing user the service account may act as ${google}`
        : `${user} (in \`userContacts\`) is not a user of the Workspace domain ${google}`;
    if (error.error === 'invalid_grant' && /account not found|signature/i.test(error.description))
      return `Google does not accept \`serviceAccountKey\` (${error.description}): the key was deleted or belongs to another account; download a new key`;
    return `the token endpoint ${tokenUrl} refused ${this.account}: ${error.error}${error.description ? `: ${error.description}` : ''}`;
  }

  #token(subject: string, scope: string): Promise<AccessToken> {
    const { key, tokenUrl, timeoutMs } = this.settings;
    const assertion = signAssertion(key, subject, [scope], Math.floor(Date.now() / 1000));
    return requestToken(tokenUrl, { grant_type: JWT_BEARER_GRANT, assertion }, timeoutMs);
  }
}

/** Whether Google refused to act as a user it does not know (one left the domain, or a typo). */
export function isUnknownUser(error: TokenRefused): boolean {
  return error.error === 'invalid_grant' && /email or user id/i.test(error.description);
}
