/** The google source's settings, read from its config once checked and defaulted against its schema. */
import type { SourceConfig } from '../../config/types.js';
import { SourceError } from '../source.js';

/** The fields of a service account's JSON key the source reads. */
export interface ServiceAccountKey {
  readonly client_email: string;
  readonly client_id: string;
  readonly private_key: string;
  readonly private_key_id?: string;
  readonly token_uri: string;
}

export interface GoogleSourceSettings {
  readonly name: string;
  readonly key: ServiceAccountKey;
  readonly adminEmail: string;
  /** The token endpoint: `tokenUrl` or the key's `token_uri`. */
  readonly tokenUrl: string;
  /** The People API's root, ending in `/`. */
  readonly rootUrl: string;
  readonly directory: boolean;
  /** Users whose own Google Contacts are served as contacts (`userContacts.users`), each once. */
  readonly userContacts?: readonly string[];
  readonly changeIntervalMs: number;
  readonly timeoutMs: number;
}

interface GoogleConfig extends SourceConfig {
  readonly serviceAccountKey: string;
  readonly adminEmail: string;
  readonly directory: boolean;
  readonly userContacts?: { readonly users: readonly string[] };
  readonly tokenUrl?: string;
  readonly rootUrl: string;
  readonly changeInterval: number;
  readonly timeout: number;
}

export function readGoogleSettings(config: SourceConfig): GoogleSourceSettings {
  const google = config as GoogleConfig;
  const fail = (message: string, cause?: unknown): never => {
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
  const key = readKey(google.serviceAccountKey, fail);
  return {
    name: config.name,
    key,
    adminEmail: google.adminEmail,
    tokenUrl: google.tokenUrl ?? key.token_uri,
    rootUrl: google.rootUrl.endsWith('/') ? google.rootUrl : `${google.rootUrl}/`,
    directory: google.directory,
    ...(users.length > 0 ? { userContacts: users } : {}),
    changeIntervalMs: google.changeInterval * 1000,
    timeoutMs: google.timeout * 1000,
  };
}

const KEY_FIELDS = ['client_email', 'client_id', 'private_key'] as const;

/** The key's JSON text: a service account key (`"type": "service_account"`) with what signing needs. */
function readKey(text: string, fail: (message: string, cause?: unknown) => never): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The text itself is a secret: never quoted.
    return fail(
      'serviceAccountKey is not JSON: give the JSON key file Google downloads (`file:/path/key.json`)',
      error,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return fail('serviceAccountKey is not a JSON object: give the JSON key file Google downloads');
  const key = parsed as Readonly<Record<string, unknown>>;
  if (key.type !== 'service_account')
    return fail(
      `serviceAccountKey is not a service account's key (its type is ${JSON.stringify(key.type ?? null)}, not "service_account")`,
    );
  for (const field of KEY_FIELDS)
    if (typeof key[field] !== 'string' || key[field] === '')
      return fail(`serviceAccountKey has no ${field}: give the whole JSON key file Google downloads`);
  const tokenUri = typeof key.token_uri === 'string' ? key.token_uri : 'https://oauth2.googleapis.com/token';
  return {
    client_email: key.client_email as string,
    client_id: key.client_id as string,
    private_key: key.private_key as string,
    ...(typeof key.private_key_id === 'string' ? { private_key_id: key.private_key_id } : {}),
    token_uri: tokenUri,
  };
}
