/**
 * The compare operation (RFC 4511 4.10), answered by the same evaluator that decides searches. The
 * attribute is the caller's name for it, renamed through its view (docs/views.md); one the view
 * renamed away is held by no entry: noSuchAttribute.
 */
import { DirectoryError } from '../directory/directory-error.js';
import type { CompareRequest } from '../protocol/messages.js';
import { ResultCode } from '../protocol/result-codes.js';
import { NO_ATTRIBUTE } from '../view/attribute-list-renaming.js';
import { RENAMED_AWAY } from '../view/presented-view.js';
import type { Operation } from './operation.js';

const CODES = {
  true: ResultCode.compareTrue,
  false: ResultCode.compareFalse,
  noSuchAttribute: ResultCode.noSuchAttribute,
  undefinedAttributeType: ResultCode.undefinedAttributeType,
} as const;

export async function compare(op: Operation<CompareRequest>): Promise<void> {
  const { request } = op.message;
  const { directory, access, views } = op.services;
  let resultCode: number;
  let matchedDN = '';
  let message = '';
  try {
    const decision = access.read(op.identity, directory.baseClass(request.entry) === 'public', 'compare');
    if (!decision.allowed) {
      resultCode = ResultCode.insufficientAccessRights;
      message = decision.diagnostic;
    } else {
      const { entry, value } = request;
      const presented = views?.viewFor(op.identity, op.connection.listener)?.presented(request.attribute);
      const attribute = presented === RENAMED_AWAY ? NO_ATTRIBUTE : (presented ?? request.attribute);
      const outcome = await directory.compare(entry, attribute, value, op.signal, decision.visibility);
      resultCode = CODES[presented === RENAMED_AWAY ? 'noSuchAttribute' : outcome];
    }
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    resultCode = ResultCode[error.code];
    matchedDN = error.matchedDN ?? '';
    message = error.message;
  }
  if (op.signal.aborted) return;
  await op.send({ type: 'compareResponse', resultCode, matchedDN, diagnosticMessage: message });
}
