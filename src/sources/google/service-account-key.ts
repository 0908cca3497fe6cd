/** A service account's JSON key as Google's console downloads it: read and checked, never quoted. */

/** The fields of a service account's JSON key the source reads. */
export interface ServiceAccountKey {
  readonly client_email: string;
  readonly client_id: string;
  readonly private_key: string;
  readonly private_key_id?: string;
  readonly token_uri: string;
}

type Fail = (message: string, cause?: unknown) => never;

const KEY_FIELDS = ['client_email', 'client_id', 'private_key'] as const;

/** The key's JSON text: a service account key (`"type": "service_account"`) with what signing needs. */
export function readServiceAccountKey(text: string, fail: Fail): ServiceAccountKey {
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
