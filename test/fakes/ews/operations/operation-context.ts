/**
 * What an operation handler gets: the data, who is asking and in whose mailbox, and the server's
 * limits; and what it gives back: an HTTP status and an XML body.
 */
import type { Principal } from '../auth/accounts.js';
import type { ActingAs } from '../auth/impersonation.js';
import type { ServerVersion } from '../soap/envelope.js';
import type { XmlElement } from '../soap/xml-node.js';
import type { Gal } from '../store/gal.js';
import type { MailboxStore } from '../store/mailbox-store.js';
import type { SyncStates } from '../sync/sync-states.js';

export interface ServerLimits {
  /** EWSFindCountLimit: most entries one FindItem/FindFolder page returns (1000). */
  readonly findCountLimit: number;
  /** Most entries a FindItem with a Restriction or QueryString returns per page. */
  readonly searchCountLimit: number;
  /** Most resolutions one ResolveNames returns (100). */
  readonly resolveNamesLimit: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  findCountLimit: 1000,
  searchCountLimit: 250,
  resolveNamesLimit: 100,
};

export interface OperationContext {
  readonly store: MailboxStore;
  readonly gal: Gal;
  readonly syncStates: SyncStates;
  readonly principal: Principal;
  readonly acting: ActingAs;
  readonly limits: ServerLimits;
  readonly serverVersion: ServerVersion;
}

export interface OperationResult {
  readonly status: number;
  readonly body: string;
}

export type OperationHandler = (context: OperationContext, request: XmlElement) => OperationResult;
