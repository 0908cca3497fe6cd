/**
 * What a rejection of ews-javascript-api says, read the same way whatever its shape: a
 * SoapFaultDetails (an HTTP error or a SOAP fault: `HttpStatusCode`, `ResponseCode`,
 * `ErrorDetails`), a ServiceResponseException (an error inside a 200: `ErrorCode`,
 * `Response.ErrorDetails`), or anything else thrown. And the one plain sentence an operator reads.
 */
import { ServiceError } from 'ews-javascript-api';
import type { EwsCredential } from './ews-settings.js';

export interface EwsFailure {
  /** The EWS response code's name (`ErrorServerBusy`), when there is one. */
  readonly code?: string;
  /** The HTTP status; 0 when no HTTP answer came (timeout, refused, untrusted certificate). */
  readonly httpStatus?: number;
  readonly message: string;
  /** ErrorServerBusy's `BackOffMilliseconds`. */
  readonly backOffMs?: number;
}

export function readFailure(error: unknown): EwsFailure {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const number = typeof record.ResponseCode === 'number' ? record.ResponseCode : record.ErrorCode;
  const code = typeof number === 'number' ? ServiceError[number] : undefined;
  const httpStatus = typeof record.HttpStatusCode === 'number' ? record.HttpStatusCode : undefined;
  const message =
    typeof record.message === 'string'
      ? record.message
      : error instanceof Error
        ? error.message
        : String(error);
  const response = record.Response as Record<string, unknown> | undefined;
  const backOff = detail(record.ErrorDetails ?? response?.ErrorDetails, 'BackOffMilliseconds');
  const backOffMs = backOff === undefined ? undefined : Number(backOff);
  return {
    ...(code === undefined || code === 'NoError' ? {} : { code }),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    message,
    ...(backOffMs === undefined || !Number.isFinite(backOffMs) ? {} : { backOffMs }),
  };
}

/** Where the failure happened, for its sentence. */
export interface FailureScene {
  /** The mailbox worked in (impersonated); undefined: the account's own. */
  readonly mailbox?: string;
  readonly credential: EwsCredential['kind'];
}

export function failureSentence(failure: EwsFailure, scene: FailureScene): string {
  const whose = scene.mailbox === undefined ? "the account's own mailbox" : scene.mailbox;
  switch (failure.code) {
    case 'ErrorImpersonateUserDenied':
      return `EWS refused to impersonate ${whose} (ErrorImpersonateUserDenied): give the account the ApplicationImpersonation role`;
    case 'ErrorNonExistentMailbox':
      return `Exchange has no mailbox ${whose} (ErrorNonExistentMailbox)`;
    case 'ErrorServerBusy':
      return `Exchange is busy (ErrorServerBusy)${failure.backOffMs === undefined ? '' : ` and asked to wait ${Math.ceil(failure.backOffMs / 1000)} s`}`;
    case 'ErrorExceededConnectionCount':
      return 'the account has more connections to EWS open than Exchange allows (ErrorExceededConnectionCount, EWSMaxConcurrency): other applications may be using it too';
    case 'ErrorAccessDenied':
      return `EWS denied access to ${whose} (ErrorAccessDenied): ${failure.message}`;
    default:
      break;
  }
  if (failure.httpStatus === 401)
    return scene.credential === 'bearer'
      ? `EWS refused the token (HTTP 401${failure.message && failure.message !== '401 Unauthorized' ? `: ${failure.message}` : ''})`
      : `EWS refused the sign-in (HTTP 401): wrong user name or password, or ${scene.credential === 'ntlm' ? 'NTLM (Windows authentication)' : 'Basic authentication'} is not enabled on the EWS virtual directory`;
  if (failure.httpStatus === 503)
    return 'EWS is unavailable (HTTP 503): the server is overloaded or restarting';
  // ErrorInternalServerError is also what the library reports when there was no EWS code at all
  // (no answer, or our XHR layer's stand-in for a non-SOAP 500): naming it would add nothing.
  const code =
    failure.code === undefined || failure.code === 'ErrorInternalServerError' ? '' : ` (${failure.code})`;
  return `${failure.message || `HTTP ${failure.httpStatus ?? '?'}`}${code}`;
}

/** A value of the library's Dictionary<string, string> (`get` throws for a missing key). */
function detail(dictionary: unknown, key: string): string | undefined {
  const candidate = dictionary as { containsKey?: unknown; get?: unknown } | undefined;
  if (typeof candidate?.containsKey !== 'function' || typeof candidate.get !== 'function') return undefined;
  const containsKey = candidate.containsKey as (key: string) => boolean;
  const get = candidate.get as (key: string) => unknown;
  if (!containsKey.call(dictionary, key)) return undefined;
  const value = get.call(dictionary, key);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
