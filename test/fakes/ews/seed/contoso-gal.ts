/**
 * Contoso's global address list: the fixtures' three recipients, more people (one German with a
 * secondary SMTP and a SIP proxy address), a shared mailbox, a distribution group, a mail contact
 * for an outside partner, and a service account hidden from address lists.
 */
import type { GalEntry } from '../store/gal.js';
import { FIXTURE_GAL } from './fixture-records.js';

export const CONTOSO_GAL: readonly GalEntry[] = [
  ...FIXTURE_GAL,
  {
    kind: 'user',
    displayName: 'Jörg Müller',
    givenName: 'Jörg',
    surname: 'Müller',
    alias: 'joerg.mueller',
    proxyAddresses: [
      'sip:joerg.mueller@contoso.com',
      'SMTP:joerg.mueller@contoso.com',
      'smtp:jmueller@contoso.com',
    ],
    companyName: 'Contoso',
    department: 'Vertrieb',
    jobTitle: 'Vertriebsleiter',
    officeLocation: 'Berlin 3.14',
    culture: 'de-DE',
    phoneNumbers: { BusinessPhone: '+49 30 1234-0001', MobilePhone: '+49 170 1234567' },
    businessAddress: {
      Street: 'Friedrichstraße 1',
      City: 'Berlin',
      CountryOrRegion: 'Deutschland',
      PostalCode: '10117',
    },
  },
  {
    kind: 'user',
    displayName: 'Anna Åberg',
    givenName: 'Anna',
    surname: 'Åberg',
    alias: 'anna.aberg',
    proxyAddresses: ['SMTP:anna.aberg@contoso.com'],
    companyName: 'Contoso',
    department: 'Finance',
    culture: 'sv-SE',
    phoneNumbers: { BusinessPhone: '+46 8 555 010 10' },
  },
  {
    kind: 'user',
    displayName: 'Helpdesk',
    alias: 'helpdesk',
    proxyAddresses: ['SMTP:helpdesk@contoso.com'],
    companyName: 'Contoso',
    department: 'IT',
    phoneNumbers: { BusinessPhone: '+49 30 1234-0777' },
  },
  { kind: 'group', displayName: 'Sales Team', alias: 'sales', proxyAddresses: ['SMTP:sales@contoso.com'] },
  {
    kind: 'contact',
    displayName: 'Pat Partner',
    givenName: 'Pat',
    surname: 'Partner',
    alias: 'pat.partner',
    proxyAddresses: ['SMTP:pat@partner.example'],
    companyName: 'Partner Consulting',
  },
  {
    kind: 'user',
    displayName: 'svc-dirbridge',
    alias: 'svc-dirbridge',
    proxyAddresses: ['SMTP:svc-dirbridge@contoso.com'],
    hidden: true,
  },
];
