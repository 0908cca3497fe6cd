/**
 * The unsolicited Notice of Disconnection (RFC 4511 section 4.4.1): an extendedResponse with
 * messageID 0 the server sends just before it closes a connection on its own initiative
 * (protocolError for an unreadable message, unavailable on shutdown, ...).
 */
import { encodeResponse } from './response-encoder.js';

export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

export function noticeOfDisconnection(resultCode: number, diagnosticMessage: string): Uint8Array {
  return encodeResponse({
    messageId: 0,
    response: {
      type: 'extendedResponse',
      resultCode,
      diagnosticMessage,
      responseName: NOTICE_OF_DISCONNECTION_OID,
    },
  });
}
