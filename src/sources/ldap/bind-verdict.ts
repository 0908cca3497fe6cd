/**
 * A backend's answer to a user's bind, as a sign-on verdict: the result code by name and the
 * server's own diagnostic text, unchanged, so an admin reads AD's `data 52e` as AD wrote it.
 */
import { ResultCodeError } from 'ldapts';
import type { AuthFailure, AuthVerdict } from '../source.js';

const FAILURES: ReadonlyMap<number, AuthFailure> = new Map([
  [1, 'operationsError'],
  [8, 'strongerAuthRequired'],
  [13, 'confidentialityRequired'],
  [48, 'inappropriateAuthentication'],
  [49, 'invalidCredentials'],
  [50, 'insufficientAccessRights'],
  [51, 'busy'],
  [52, 'unavailable'],
  [53, 'unwillingToPerform'],
]);

/** The verdict for an LDAP result error from a bind. */
export function refusedBind(error: ResultCodeError): AuthVerdict {
  return { ok: false, code: FAILURES.get(error.code) ?? 'other', diagnostic: serverDiagnostic(error) };
}

/**
 * The server's diagnosticMessage: ldapts appends ` Code: 0x31` to it (and uses a text of its own
 * when the server sent none, which is then not the server's to pass on).
 */
export function serverDiagnostic(error: ResultCodeError): string {
  const suffix = ` Code: 0x${error.code.toString(16)}`;
  const text = error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
  return text === defaultMessage(error) ? '' : text;
}

/** The text ldapts uses for an error class when the server's message is absent. */
function defaultMessage(error: ResultCodeError): string | undefined {
  if (Object.getPrototypeOf(error) === ResultCodeError.prototype) return undefined;
  const ErrorClass = error.constructor as new () => ResultCodeError;
  try {
    const probe = new ErrorClass();
    const suffix = ` Code: 0x${probe.code.toString(16)}`;
    return probe.message.endsWith(suffix) ? probe.message.slice(0, -suffix.length) : probe.message;
  } catch {
    return undefined;
  }
}
