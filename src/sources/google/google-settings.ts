/** The google source's settings, read from its config once checked and defaulted against its schema. */
import type { SourceConfig } from '../../config/types.js';
import { SourceError } from '../source.js';
import type { GoogleCredentialSettings } from './credential-settings.js';
import { readServiceAccountKey } from './service-account-key.js';

export interface GoogleSourceSettings {
  readonly name: string;
  readonly credential: GoogleCredentialSettings;
  /** The People API's root, ending in `/`. */
  readonly rootUrl: string;
  readonly directory: boolean;
  /** Users whose own Google Contacts are served as contacts (`userContacts.users`), each once. */
  readonly userContacts?: readonly string[];
  /** Also their "other contacts" (addresses Gmail collected). */
  readonly otherContacts: boolean;
  readonly changeIntervalMs: number;
  readonly timeoutMs: number;
}

interface GoogleConfig extends SourceConfig {
  readonly serviceAccountKey?: string;
  readonly adminEmail?: string;
  readonly oauth?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly refreshToken: string;
  };
  readonly directory: boolean;
  readonly userContacts?: { readonly users: readonly string[]; readonly otherContacts: boolean };
  readonly tokenUrl?: string;
  readonly rootUrl: string;
  readonly changeInterval: number;
  readonly timeout: number;
}

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

type Fail = (message: string, cause?: unknown) => never;

export function readGoogleSettings(config: SourceConfig): GoogleSourceSettings {
  const google = config as GoogleConfig;
  const fail: Fail = (message, cause) => {
    throw new SourceError(config.name, message, cause === undefined ? undefined : { cause });
  };
  if (!google.directory && google.userContacts === undefined)
    fail('directory is false and userContacts is not set: the source would serve nobody');
  const users = google.userContacts?.users ?? [];
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.toLowerCase())) fail(`userContacts.users: ${user} is listed twice`);
    seen.add(user.toLowerCase());
  }
  return {
    name: config.name,
    credential: readCredential(google, fail),
    rootUrl: google.rootUrl.endsWith('/') ? google.rootUrl : `${google.rootUrl}/`,
    directory: google.directory,
    ...(users.length > 0 ? { userContacts: users } : {}),
    otherContacts: google.userContacts?.otherContacts ?? false,
    changeIntervalMs: google.changeInterval * 1000,
    timeoutMs: google.timeout * 1000,
  };
}

/** The schema lets exactly one of `serviceAccountKey` and `oauth` through; what goes with each is checked here. */
function readCredential(google: GoogleConfig, fail: Fail): GoogleCredentialSettings {
  if (google.oauth !== undefined) {
    if (google.adminEmail !== undefined)
      fail(
        'adminEmail goes with serviceAccountKey: with `oauth` everything is read as the account that consented',
      );
    const users = google.userContacts?.users ?? [];
    if (users.length > 1)
      fail(
        `userContacts.users lists ${users.length} users, but a refresh token (\`oauth\`) reads one account's contacts: list that account only, or use a service account`,
      );
    return { kind: 'oauth', ...google.oauth, tokenUrl: google.tokenUrl ?? GOOGLE_TOKEN_URL };
  }
  if (google.adminEmail === undefined)
    return fail('adminEmail is required with serviceAccountKey: the user the service account acts as');
  const key = readServiceAccountKey(google.serviceAccountKey ?? '', fail);
  return {
    kind: 'serviceAccount',
    key,
    adminEmail: google.adminEmail,
    tokenUrl: google.tokenUrl ?? key.token_uri,
  };
}
