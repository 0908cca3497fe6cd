/**
 * Contacts as people keep them: accented names, numbers written every way (E.164, national with
 * trunk 0, 00-prefixed with "(0)", US punctuation, dots), several email addresses, one of them the
 * bare legacy DN Exchange stores when a contact was made from a GAL entry ("/o=…/cn=Recipients/…"),
 * companies, departments, job titles and postal addresses.
 */
import type { ContactData } from '../store/contact.js';

/** How EWS shows an address picked from the GAL in a contact: the legacyExchangeDN, no routing prefix. */
export const JOERG_LEGACY_DN =
  '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=7d1f3c2a9b8e4f6d8a1b2c3d4e5f6a7b-joerg.muel';

/** alice's Contacts, after the three fixture contacts. */
export const ALICE_CONTACTS: readonly ContactData[] = [
  {
    displayName: 'Zoë Ångström',
    givenName: 'Zoë',
    surname: 'Ångström',
    companyName: 'Nordic Design AB',
    jobTitle: 'Art Director',
    emailAddresses: { EmailAddress1: 'zoe.angstrom@nordic-design.example' },
    phoneNumbers: { BusinessPhone: '+46 8 123 456 78', MobilePhone: '070-123 45 67' },
    physicalAddresses: {
      Business: { Street: 'Götgatan 12', City: 'Stockholm', CountryOrRegion: 'Sweden', PostalCode: '118 46' },
    },
  },
  {
    displayName: 'François Lefèvre',
    givenName: 'François',
    surname: 'Lefèvre',
    companyName: 'Société Générale de Fournitures',
    department: 'Achats',
    jobTitle: 'Acheteur',
    emailAddresses: {
      EmailAddress1: 'francois.lefevre@sgf.example',
      EmailAddress2: 'f.lefevre@mail.example',
    },
    phoneNumbers: {
      BusinessPhone: '+33 1 23 45 67 89',
      MobilePhone: '06 12 34 56 78',
      BusinessFax: '+33 1 23 45 67 00',
    },
  },
  {
    displayName: 'José Núñez',
    givenName: 'José',
    surname: 'Núñez',
    companyName: 'Núñez y Asociados',
    emailAddresses: { EmailAddress1: 'jose.nunez@nya.example' },
    phoneNumbers: { BusinessPhone: '+34 912 345 678' },
  },
  {
    displayName: 'Jörg Müller',
    givenName: 'Jörg',
    surname: 'Müller',
    companyName: 'Contoso',
    department: 'Vertrieb',
    jobTitle: 'Vertriebsleiter',
    officeLocation: 'Berlin 3.14',
    emailAddresses: { EmailAddress1: JOERG_LEGACY_DN, EmailAddress2: 'joerg.mueller@contoso.com' },
    phoneNumbers: {
      BusinessPhone: '+49 30 1234-0001',
      BusinessPhone2: '030 12340002',
      MobilePhone: '0170 1234567',
    },
  },
  {
    displayName: 'Ümit Öztürk',
    givenName: 'Ümit',
    surname: 'Öztürk',
    companyName: 'Öztürk Bau GmbH',
    jobTitle: 'Geschäftsführer',
    emailAddresses: { EmailAddress1: 'uemit@oeztuerk-bau.example' },
    phoneNumbers: { BusinessPhone: '0049 (0)89 / 12 34 56', HomePhone: '089 765432', Pager: '089 7654-99' },
    physicalAddresses: {
      Business: {
        Street: 'Leopoldstraße 7',
        City: 'München',
        State: 'Bayern',
        CountryOrRegion: 'Deutschland',
        PostalCode: '80802',
      },
      Home: {
        Street: 'Ainmillerstraße 3',
        City: 'München',
        CountryOrRegion: 'Deutschland',
        PostalCode: '80801',
      },
    },
  },
  {
    displayName: 'Bob Brown',
    givenName: 'Bob',
    surname: 'Brown',
    initials: 'BB',
    companyName: 'Tailspin Toys',
    department: 'Sales',
    jobTitle: 'Account Manager',
    officeLocation: 'Building 4',
    emailAddresses: {
      EmailAddress1: 'bob@tailspintoys.example',
      EmailAddress2: 'bob.brown@home.example',
      EmailAddress3: 'bbrown@tailspintoys.example',
    },
    phoneNumbers: {
      BusinessPhone: '(425) 555-0100',
      MobilePhone: '+1.425.555.0101',
      BusinessFax: '425-555-0199',
      AssistantPhone: '+1 425 555 0120',
    },
    imAddresses: { ImAddress1: 'sip:bob@tailspintoys.example' },
    assistantName: 'Paula Wilson',
    physicalAddresses: {
      Business: {
        Street: '1 Tailspin Way',
        City: 'Redmond',
        State: 'WA',
        CountryOrRegion: 'United States',
        PostalCode: '98052',
      },
    },
  },
  {
    displayName: 'Reception Desk',
    companyName: 'Contoso',
    phoneNumbers: { CompanyMainPhone: '+49 30 1234-0' },
  },
];

/** alice's user folder "Suppliers" (IPF.Contact) and its subfolder "EU". */
export const SUPPLIER_CONTACTS: readonly ContactData[] = [
  {
    displayName: 'Fabrikam Supplies',
    companyName: 'Fabrikam',
    emailAddresses: { EmailAddress1: 'orders@fabrikam.example' },
    phoneNumbers: { BusinessPhone: '+1 206 555 0150' },
  },
  {
    displayName: 'Wingtip Parts',
    givenName: 'Mia',
    surname: 'Wingtip',
    companyName: 'Wingtip Toys',
    phoneNumbers: { BusinessPhone: '+44 20 7946 0000' },
  },
];

export const EU_SUPPLIER_CONTACTS: readonly ContactData[] = [
  {
    displayName: 'Łukasz Żółć',
    givenName: 'Łukasz',
    surname: 'Żółć',
    companyName: 'Żółć Sp. z o.o.',
    emailAddresses: { EmailAddress1: 'lukasz@zolc.example' },
    phoneNumbers: { BusinessPhone: '+48 22 123 45 67' },
  },
];

/** What Outlook auto-collects in the hidden Recipient Cache: not contacts a user keeps. */
export const RECIPIENT_CACHE_CONTACTS: readonly ContactData[] = [
  { displayName: 'newsletter@shop.example', emailAddresses: { EmailAddress1: 'newsletter@shop.example' } },
];

/** joerg's Kontakte (a German-language mailbox). */
export const JOERG_CONTACTS: readonly ContactData[] = [
  {
    displayName: 'Hans Weiß',
    givenName: 'Hans',
    surname: 'Weiß',
    companyName: 'Weiß & Söhne KG',
    jobTitle: 'Prokurist',
    emailAddresses: { EmailAddress1: 'hans.weiss@weiss-soehne.example' },
    phoneNumbers: { BusinessPhone: '+49 89 123456-0', MobilePhone: '+49 (0)171 2345678' },
  },
  {
    displayName: 'Grete Köhler',
    givenName: 'Grete',
    surname: 'Köhler',
    emailAddresses: { EmailAddress1: 'grete.koehler@mail.example' },
    phoneNumbers: { HomePhone: '030/987654' },
  },
];

/** The public folder "Firmenkontakte" (IPF.Contact). */
export const PUBLIC_CONTACTS: readonly ContactData[] = [
  {
    displayName: 'Contoso Zentrale',
    companyName: 'Contoso',
    phoneNumbers: { CompanyMainPhone: '+49 30 1234-0', BusinessFax: '+49 30 1234-999' },
    physicalAddresses: {
      Business: {
        Street: 'Friedrichstraße 1',
        City: 'Berlin',
        CountryOrRegion: 'Deutschland',
        PostalCode: '10117',
      },
    },
  },
  {
    displayName: 'Pförtner Haus B',
    companyName: 'Contoso',
    phoneNumbers: { BusinessPhone: '+49 30 1234-0100' },
  },
  {
    displayName: 'Störungsannahme IT',
    companyName: 'Contoso',
    department: 'IT',
    emailAddresses: { EmailAddress1: 'it-stoerung@contoso.com' },
    phoneNumbers: { BusinessPhone: '+49 30 1234-0666', MobilePhone: '+49 151 12345666' },
  },
];

/** The public subfolder "Shared Contacts/Partners". */
export const PARTNER_CONTACTS: readonly ContactData[] = [
  {
    displayName: 'Pat Partner',
    givenName: 'Pat',
    surname: 'Partner',
    companyName: 'Partner Consulting',
    emailAddresses: { EmailAddress1: 'pat@partner.example' },
    phoneNumbers: { BusinessPhone: '+41 44 668 18 00' },
  },
];
