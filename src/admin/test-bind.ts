/**
 * The status page's test bind: a name and a password put to the same Authenticator as an LDAP bind,
 * so the throttle, sign-on delegation (AD, Domino, Graph) and the failure counts apply exactly as
 * they do to LDAP, and the page is no cheaper a way to guess passwords. The admin listener speaks
 * plain HTTP, so the bind counts as one without TLS: from an address that is not trusted it is
 * refused strongerAuthRequired (8) before any password is checked, as over plain LDAP. The verdict
 * is the backend's own (its result code and diagnostic); the password is never kept or shown.
 */
import type { BindOutcome, SimpleBind } from '../auth/authenticator.js';
import { ResultCode } from '../protocol/result-codes.js';

/** The Authenticator the LDAP front uses. */
export interface BindChecker {
  bind(request: SimpleBind, signal: AbortSignal): Promise<BindOutcome>;
}

export interface TestBindRequest {
  readonly name: string;
  readonly password: string;
  /** The browser's address (no port): throttled and trusted as an LDAP client's would be. */
  readonly remoteAddress: string;
}

export interface TestBindResult {
  /** The name tried, as typed (never the password). */
  readonly name: string;
  readonly resultCode: number;
  /** RFC 4511's name of the result code (`invalidCredentials`). */
  readonly resultName: string;
  /** What an LDAP client would be told. */
  readonly diagnostic: string;
  /** Who the bind made the caller (`dn:...`, `u:...`), when it succeeded. */
  readonly boundAs?: string;
  /** How long the throttle held the answer back. */
  readonly delayedMs: number;
  readonly ms: number;
}

/** Longest the page waits for a verdict (a backend that does not answer, a long throttle delay). */
const BIND_DEADLINE_MS = 30_000;

export async function runTestBind(
  checker: BindChecker,
  request: TestBindRequest,
  signal: AbortSignal,
): Promise<TestBindResult> {
  const started = performance.now();
  const password = Buffer.from(request.password, 'utf8');
  let outcome: BindOutcome;
  try {
    outcome = await checker.bind(
      { name: request.name, password, remoteAddress: request.remoteAddress, secure: false },
      AbortSignal.any([signal, AbortSignal.timeout(BIND_DEADLINE_MS)]),
    );
  } finally {
    password.fill(0);
  }
  const ms = performance.now() - started;
  if (outcome.ok) {
    return {
      name: request.name,
      resultCode: ResultCode.success,
      resultName: 'success',
      diagnostic: '',
      boundAs: outcome.identity.authzId === '' ? 'anonymous' : outcome.identity.authzId,
      delayedMs: outcome.delayedMs,
      ms,
    };
  }
  return {
    name: request.name,
    resultCode: ResultCode[outcome.code],
    resultName: outcome.code,
    diagnostic: outcome.diagnostic,
    delayedMs: outcome.delayedMs,
    ms,
  };
}
