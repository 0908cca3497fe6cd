/**
 * The records behind the captured responses in fixtures/: Carol, Dave and Eve in alice's Contacts
 * (with the fixtures' item ids and change keys), and the three GAL recipients "al" resolves to.
 * Seeding exactly these lets a test replay a captured request and get the captured bytes back.
 */
import type { ContactData } from '../store/contact.js';
import type { GalEntry } from '../store/gal.js';

export interface FixtureContact {
  readonly id: string;
  readonly changeKey: string;
  readonly data: ContactData;
}

export const FIXTURE_MAILBOX = {
  smtp: 'alice@contoso.com',
  msgFolderRootId: 'AAMkAGI2Um9vdAA=',
  msgFolderRootChangeKey: 'AQAAAA==',
  contactsId: 'AAMkAGI2Q29udGFjdHMA',
  contactsChangeKey: 'AwAAABYAAAA=',
} as const;

export const FIXTURE_CONTACTS: readonly FixtureContact[] = [
  {
    id: 'AAMkAGI2TG93AAA=',
    changeKey: 'EQAAABYAAAD8Rv0xAAA=',
    data: {
      displayName: 'Carol Client',
      givenName: 'Carol',
      surname: 'Client',
      companyName: 'Fabrikam',
      department: 'Purchasing',
      jobTitle: 'Buyer',
      emailAddresses: { EmailAddress1: 'carol@fabrikam.com' },
      phoneNumbers: {
        BusinessPhone: '+49 30 1234',
        MobilePhone: '+49 170 1234',
        BusinessFax: '+49 30 1299',
        HomePhone: '+49 30 9999',
      },
    },
  },
  {
    id: 'AAMkAGI2TG94AAA=',
    changeKey: 'EQAAABYAAAD8Rv0yAAA=',
    data: {
      displayName: 'Dave Dealer & Sons',
      givenName: 'Dave',
      surname: 'Dealer',
      companyName: 'Dealer <Ltd>',
      jobTitle: 'Owner',
      emailAddresses: { EmailAddress1: 'dave@dealer.example', EmailAddress2: 'd.dealer@home.example' },
      phoneNumbers: { BusinessPhone: '+1 555 0100' },
    },
  },
  {
    id: 'AAMkAGI2TG95AAA=',
    changeKey: 'EQAAABYAAAD8Rv0zAAA=',
    data: {
      displayName: 'Eve Example',
      givenName: 'Eve',
      surname: 'Example',
      phoneNumbers: { MobilePhone: '+44 7700 900123' },
    },
  },
];

export const FIXTURE_GAL: readonly GalEntry[] = [
  {
    kind: 'user',
    displayName: 'Alice Anders',
    givenName: 'Alice',
    surname: 'Anders',
    initials: 'AA',
    alias: 'alice',
    proxyAddresses: ['SMTP:alice@contoso.com'],
    companyName: 'Contoso',
    department: 'R&D',
    jobTitle: 'Engineer',
    officeLocation: '18/2111',
    culture: 'en-US',
    phoneNumbers: {
      BusinessPhone: '+1 425 555 0101',
      MobilePhone: '+1 425 555 0111',
      BusinessFax: '+1 425 555 0199',
      HomePhone: '+1 425 555 0177',
    },
  },
  {
    kind: 'user',
    displayName: 'Alan Smithee',
    givenName: 'Alan',
    surname: 'Smithee',
    alias: 'alan',
    proxyAddresses: ['SMTP:alan@contoso.com'],
    companyName: 'Contoso',
    department: 'Film',
    jobTitle: 'Director',
    culture: 'en-US',
    phoneNumbers: { BusinessPhone: '+1 425 555 0103' },
  },
  {
    kind: 'group',
    displayName: 'All Staff',
    alias: 'allstaff',
    proxyAddresses: ['SMTP:allstaff@contoso.com'],
    culture: 'en-US',
  },
];
