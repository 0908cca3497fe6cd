/**
 * The default directory (Contoso): accounts and tokens; alice's mailbox (en-US) with the fixture
 * contacts and more, a user folder "Suppliers" with a subfolder "EU", and the hidden system folders
 * (Recipient Cache holding an auto-collected address); joerg's German mailbox ("Kontakte"); the
 * helpdesk mailbox; the GAL; public folders "Firmenkontakte" (contacts), "Shared Contacts/Partners"
 * and "Company Announcements" (mail). Returns the ids tests need.
 */
import type { EwsFake } from '../ews-fake.js';
import type { ContactData } from '../store/contact.js';
import { CONTOSO, seedContosoAccounts } from './contoso-accounts.js';
import {
  ALICE_CONTACTS,
  EU_SUPPLIER_CONTACTS,
  JOERG_CONTACTS,
  PARTNER_CONTACTS,
  PUBLIC_CONTACTS,
  RECIPIENT_CACHE_CONTACTS,
  SUPPLIER_CONTACTS,
} from './contoso-contacts.js';
import { CONTOSO_GAL } from './contoso-gal.js';
import { FIXTURE_CONTACTS } from './fixture-records.js';

export interface ContosoIds {
  readonly aliceContacts: string;
  readonly suppliers: string;
  readonly euSuppliers: string;
  readonly recipientCache: string;
  readonly joergContacts: string;
  readonly publicContacts: string;
  readonly sharedContacts: string;
  readonly partners: string;
  readonly announcements: string;
}

export function seedContoso(fake: EwsFake): ContosoIds {
  const { store } = fake;
  seedContosoAccounts(fake);
  const alice = store.addMailbox({ smtp: CONTOSO.alice.smtp, displayName: 'Alice Anders' });
  for (const contact of FIXTURE_CONTACTS) {
    store.createContact(alice.contactsId, contact.data, { id: contact.id, changeKey: contact.changeKey });
  }
  fill(fake, alice.contactsId, ALICE_CONTACTS);
  const suppliers = store.createFolder(alice.contactsId, {
    displayName: 'Suppliers',
    folderClass: 'IPF.Contact',
  }).id;
  fill(fake, suppliers, SUPPLIER_CONTACTS);
  const euSuppliers = store.createFolder(suppliers, { displayName: 'EU', folderClass: 'IPF.Contact' }).id;
  fill(fake, euSuppliers, EU_SUPPLIER_CONTACTS);
  const recipientCache = store.distinguishedFolder(
    { kind: 'mailbox', smtp: alice.smtp },
    'recipientcache',
  )!.id;
  fill(fake, recipientCache, RECIPIENT_CACHE_CONTACTS);

  const joerg = store.addMailbox({ smtp: CONTOSO.joerg.smtp, displayName: 'Jörg Müller', language: 'de-DE' });
  fill(fake, joerg.contactsId, JOERG_CONTACTS);
  store.addMailbox({ smtp: CONTOSO.helpdesk.smtp, displayName: 'Helpdesk' });

  for (const entry of CONTOSO_GAL) fake.gal.add(entry);

  const publicContacts = store.createFolder(store.publicRootId, {
    displayName: 'Firmenkontakte',
    folderClass: 'IPF.Contact',
  }).id;
  fill(fake, publicContacts, PUBLIC_CONTACTS);
  const sharedContacts = store.createFolder(store.publicRootId, {
    displayName: 'Shared Contacts',
    folderClass: 'IPF.Contact',
  }).id;
  const partners = store.createFolder(sharedContacts, {
    displayName: 'Partners',
    folderClass: 'IPF.Contact',
  }).id;
  fill(fake, partners, PARTNER_CONTACTS);
  const announcements = store.createFolder(store.publicRootId, {
    displayName: 'Company Announcements',
    folderClass: 'IPF.Note',
  }).id;

  return {
    aliceContacts: alice.contactsId,
    suppliers,
    euSuppliers,
    recipientCache,
    joergContacts: joerg.contactsId,
    publicContacts,
    sharedContacts,
    partners,
    announcements,
  };
}

function fill(fake: EwsFake, folderId: string, contacts: readonly ContactData[]): void {
  for (const contact of contacts) fake.store.createContact(folderId, contact);
}
