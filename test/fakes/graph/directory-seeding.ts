/**
 * Fills a fake's directory with generated data (seed-data.ts): users, orgContacts, and mailboxes
 * for the first enabled members with mail, each with most contacts in the default Contacts folder
 * and a fifth in a "Lieferanten" subfolder, so folder listings and per-folder deltas have work.
 */
import type { DirectoryControl } from './directory-control.js';
import type { MailboxStore } from './mailbox-store.js';
import { generateMailContacts, generateOrgContacts, generateUsers } from './seed-data.js';

export interface SeedOptions {
  readonly users?: number;
  readonly orgContacts?: number;
  /** How many users (enabled members with mail) get a mailbox with personal contacts. */
  readonly mailboxes?: number;
  readonly contactsPerMailbox?: number;
  /** Same seed, same data (default 1). */
  readonly seed?: number;
}

export interface SeedSummary {
  readonly userIds: readonly string[];
  readonly orgContactIds: readonly string[];
  /** The users given a mailbox. */
  readonly mailboxUserIds: readonly string[];
}

export function seedDirectory(
  directory: DirectoryControl,
  mailboxes: MailboxStore,
  options: SeedOptions,
): SeedSummary {
  const seed = options.seed ?? 1;
  const userIds = generateUsers(options.users ?? 0, seed).map((user) => directory.users.add(user).id);
  const orgContactIds = generateOrgContacts(options.orgContacts ?? 0, seed + 1).map(
    (contact) => directory.orgContacts.add(contact).id,
  );
  const owners = directory.users
    .all()
    .filter((user) => user.accountEnabled && user.userType === 'Member' && user.mail !== null)
    .slice(0, options.mailboxes ?? 0);
  owners.forEach((owner, index) => {
    fillMailbox(mailboxes, owner.id, options.contactsPerMailbox ?? 0, seed + 100 + index);
  });
  return { userIds, orgContactIds, mailboxUserIds: owners.map((owner) => owner.id) };
}

function fillMailbox(mailboxes: MailboxStore, userId: string, contacts: number, seed: number): void {
  const mailbox = mailboxes.ensure(userId);
  const suppliers = mailbox.addFolder('Lieferanten');
  generateMailContacts(contacts, seed).forEach((contact, index) => {
    mailbox.addContact(contact, index % 5 === 4 ? suppliers.id : mailbox.defaultFolderId);
  });
}
