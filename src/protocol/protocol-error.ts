import type { Request } from './messages.js';

/**
 * A request the server cannot act on. What the server does depends on `messageId`:
 * - set: the envelope (SEQUENCE and messageID) was readable, the operation body was not. Answer that
 *   operation with protocolError (2) under this messageId (if the operation has a response at all:
 *   unbind and abandon have none) and carry on with the connection.
 * - undefined: the envelope itself is unreadable or the protocolOp is not a known request. Send a
 *   Notice of Disconnection (protocolError) and close the connection.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly messageId: number | undefined;
  readonly operation: Request['type'] | undefined;

  constructor(
    message: string,
    options: { messageId?: number; operation?: Request['type']; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.messageId = options.messageId;
    this.operation = options.operation;
  }
}
