/** The bind operation: LDAPv3 and v2 simple binds, decided by the authenticator. */
import type { Identity } from '../auth/identity.js';
import type { BindRequest } from '../protocol/messages.js';
import { ResultCode } from '../protocol/result-codes.js';
import type { Operation } from './operation.js';

/** Answers the bind and returns the identity the connection now has (anonymous when it failed). */
export async function bind(op: Operation<BindRequest>): Promise<Identity | undefined> {
  const { request } = op.message;
  if (request.version !== 3 && request.version !== 2) {
    await done(op, ResultCode.protocolError, `LDAP version ${request.version} is not supported`);
    return undefined;
  }
  if (request.auth.method !== 'simple') {
    await done(op, ResultCode.authMethodNotSupported, `SASL ${request.auth.mechanism} is not supported`);
    return undefined;
  }
  const { remoteAddress, secure } = op.connection;
  // A reload that retires a sign-on source meanwhile closes it only once this bind is answered.
  const release = op.services.holdSignOn?.();
  let outcome;
  try {
    outcome = await op.services.authenticator.bind(
      { name: request.name, password: request.auth.password, remoteAddress, secure },
      op.cancellation,
    );
  } finally {
    release?.();
  }
  if (outcome.delayedMs > 0) {
    op.services.events?.bindThrottled();
    // Names only, never the password: an operator sees which login is being guessed, and from where.
    op.services.logger.warn(
      { conn: op.connection.id, peer: remoteAddress, dn: request.name, delayMs: outcome.delayedMs },
      'bind throttled after repeated failures',
    );
  }
  if (!outcome.ok) {
    await done(op, ResultCode[outcome.code], outcome.diagnostic);
    return undefined;
  }
  await done(op, ResultCode.success);
  return outcome.identity;
}

function done(op: Operation, resultCode: number, diagnosticMessage = ''): Promise<void> {
  return op.send({ type: 'bindResponse', resultCode, matchedDN: '', diagnosticMessage });
}
