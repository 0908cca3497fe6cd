/**
 * The People API as one reader: `@googleapis/people` pointed at `rootUrl`, authenticated by the
 * source's credential as one user for one scope (the directory's reader, or a user of
 * `userContacts` for their own contacts), with gaxios's retries on 429 and 5xx and the source's
 * timeout. Google's errors become plain sentences here, read from their status and ErrorInfo reason.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { people, type people_v1 } from '@googleapis/people';
import { CursorExpired } from '../change-feed.js';
import { SourceError } from '../source.js';
import type { GoogleCredential } from './google-credential.js';
import type { GoogleSourceSettings } from './google-settings.js';
import { TokenRefused } from './token-request.js';

/** gaxios's retries within one request: 3, after about 0.5, 1.5 and 3.5 s, each jittered. */
const RETRIES = 3;
/** A Retry-After longer than this is not waited for within a request: the round fails and backs off. */
const LONGEST_RETRY_AFTER_MS = 30_000;

export class PeopleReader {
  readonly api: people_v1.People;

  constructor(
    readonly settings: GoogleSourceSettings,
    readonly credential: GoogleCredential,
    /** A user of `userContacts`; undefined for the directory. */
    readonly user: string | undefined,
    readonly scope: string,
  ) {
    this.api = people({
      version: 'v1',
      rootUrl: settings.rootUrl,
      auth: credential.client(user, scope),
      timeout: settings.timeoutMs,
      retryConfig: {
        retry: RETRIES,
        // A request that got no answer (a hang past `timeout`, a reset) is not tried again within
        // the page: gaxios would retry some such errors twice, with a fresh timeout but without the
        // round's abort signal, so one hung page could hold a round until the page deadline (seen
        // once under load). The next round tries again.
        noResponseRetries: 0,
        statusCodesToRetry: [
          [100, 199],
          [408, 408],
          [429, 429],
          [500, 599],
        ],
        retryBackoff: (error, delayMs) => sleep(retryDelay(error.response?.headers, delayMs)),
      },
    });
  }

  /**
   * The longest one page may take, retries and their waits included: each try has `timeout`, but a
   * round stuck past this (seen once on a loaded CI machine, not understood) would hold every later
   * round, so the page is abandoned and the round fails.
   */
  get pageDeadlineMs(): number {
    return this.settings.timeoutMs * (RETRIES + 1) + 10_000;
  }

  /** A failed call as a SourceError with its sentence (a CursorExpired or SourceError passes). */
  error(error: unknown): Error {
    if (error instanceof SourceError || error instanceof CursorExpired) return error;
    return new SourceError(this.settings.name, this.explain(error), { cause: error });
  }

  /** A failed call as the sentence an operator acts on, naming the setting to fix. */
  explain(error: unknown): string {
    const sentence =
      error instanceof TokenRefused
        ? this.credential.refusal(error, this.scope, this.user)
        : this.#apiSentence(error);
    return this.user === undefined ? sentence : `${this.user}'s contacts: ${sentence}`;
  }

  #apiSentence(error: unknown): string {
    const { settings } = this;
    const failure = failureOf(error);
    if (failure.reason === 'SERVICE_DISABLED')
      return `the People API is disabled in the Google Cloud project of ${this.credential.account}: enable it (APIs & Services > Library > People API) and wait a few minutes (Google: ${failure.message})`;
    if (failure.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') return this.credential.scopeMissing(this.scope);
    if (failure.code === 'FAILED_PRECONDITION' && /domain user/i.test(failure.message))
      return `Google refuses to list the directory for the account it is read as (${failure.message}): read it as a user of the Workspace domain (\`adminEmail\`, or the account that consented to \`oauth.refreshToken\`)`;
    if (failure.status === 429)
      return `Google's quota is exhausted and stayed so through ${RETRIES} retries (${failure.message}); the copy keeps serving and the source backs off before it asks again`;
    if (failure.status !== undefined)
      return `the People API answered ${failure.status}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}`;
    // gaxios aborts a request at `timeout`; noResponseRetries keeps it from trying again.
    if (/aborted|timeout/i.test(failure.message))
      return `the People API at ${settings.rootUrl} did not answer within ${settings.timeoutMs / 1000} s (\`timeout\`); the copy keeps serving and the next round tries again`;
    return `cannot reach the People API at ${settings.rootUrl}: ${failure.message}`;
  }
}

/**
 * How long to wait before gaxios's next try: the answer's Retry-After where it gives a short one,
 * else gaxios's exponential delay spread by ±50 % so that rounds of many sources (or many
 * dirbridge instances) that failed together do not retry together.
 */
export function retryDelay(headers: Headers | undefined, delayMs: number, random = Math.random): number {
  const retryAfter = Number(headers?.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter * 1000 <= LONGEST_RETRY_AFTER_MS)
    return retryAfter * 1000;
  return delayMs * (0.5 + random());
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

/** Google's quota refused the call past the retries: 429 RESOURCE_EXHAUSTED. */
export function isQuotaExhausted(error: unknown): boolean {
  const failure = (error instanceof SourceError ? error.cause : error) ?? error;
  const { status, code } = failureOf(failure);
  return status === 429 || code === 'RESOURCE_EXHAUSTED';
}
