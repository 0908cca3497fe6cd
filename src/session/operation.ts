/** One request being answered: its message, who asked, and how to answer it. */
import type { Identity } from '../auth/identity.js';
import type { Control, Request, RequestMessage, Response } from '../protocol/messages.js';
import type { Cancellation } from './cancellation.js';
import type { PagedSearches } from './paged-searches.js';
import type { SessionServices } from './services.js';

/** The connection an operation arrived on, as policy needs to see it. */
export interface ConnectionInfo {
  readonly id: number;
  /** The client's address (no port), for trusted-address and throttling decisions. */
  readonly remoteAddress: string;
  /** Whether the connection is protected by TLS (LDAPS, or after StartTLS). */
  readonly secure: boolean;
  /** Index of the listener (`listen[]`) it arrived on, for that listener's view. */
  readonly listener?: number;
}

export interface Operation<R extends Request = Request> {
  readonly message: RequestMessage<R>;
  readonly services: SessionServices;
  readonly identity: Identity;
  readonly connection: ConnectionInfo;
  readonly paged: PagedSearches;
  /** Cancelled when the client abandons the operation or the connection closes. */
  readonly cancellation: Cancellation;
  /** The cancellation as an AbortSignal, made on first use (prefer `cancellation` on hot paths). */
  readonly signal: AbortSignal;
  /**
   * Sends a response with this operation's message id; resolves when the socket can take more, and
   * is SENT when it could at once.
   */
  send(response: Response, controls?: readonly Control[]): Promise<void>;
}

/**
 * What `send` returns for a response the connection took at once (nearly always): a search sending
 * fifty hits need not wait a turn of the microtask queue after each.
 */
export const SENT: Promise<void> = Promise.resolve();
