/** Extended operations: Who am I? (RFC 4532); anything else is unknown and answers protocolError. */
import type { ExtendedRequest } from '../protocol/messages.js';
import { ResultCode } from '../protocol/result-codes.js';
import type { Operation } from './operation.js';
import { WHO_AM_I_OID } from './supported.js';

export async function extended(op: Operation<ExtendedRequest>): Promise<void> {
  const { oid } = op.message.request;
  if (oid === WHO_AM_I_OID) {
    await op.send({
      type: 'extendedResponse',
      resultCode: ResultCode.success,
      matchedDN: '',
      diagnosticMessage: '',
      responseValue: Buffer.from(op.identity.authzId, 'utf8'),
    });
    return;
  }
  await op.send({
    type: 'extendedResponse',
    resultCode: ResultCode.protocolError,
    matchedDN: '',
    diagnosticMessage: `unsupported extended operation ${oid}`,
  });
}
