/**
 * The People API client for one source: `@googleapis/people` pointed at `rootUrl`, authenticated by
 * the delegated service account (delegated-tokens.ts), with gaxios's retries on 429 and 5xx
 * (3 retries, 100 ms, 500 ms, 1.5 s: CLOUD-APIS.md §2.4) and the source's timeout. Google's
 * errors become plain sentences here (googleError), read from their status and ErrorInfo reason.
 */
import { people, type people_v1 } from '@googleapis/people';
import { CursorExpired } from '../change-feed.js';
import { SourceError } from '../source.js';
import { CONTACTS_SCOPE, delegatedClient, DIRECTORY_SCOPE, TokenRefused } from './delegated-tokens.js';
import type { GoogleSourceSettings } from './google-settings.js';

/** The People API as `subject` (the admin for the directory, a user of `userContacts` for their own contacts). */
export function peopleApi(
  settings: GoogleSourceSettings,
  subject = settings.adminEmail,
  scope = DIRECTORY_SCOPE,
): people_v1.People {
  return people({
    version: 'v1',
    rootUrl: settings.rootUrl,
    auth: delegatedClient({
      key: settings.key,
      tokenUrl: settings.tokenUrl,
      subject,
      scopes: [scope],
      timeoutMs: settings.timeoutMs,
    }),
    timeout: settings.timeoutMs,
    retryConfig: {
      retry: 3,
      statusCodesToRetry: [
        [100, 199],
        [408, 408],
        [429, 429],
        [500, 599],
      ],
    },
  });
}

interface GoogleErrorBody {
  readonly error?: {
    readonly code?: number;
    readonly status?: string;
    readonly message?: string;
    readonly details?: readonly { readonly reason?: string }[];
  };
}

/** What a failed call reports: its HTTP status, Google's status and ErrorInfo reason, its message. */
export interface GoogleFailure {
  readonly status?: number;
  readonly code?: string;
  readonly reason?: string;
  readonly message: string;
}

export function failureOf(error: unknown): GoogleFailure {
  const response = (error as { response?: { status?: number; data?: unknown } } | null)?.response;
  const body = (response?.data ?? {}) as GoogleErrorBody;
  const reason = body.error?.details?.find((detail) => typeof detail.reason === 'string')?.reason;
  return {
    ...(response?.status === undefined ? {} : { status: response.status }),
    ...(body.error?.status === undefined ? {} : { code: body.error.status }),
    ...(reason === undefined ? {} : { reason }),
    message: body.error?.message ?? (error instanceof Error ? error.message : String(error)),
  };
}

/** An expired or unknown sync token: 400 EXPIRED_SYNC_TOKEN, or 410 Gone. */
export function isExpiredSyncToken(error: unknown): boolean {
  const failure = failureOf(error);
  return failure.status === 410 || failure.reason === 'EXPIRED_SYNC_TOKEN';
}

/** A failed call as the sentence an operator acts on, naming the setting to fix. */
/** `user`: the call was made as this user of `userContacts` (for their own contacts). */
export function googleError(
  source: string,
  settings: GoogleSourceSettings,
  error: unknown,
  user?: string,
): Error {
  if (error instanceof SourceError || error instanceof CursorExpired) return error;
  return new SourceError(source, explain(settings, error, user), { cause: error });
}

export function explain(settings: GoogleSourceSettings, error: unknown, user?: string): string {
  if (error instanceof TokenRefused) {
    const sentence = tokenSentence(settings, error, user);
    return user === undefined ? sentence : `${user}'s contacts: ${sentence}`;
  }
  const sentence = apiSentence(settings, error, user);
  return user === undefined ? sentence : `${user}'s contacts: ${sentence}`;
}

function apiSentence(settings: GoogleSourceSettings, error: unknown, user: string | undefined): string {
  const scope = user === undefined ? DIRECTORY_SCOPE : CONTACTS_SCOPE;
  const failure = failureOf(error);
  const clientId = settings.key.client_id;
  if (failure.reason === 'SERVICE_DISABLED')
    return `the People API is disabled in the service account's Google Cloud project: enable it (APIs & Services > Library > People API) and wait a few minutes (Google: ${failure.message})`;
  if (failure.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')
    return `the token does not carry the scope ${scope}: grant it to client id ${clientId} in the Admin console (Security > API controls > Domain-wide delegation)`;
  if (failure.code === 'FAILED_PRECONDITION' && /domain user/i.test(failure.message))
    return `Google refuses to list the directory for \`adminEmail\` ${settings.adminEmail} (${failure.message}): give a user of the Workspace domain`;
  if (failure.status === 429)
    return `Google's quota is exhausted and stayed so through 3 retries (${failure.message}); the copy keeps serving and the next round tries again`;
  if (failure.status !== undefined)
    return `the People API answered ${failure.status}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}`;
  // gaxios aborts a request at `timeout` and does not retry it (verified against the fake's hang).
  if (/aborted|timeout/i.test(failure.message))
    return `the People API at ${settings.rootUrl} did not answer within ${settings.timeoutMs / 1000} s (\`timeout\`); the copy keeps serving and the next round tries again`;
  return `cannot reach the People API at ${settings.rootUrl}: ${failure.message}`;
}

function tokenSentence(
  settings: GoogleSourceSettings,
  error: TokenRefused,
  user: string | undefined,
): string {
  const clientId = settings.key.client_id;
  const scope = user === undefined ? DIRECTORY_SCOPE : CONTACTS_SCOPE;
  const account = settings.key.client_email;
  if (error.error === 'unauthorized_client')
    return `the service account ${account} has no domain-wide delegation of ${scope}: in the Admin console (Security > API controls > Domain-wide delegation) add client id ${clientId} with that scope (Google: ${error.error}: ${error.description})`;
  if (error.error === 'access_denied')
    return `the domain-wide delegation of client id ${clientId} does not cover ${scope}: add that scope to it in the Admin console (Google: ${error.error}: ${error.description})`;
  if (error.error === 'invalid_grant' && /email or user id/i.test(error.description) && user !== undefined)
    return `${user} (in \`userContacts\`) is not a user of the Workspace domain (Google: ${error.error}: ${error.description})`;
  if (error.error === 'invalid_grant' && /email or user id/i.test(error.description))
    return `\`adminEmail\` ${settings.adminEmail} is not a user of the Workspace domain: give an existing user the service account may act as (Google: ${error.error}: ${error.description})`;
  if (error.error === 'invalid_grant' && /account not found|signature/i.test(error.description))
    return `Google does not accept \`serviceAccountKey\` (${error.description}): the key was deleted or belongs to another account; download a new key`;
  return `the token endpoint ${settings.tokenUrl} refused the service account ${account}: ${error.error}${error.description ? `: ${error.description}` : ''}`;
}
