/**
 * Deterministic, realistic directory data: the same seed always gives the same people. Names mix
 * accents and scripts a PBX must cope with (Jörg Müller, Łukasz Kowalski, Zoë Åström, Nguyễn),
 * phone numbers come in the formats real tenants hold side by side (`+49 30 1234-5678`,
 * `030 12345678`, `(425) 555-0101`, `+44 20 7946 0958`), some users keep their PBX extension in
 * onPremisesExtensionAttributes.extensionAttribute1 (and as the tail of their business number),
 * some have no mail, some are disabled, a few are guests (`#EXT#` in the UPN). Cheap enough for
 * 50,000 users (a mulberry32 generator, no I/O).
 */
import type { GraphUser, NewMailContact, OrgContact, OrgContactPhone } from './directory-model.js';
import { extensionAttributes, orgContactFrom } from './directory-model.js';
import type { NewObject } from './tracked-collection.js';

type Random = () => number;

/** mulberry32: a tiny, well-spread 32-bit generator; enough for test data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function digits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(random() * 10));
  return out;
}

/** A GUID-shaped id (version 4 layout) from the generator, so ids are stable per seed. */
function guid(random: Random): string {
  const word = (): string =>
    Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const [a, b, c, d] = [word(), word(), word(), word()];
  const variant = '89ab'[Math.floor(random() * 4)]!;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

const GIVEN_NAMES = [
  'Anna',
  'Jörg',
  'Zoë',
  'François',
  'Łukasz',
  'Søren',
  'José',
  'Renée',
  'Ana María',
  'Chloé',
  'Björn',
  'Inès',
  'Ömer',
  'Đorđe',
  'Hans-Peter',
  'Maëlle',
  'Ágnes',
  'Günther',
  'Mia',
  'Noah',
  'Sophie',
  'Lukas',
  'Emma',
  'Leon',
  'Hannah',
  'Paul',
  'Lea',
  'Ben',
  'Marie',
  'Jonas',
  'Laura',
  'Felix',
  'Julia',
  'Max',
  'Thi Mai',
  'Siobhán',
];
const SURNAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hartmann',
  'Dubois',
  'Lefèvre',
  'García',
  'Núñez',
  'Kowalski',
  'Jørgensen',
  'Nguyễn',
  "O'Brien",
  'van der Berg',
  'Åström',
  'Öztürk',
  'Smith',
  'Johnson',
  'Brown',
  'Rossi',
  'Đoković',
  'Weiß',
];
const DEPARTMENTS = [
  'Vertrieb',
  'Sales',
  'R&D',
  'Einkauf',
  'Finance',
  'Support',
  'IT',
  'Personal',
  'Marketing',
  'Logistik',
];
const JOB_TITLES = [
  'Sachbearbeiterin',
  'Engineer',
  'Head of Sales',
  'Einkäufer',
  'Développeuse',
  'Support Agent',
  'CFO',
  'Werkstudent',
  'Team Lead',
  'Assistenz der Geschäftsführung',
];

/** How a number is written; `tail` is the extension or subscriber part. */
type NumberFormat = (random: Random, tail: string) => string;

interface Site {
  readonly country: string;
  readonly city: string;
  readonly language: string;
  readonly company: string;
  readonly offices: readonly string[];
  /** The written forms of a business number at this site, all found side by side in real tenants. */
  readonly business: readonly NumberFormat[];
  readonly mobile: readonly NumberFormat[];
}

const SITES: readonly Site[] = [
  {
    country: 'DE',
    city: 'Berlin',
    language: 'de-DE',
    company: 'Contoso GmbH',
    offices: ['Berlin 2.14', 'Berlin EG 004', 'Haus B / 3.07'],
    business: [
      (_, tail) => `+49 30 1234-${tail}`,
      (_, tail) => `030 1234${tail}`,
      (_, tail) => `+49 (0)30 1234 ${tail}`,
      (_, tail) => `+49301234${tail}`,
      (_, tail) => `030/1234-${tail}`,
    ],
    mobile: [
      (random) => `+49 151 ${digits(random, 4)} ${digits(random, 4)}`,
      (random) => `0171 ${digits(random, 7)}`,
    ],
  },
  {
    country: 'DE',
    city: 'München',
    language: 'de-DE',
    company: 'Contoso GmbH',
    offices: ['München 5.21', 'MUC-Ost 1.02'],
    business: [
      (_, tail) => `+49 89 9876-${tail}`,
      (_, tail) => `089 9876${tail}`,
      (_, tail) => `0049 89 9876 ${tail}`,
    ],
    mobile: [(random) => `+49 160 ${digits(random, 7)}`],
  },
  {
    country: 'US',
    city: 'Redmond',
    language: 'en-US',
    company: 'Contoso Ltd.',
    offices: ['18/2111', '17/1102', '31/3317'],
    business: [
      (_, tail) => `+1 425 555 ${tail}`,
      (_, tail) => `(425) 555-${tail}`,
      (_, tail) => `+1-425-555-${tail}`,
      (_, tail) => `425.555.${tail}`,
    ],
    mobile: [(random) => `+1 206 555 ${digits(random, 4)}`, (random) => `(206) 555-${digits(random, 4)}`],
  },
  {
    country: 'GB',
    city: 'London',
    language: 'en-GB',
    company: 'Contoso UK Ltd',
    offices: ['London 4th floor'],
    business: [(_, tail) => `+44 20 7946 ${tail}`, (_, tail) => `020 7946 ${tail}`],
    mobile: [(random) => `+44 7700 ${digits(random, 6)}`],
  },
  {
    country: 'FR',
    city: 'Paris',
    language: 'fr-FR',
    company: 'Contoso S.A.S.',
    offices: ['Paris 3e étage'],
    business: [
      (_, tail) => `+33 1 42 68 ${tail.slice(0, 2)} ${tail.slice(2)}`,
      (_, tail) => `01 42 68 ${tail.slice(0, 2)} ${tail.slice(2)}`,
    ],
    mobile: [
      (random) => `+33 6 ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)}`,
    ],
  },
];

function businessNumber(random: Random, site: Site, tail: string): string {
  return pick(random, site.business)(random, tail);
}

function mobileNumber(random: Random, site: Site): string {
  return pick(random, site.mobile)(random, '');
}

const foldedNames = new Map<string, string>();

/** `Jörg Müller` -> `joerg.mueller`: how tenants usually fold names into UPNs. */
export function mailLocalPart(given: string, surname: string): string {
  const key = `${given}|${surname}`;
  let local = foldedNames.get(key);
  if (local === undefined) {
    local = foldLocalPart(given, surname);
    foldedNames.set(key, local);
  }
  return local;
}

function foldLocalPart(given: string, surname: string): string {
  const fold = (name: string): string =>
    name
      .replace(/ä/g, 'ae')
      .replace(/ö/g, 'oe')
      .replace(/ü/g, 'ue')
      .replace(/Ä/g, 'Ae')
      .replace(/Ö/g, 'Oe')
      .replace(/Ü/g, 'Ue')
      .replace(/ß/g, 'ss')
      .replace(/[łŁ]/g, 'l')
      .replace(/[øØ]/g, 'o')
      .replace(/[đĐ]/g, 'd')
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '');
  return `${fold(given)}.${fold(surname)}`;
}

export function generateUsers(count: number, seed = 1, domain = 'contoso.com'): GraphUser[] {
  const random = seededRandom(seed);
  const taken = new Map<string, number>();
  const users: GraphUser[] = [];
  for (let index = 0; index < count; index++) users.push(generateUser(random, index, domain, taken));
  return users;
}

function generateUser(random: Random, index: number, domain: string, taken: Map<string, number>): GraphUser {
  const given = pick(random, GIVEN_NAMES);
  const surname = pick(random, SURNAMES);
  const site = pick(random, SITES);
  const base = mailLocalPart(given, surname);
  const seen = taken.get(base) ?? 0;
  taken.set(base, seen + 1);
  const local = seen === 0 ? base : `${base}${seen + 1}`;
  const guest = random() < 0.02;
  const userPrincipalName = guest
    ? `${local}_fabrikam.example#EXT#@contoso.onmicrosoft.com`
    : `${local}@${domain}`;
  const mail = guest ? `${local}@fabrikam.example` : random() < 0.05 ? null : userPrincipalName;
  const extension = random() < 0.6 ? digits(random, 4) : null;
  const phoneCount = random() < 0.1 ? 0 : random() < 0.85 ? 1 : 2;
  const businessPhones: string[] = [];
  for (let i = 0; i < phoneCount; i++) {
    businessPhones.push(
      businessNumber(random, site, i === 0 && extension !== null ? extension : digits(random, 4)),
    );
  }
  // One literal of the full shape (no layered spreads): 50,000 of these must be cheap to make.
  return {
    id: guid(random),
    accountEnabled: random() >= 0.05,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    userPrincipalName,
    mail,
    mailNickname: local,
    otherMails: [],
    proxyAddresses: mail === null || guest ? [] : [`SMTP:${mail}`, `smtp:${local}@contoso.onmicrosoft.com`],
    businessPhones,
    mobilePhone: random() < 0.7 ? mobileNumber(random, site) : null,
    faxNumber: random() < 0.2 ? businessNumber(random, site, digits(random, 4)) : null,
    jobTitle: random() < 0.9 ? pick(random, JOB_TITLES) : null,
    department: random() < 0.9 ? pick(random, DEPARTMENTS) : null,
    companyName: random() < 0.85 ? site.company : null,
    officeLocation: random() < 0.8 ? pick(random, site.offices) : null,
    preferredLanguage: random() < 0.9 ? site.language : null,
    employeeId: random() < 0.6 ? digits(random, 6) : null,
    streetAddress: null,
    city: site.city,
    state: null,
    postalCode: null,
    country: site.country,
    usageLocation: site.country,
    userType: guest ? 'Guest' : 'Member',
    createdDateTime: new Date(CREATED_FROM + index * 3_600_000).toISOString().replace('.000', ''),
    onPremisesExtensionAttributes:
      extension === null ? extensionAttributes() : extensionAttributes({ extensionAttribute1: extension }),
  };
}

const CREATED_FROM = Date.UTC(2019, 0, 1);

const PARTNERS = [
  'Fabrikam AG',
  'Northwind Traders',
  'Adventure Works',
  'Wide World Importers',
  'Tailspin Toys',
  'Litware Inc.',
];

export function generateOrgContacts(count: number, seed = 2): NewObject<OrgContact>[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const given = pick(random, GIVEN_NAMES);
    const surname = pick(random, SURNAMES);
    const site = pick(random, SITES);
    const company = pick(random, PARTNERS);
    const mail = `${mailLocalPart(given, surname)}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example`;
    const phones: OrgContactPhone[] = [
      { type: 'business', number: businessNumber(random, site, digits(random, 4)) },
    ];
    if (random() < 0.6) phones.push({ type: 'mobile', number: mobileNumber(random, site) });
    if (random() < 0.25)
      phones.push({ type: 'businessFax', number: businessNumber(random, site, digits(random, 4)) });
    return {
      id: guid(random),
      ...orgContactFrom({
        displayName: `${given} ${surname} (${company})`,
        givenName: given,
        surname,
        mail,
        mailNickname: mailLocalPart(given, surname),
        companyName: company,
        department: random() < 0.5 ? pick(random, DEPARTMENTS) : null,
        jobTitle: random() < 0.7 ? pick(random, JOB_TITLES) : null,
        phones,
        proxyAddresses: [`SMTP:${mail}`],
        addresses: [
          {
            city: site.city,
            countryOrRegion: site.country,
            officeLocation: null,
            postalCode: digits(random, 5),
            state: null,
            street: `Hauptstraße ${1 + Math.floor(random() * 120)}`,
          },
        ],
      }),
    };
  });
}

export function generateMailContacts(count: number, seed = 3): NewMailContact[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const given = pick(random, GIVEN_NAMES);
    const surname = pick(random, SURNAMES);
    const site = pick(random, SITES);
    const company = pick(random, PARTNERS);
    const address = `${mailLocalPart(given, surname)}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example`;
    return {
      displayName: `${given} ${surname}`,
      givenName: given,
      surname,
      fileAs: `${surname}, ${given}`,
      emailAddresses: [{ name: `${given} ${surname}`, address }],
      businessPhones: [businessNumber(random, site, digits(random, 4))],
      homePhones: random() < 0.3 ? [businessNumber(random, site, digits(random, 4))] : [],
      mobilePhone: random() < 0.6 ? mobileNumber(random, site) : null,
      companyName: company,
      department: random() < 0.4 ? pick(random, DEPARTMENTS) : null,
      jobTitle: random() < 0.6 ? pick(random, JOB_TITLES) : null,
      officeLocation: random() < 0.3 ? pick(random, site.offices) : null,
    };
  });
}
