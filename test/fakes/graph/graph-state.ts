/**
 * Everything the routes read: the tenant and its apps, issued tokens, the directory's users,
 * orgContacts and groups, mailboxes, and the settings tests may change between requests.
 */
import type { AccessTokens } from './access-tokens.js';
import type { DeltaEngine } from './delta-feed.js';
import type { GraphGroup, GraphUser, OrgContact } from './directory-model.js';
import type { Identity } from './identity.js';
import type { MailboxConcurrency } from './mailbox-concurrency.js';
import type { MailboxStore } from './mailbox-store.js';
import type { TokenSealer } from './signed-tokens.js';
import type { TrackedCollection } from './tracked-collection.js';

export interface GraphSettings {
  /** Objects per page of a directory delta round (users, orgContacts). */
  deltaPageSize: number;
  /** Contacts per page of a mailbox folder's delta round without `Prefer: odata.maxpagesize`. */
  mailboxDeltaPageSize: number;
}

export interface GraphState {
  readonly identity: Identity;
  readonly tokens: AccessTokens;
  readonly users: TrackedCollection<GraphUser>;
  readonly orgContacts: TrackedCollection<OrgContact>;
  readonly groups: TrackedCollection<GraphGroup>;
  readonly mailboxes: MailboxStore;
  readonly concurrency: MailboxConcurrency;
  readonly sealer: TokenSealer;
  readonly delta: DeltaEngine;
  readonly settings: GraphSettings;
}
