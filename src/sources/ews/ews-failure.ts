/**
 * A failed EWS call as the source reports it: what EWS said (failure-reading.ts reads it from the
 * library's rejection) and the one plain sentence an operator reads.
 */
import { SourceError } from '../source.js';
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

/** A failed EWS call: the sentence, with what EWS said kept for callers that act on it. */
export class EwsCallFailed extends SourceError {
  constructor(
    source: string,
    readonly failure: EwsFailure,
    scene: FailureScene,
    cause: unknown,
  ) {
    super(source, failureSentence(failure, scene), { cause });
    this.name = 'EwsCallFailed';
  }
}
