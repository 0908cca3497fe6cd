/**
 * Entra ID's token-endpoint refusals in plain words that name the setting to fix. The AADSTS number
 * is read from `error_codes` (or the `error_description` text), and the number is kept in the
 * sentence so an operator can look it up.
 */

/** AADSTS number -> what it means for a client-credentials token, and what to change. */
const APP_REASONS: Readonly<Record<number, string>> = {
  90002: 'the tenant does not exist in this cloud: check `tenant` (and `authorityUrl` for a national cloud)',
  700016: 'no application with this client id in the tenant: check `clientId` and `tenant`',
  7000215: 'the client secret is wrong: check `clientSecret` (use the secret value, not its id)',
  7000222: 'the client secret has expired: create a new one and set `clientSecret`',
  7000218: 'the application needs a credential: set `clientSecret` or `certificate`',
  700027:
    'the certificate is not registered on the application, or `certificate.key` is not its private key: upload `certificate.cert` to the app registration (Certificates & secrets) or fix `certificate`',
  700024:
    "the certificate's client assertion is outside its valid time range: check this machine's clock (assertions are signed for ten minutes from now)",
  700023:
    'the client assertion names another token endpoint: check `authorityUrl` and `tenant` (used with `certificate`)',
  50027:
    'the client assertion was not accepted as a JWT: check `certificate` (an RSA certificate and its key)',
  700025: 'the application is a public client, which cannot use a client secret: register a confidential one',
  65001:
    "an administrator has not consented to the application's permissions: grant admin consent for User.Read.All (and OrgContact.Read.All, Contacts.Read as needed)",
  500011: 'Microsoft Graph is not available to this tenant: check `graphUrl` against `authorityUrl`',
  1002012: 'the scope was refused: check `graphUrl` (the scope is `<graphUrl>/.default`)',
};

export interface TokenRefusal {
  readonly status: number;
  readonly error?: string;
  readonly code?: number;
  readonly description?: string;
}

/** One sentence for a refused token request, without Entra ID's trace and correlation lines. */
export function refusalSentence(refusal: TokenRefusal): string {
  const code = refusal.code;
  const known = code === undefined ? undefined : APP_REASONS[code];
  if (known !== undefined) return `Entra ID refused the token (AADSTS${code}): ${known}`;
  const first = refusal.description?.split(/\r?\n/)[0]?.trim();
  const what = first !== undefined && first !== '' ? first : (refusal.error ?? `HTTP ${refusal.status}`);
  return `Entra ID refused the token: ${what}`;
}

/** The refusal an error body describes (Entra ID's JSON, or anything else a proxy answered). */
export function readRefusal(status: number, body: unknown): TokenRefusal {
  if (typeof body !== 'object' || body === null) return { status };
  const fields = body as Record<string, unknown>;
  const description = typeof fields.error_description === 'string' ? fields.error_description : undefined;
  const listed: unknown = Array.isArray(fields.error_codes)
    ? (fields.error_codes as unknown[])[0]
    : undefined;
  const written = description === undefined ? undefined : /AADSTS(\d+)/.exec(description)?.[1];
  const code = typeof listed === 'number' ? listed : written === undefined ? undefined : Number(written);
  return {
    status,
    ...(typeof fields.error === 'string' ? { error: fields.error } : {}),
    ...(code === undefined ? {} : { code }),
    ...(description === undefined ? {} : { description }),
  };
}
