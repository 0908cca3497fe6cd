/**
 * The smallest directory that reproduces the captured responses byte for byte: alice (Basic,
 * CONTOSO\alice / Pa55w0rd!) with Carol, Dave and Eve in a Contacts folder that has no subfolders,
 * and a GAL of Alice Anders, Alan Smithee and All Staff.
 */
import type { EwsFake } from '../ews-fake.js';
import { FIXTURE_CONTACTS, FIXTURE_GAL, FIXTURE_MAILBOX } from './fixture-records.js';

export const FIXTURE_ACCOUNT = { signIn: 'CONTOSO\\alice', password: 'Pa55w0rd!' } as const;

export function seedFixtures(fake: EwsFake): void {
  fake.accounts.add({
    domain: 'CONTOSO',
    user: 'alice',
    upn: FIXTURE_MAILBOX.smtp,
    password: FIXTURE_ACCOUNT.password,
    mailbox: FIXTURE_MAILBOX.smtp,
  });
  fake.store.addMailbox({
    smtp: FIXTURE_MAILBOX.smtp,
    displayName: 'Alice Anders',
    systemContactFolders: false,
    ids: {
      msgFolderRoot: FIXTURE_MAILBOX.msgFolderRootId,
      msgFolderRootChangeKey: FIXTURE_MAILBOX.msgFolderRootChangeKey,
      contacts: FIXTURE_MAILBOX.contactsId,
      contactsChangeKey: FIXTURE_MAILBOX.contactsChangeKey,
    },
  });
  for (const contact of FIXTURE_CONTACTS) {
    fake.store.createContact(FIXTURE_MAILBOX.contactsId, contact.data, {
      id: contact.id,
      changeKey: contact.changeKey,
    });
  }
  for (const entry of FIXTURE_GAL) fake.gal.add(entry);
}
