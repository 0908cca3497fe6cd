/**
 * Entra ID's answer to a ROPC request as the LDAP verdict of a bind (docs/sign-on.md), with the
 * AADSTS number in the diagnostic, as AD's `data 52e` is in its:
 * - a refusal of the user (`invalid_grant`) is invalidCredentials (49), as CLOUD-APIS.md §1.4 and
 *   AD's own answers have it: a locked (50053), disabled (50057) or expired (50055) account, and
 *   also MFA (50076, 50079) and Conditional Access (53003). Those last are answered 49, not
 *   strongerAuthRequired (8): no stronger LDAP bind would satisfy them (the client can do nothing
 *   but give up, as for AD's logon-hours and workstation refusals, also 49), PBXs show 49 as "sign-on
 *   refused" while they take 8 for a TLS problem (dirbridge's own 8 means "use TLS"), and a 49 is
 *   counted by the bind throttle while an 8 is not;
 * - a wrong password (50126) and an unknown user (50034) get one and the same diagnostic, so a bind
 *   through dirbridge does not tell whether a name exists;
 * - a refusal of the app or the tenant (a wrong `signOnClientId`, a missing consent) is nothing the
 *   user did: unavailable (52), in plain words naming the setting, as `check` says it;
 * - a throttled token endpoint (429, or `temporarily_unavailable`) is busy (51): the client may try
 *   again; any other failure to get an answer is unavailable (52).
 */
import type { AuthFailure } from '../source.js';
import { readRefusal, refusalSentence, type TokenRefusal } from './aadsts-reason.js';
import type { RopcSettings } from './ropc-settings.js';

/** What a wrong password and an unknown user are both answered, word for word. */
export const CREDENTIALS_REFUSED =
  'AADSTS50126: invalid user name or password (an unknown user, AADSTS50034, is answered the same)';

/** Refusals of the user, by AADSTS number: what the diagnostic says after the number. */
const USER_REASONS: Readonly<Record<number, string>> = {
  50053:
    'the account is locked after too many failed sign-ins (Entra ID smart lockout), or sign-ins from this address are blocked; it unlocks by itself after a while',
  50057: 'the account is disabled',
  50055: 'the password has expired: the user must change it in Microsoft 365 first',
  50056: 'the account has no password in Entra ID (a passwordless or federated account)',
  50076: 'Entra ID requires multi-factor authentication for this user, which a password bind cannot give',
  50079:
    'Entra ID requires this user to register for multi-factor authentication, which a password bind cannot do',
  50158: 'Entra ID requires an external security challenge, which a password bind cannot answer',
  53003:
    "blocked by a Conditional Access policy: an administrator can exclude the sign-on app or dirbridge's address from it",
};

/** Refusals that name the user but mean the same as a wrong password. */
const CREDENTIALS_CODES = new Set([50126, 50034]);

/** Refusals of the app or the tenant that an operator fixes, in words naming the setting. */
function appReason(
  code: number | undefined,
  settings: Pick<RopcSettings, 'clientIdSetting'>,
): string | undefined {
  const app = `\`${settings.clientIdSetting}\``;
  switch (code) {
    case 700016:
      return `no application with this client id in the tenant: check ${app} and \`tenant\``;
    case 7000218:
      return settings.clientIdSetting === 'signOnClientId'
        ? 'the sign-on app is a confidential client, which needs its secret: turn on "Allow public client flows" for it, or leave `signOnClientId` out to sign on through `clientId` and its secret'
        : 'the application needs a client secret: set `clientSecret`';
    case 700025:
      return 'the application is a public client, which must not send a secret: set `signOnClientId` to it instead';
    case 65001:
      return `an administrator has not consented to the delegated permission User.Read of ${app}: grant admin consent`;
    case 7000112:
      return `the application ${app} is disabled in the tenant`;
    default:
      return undefined;
  }
}

export type RopcVerdict =
  | { readonly ok: true; readonly userId?: string }
  | {
      readonly ok: false;
      readonly code: AuthFailure;
      readonly diagnostic: string;
      /** A wrong password or an unknown user (CREDENTIALS_REFUSED). */
      readonly credentials?: true;
    };

/** The verdict of a token-endpoint answer (`body` is its JSON, undefined when it was none). */
export function ropcVerdict(
  status: number,
  body: Readonly<Record<string, unknown>> | undefined,
  settings: Pick<RopcSettings, 'clientIdSetting'>,
  retryAfter?: string | null,
): RopcVerdict {
  if (status >= 200 && status < 300) {
    if (typeof body?.access_token !== 'string')
      return unavailable('Entra ID answered the sign-on without a token');
    const userId = userIdOf(body.id_token);
    return userId === undefined ? { ok: true } : { ok: true, userId };
  }
  const refusal = readRefusal(status, body);
  if (status === 429 || refusal.error === 'temporarily_unavailable') {
    const wait = retryAfter === null || retryAfter === undefined ? '' : ` (Retry-After: ${retryAfter} s)`;
    return { ok: false, code: 'busy', diagnostic: `Entra ID is throttling sign-ons, try again${wait}` };
  }
  const code = refusal.code;
  const forApp = appReason(code, settings);
  if (forApp !== undefined) return unavailable(`Entra ID refused the sign-on (AADSTS${code}): ${forApp}`);
  if (refusal.error === 'invalid_grant') {
    if (code !== undefined && CREDENTIALS_CODES.has(code))
      return { ok: false, code: 'invalidCredentials', diagnostic: CREDENTIALS_REFUSED, credentials: true };
    const reason = code === undefined ? undefined : USER_REASONS[code];
    return {
      ok: false,
      code: 'invalidCredentials',
      diagnostic: reason !== undefined ? `AADSTS${code}: ${reason}` : firstLine(refusal),
    };
  }
  return unavailable(refusalSentence(refusal));
}

/** The signed-on user's object id, from the ID token Entra ID gave us over TLS (its `oid` claim). */
function userIdOf(idToken: unknown): string | undefined {
  if (typeof idToken !== 'string') return undefined;
  const payload = idToken.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const oid = (claims as { oid?: unknown } | null)?.oid;
    return typeof oid === 'string' && oid !== '' ? oid : undefined;
  } catch {
    return undefined;
  }
}

/** Entra ID's own first line (`AADSTS50144: ...`), without its trace and correlation lines. */
function firstLine(refusal: TokenRefusal): string {
  const line = refusal.description?.split(/\r?\n/)[0]?.trim();
  if (line !== undefined && line !== '') return line;
  return refusal.code !== undefined ? `AADSTS${refusal.code}` : (refusal.error ?? `HTTP ${refusal.status}`);
}

function unavailable(diagnostic: string): RopcVerdict {
  return { ok: false, code: 'unavailable', diagnostic };
}
