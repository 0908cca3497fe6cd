/**
 * What the Domino stand-in holds (TEST-BACKENDS.md, DOMAIN.md "How Domino's LDAP service behaves"),
 * as plain data that tests compute their expectations from: people under `o=Acme` in two `ou`
 * containers and flat at the root, a flat group, the service account. The entries mix the LDAP names
 * of the Notes items (telephoneNumber, mobile, mail, uid, ou) with the items themselves
 * (OfficePhoneNumber, CellPhoneNumber, InternetAddress, ShortName, Department), as Domino
 * directories filled over the years do, and numbers come in mixed formats.
 */
import { createHash } from 'node:crypto';

export const ORGANIZATION_DN = 'o=Acme';
export const BERLIN_DN = `ou=Berlin,${ORGANIZATION_DN}`;
export const MUNICH_DN = `ou=Munich,${ORGANIZATION_DN}`;
export const ADMIN_ORGANIZATION_DN = 'o=LabAdmin';
export const SERVICE_DN = `cn=dirbridge,${ADMIN_ORGANIZATION_DN}`;
export const SERVICE_PASSWORD = 'Reader#Domino-4711';
export const ROOT_DN = `cn=Directory Manager,${ADMIN_ORGANIZATION_DN}`;
export const ROOT_PASSWORD = 'Manager#Domino-8812';

/** What anonymous users may read (roughly Domino's default anonymous fields: no phone numbers). */
export const ANONYMOUS_ATTRIBUTES = [
  'objectClass',
  'cn',
  'sn',
  'givenName',
  'uid',
  'ShortName',
  'mail',
  'InternetAddress',
  'o',
  'ou',
  'displayName',
  'member',
] as const;

/** Readable only by the service account, usable for binds by anonymous. */
export const PASSWORD_ATTRIBUTES = ['userPassword', 'HTTPPassword', 'wuserPasswordSip'] as const;

export type DominoPersonKey =
  'anna' | 'thomasBerlin' | 'juergen' | 'thomasMunich' | 'katharina' | 'klaus' | 'lisa';

export type Attributes = Readonly<Record<string, readonly string[]>>;

export interface DominoPerson {
  readonly key: DominoPersonKey;
  readonly dn: string;
  /** Every cn value: the name in the DN first, then aliases (Notes FullName). */
  readonly cn: readonly string[];
  /** uid, or the ShortName item where the entry has no uid. */
  readonly shortName: string;
  /** mail, or the InternetAddress item where the entry has no mail. */
  readonly mail: string;
  /** The password a simple bind with the DN takes (userPassword, stored as {SSHA}). */
  readonly password: string;
  /** The stored HTTPPassword value, shaped like Domino's hash: not a password to bind with. */
  readonly httpPassword: string | null;
  /** The wuserPasswordSip value (clear text, as the PBX needs it). */
  readonly sipPassword: string | null;
  /** 32 hex digits, or null where the entry has none (ids then fall back to the DN). */
  readonly unid: string | null;
  /** Another person has one of its cn values: a bind or lookup by that name is ambiguous. */
  readonly ambiguousCn: boolean;
  readonly objectClass: readonly string[];
  /** The entry's other attributes as seeded (not objectClass, dominoUNID or the password items). */
  readonly attributes: Attributes;
}

export interface DominoGroup {
  readonly dn: string;
  readonly cn: string;
  readonly unid: string;
  readonly members: readonly string[];
  readonly objectClass: readonly string[];
  readonly attributes: Attributes;
}

/** A structural entry that is no person or group: containers and the service account. */
export interface DominoOtherEntry {
  readonly dn: string;
  readonly attributes: Attributes;
}

export interface DominoDirectory {
  readonly people: Readonly<Record<DominoPersonKey, DominoPerson>>;
  readonly groups: readonly DominoGroup[];
  readonly others: readonly DominoOtherEntry[];
  /** cn values more than one person has. */
  readonly ambiguousNames: readonly string[];
}

interface PersonSeed {
  readonly key: DominoPersonKey;
  /** null: a flat `cn=Name` at the root. */
  readonly container: string | null;
  readonly password: string;
  readonly sipPassword?: string;
  readonly httpPassword?: true;
  readonly unid?: string;
  readonly attributes: Attributes;
}

const PERSON_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'dominoPerson'];

// Passwords are distinct and long enough for the e2e secret scan; one is not ASCII.
const PEOPLE: readonly PersonSeed[] = [
  {
    key: 'anna',
    container: BERLIN_DN,
    password: 'Linden#Anna-2031',
    sipPassword: 'sip-Anna-7710',
    httpPassword: true,
    unid: '8F1C2A7B3D4E5F60718293A4B5C6D7E8',
    attributes: {
      cn: ['Anna Schmidt'],
      givenName: ['Anna'],
      sn: ['Schmidt'],
      displayName: ['Anna Schmidt/Berlin/Acme'],
      uid: ['aschmidt'],
      ShortName: ['aschmidt'],
      mail: ['anna.schmidt@acme.example'],
      InternetAddress: ['anna.schmidt@acme.example'],
      telephoneNumber: ['+49 30 1234567-10'],
      mobile: ['+49 170 1234510'],
      facsimileTelephoneNumber: ['+49 30 1234567-90'],
      ipPhone: ['1010'],
      userPrincipalName: ['anna.schmidt@acme.example'],
      ou: ['Sales'],
      title: ['Account Manager'],
      preferredLanguage: ['de'],
      Location: ['Berlin'],
      MailDomain: ['Acme'],
      MailFile: ['mail/aschmidt.nsf'],
    },
  },
  {
    key: 'thomasBerlin',
    container: BERLIN_DN,
    password: 'Spree#Thomas-1212',
    httpPassword: true,
    unid: '0A1B2C3D4E5F60718293A4B5C6D7E8F9',
    attributes: {
      cn: ['Thomas Weber'],
      givenName: ['Thomas'],
      sn: ['Weber'],
      displayName: ['Thomas Weber/Berlin/Acme'],
      ShortName: ['tweber'],
      InternetAddress: ['thomas.weber@acme.example'],
      OfficePhoneNumber: ['030/1234567-12'],
      CellPhoneNumber: ['0170 1234512'],
      OfficeFAXPhoneNumber: ['030/1234567-92'],
      Department: ['Engineering'],
      Location: ['Berlin'],
      MailDomain: ['Acme'],
      MailFile: ['mail/tweber.nsf'],
    },
  },
  {
    key: 'juergen',
    container: BERLIN_DN,
    password: 'Groß#Straße-1313',
    sipPassword: 'sip-Juergen-7713',
    unid: 'C3D4E5F60718293A4B5C6D7E8F90A1B2',
    attributes: {
      cn: ['Jürgen Groß'],
      givenName: ['Jürgen'],
      sn: ['Groß'],
      displayName: ['Jürgen Groß/Berlin/Acme'],
      uid: ['jgross'],
      mail: ['juergen.gross@acme.example'],
      telephoneNumber: ['+49 (30) 1234567 13'],
      ipPhone: ['1013'],
      userPrincipalName: ['juergen.gross@acme.example'],
      Department: ['Sales'],
      preferredLanguage: ['de'],
    },
  },
  {
    key: 'thomasMunich',
    container: MUNICH_DN,
    password: 'Isar#Thomas-3030',
    sipPassword: 'sip-Thomas-7730',
    httpPassword: true,
    unid: '5E6F708192A3B4C5D6E7F8091A2B3C4D',
    attributes: {
      cn: ['Thomas Weber'],
      givenName: ['Thomas'],
      sn: ['Weber'],
      displayName: ['Thomas Weber/Munich/Acme'],
      uid: ['thweber'],
      ShortName: ['thweber'],
      mail: ['thomas.weber@muc.acme.example'],
      telephoneNumber: ['+49 89 7654321-30'],
      mobile: ['+49 (171) 7654330'],
      ipPhone: ['3030'],
      userPrincipalName: ['thomas.weber@muc.acme.example'],
      ou: ['Engineering'],
      Location: ['Munich'],
    },
  },
  {
    key: 'katharina',
    container: MUNICH_DN,
    password: 'Alpen#Kathi-3131',
    unid: 'F0E1D2C3B4A5968778695A4B3C2D1E0F',
    attributes: {
      cn: ['Katharina Braun', 'Kathi Braun'],
      givenName: ['Katharina'],
      sn: ['Braun'],
      displayName: ['Katharina Braun/Munich/Acme'],
      ShortName: ['kbraun'],
      mail: ['katharina.braun@acme.example'],
      InternetAddress: ['katharina.braun@acme.example'],
      OfficePhoneNumber: ['089 7654321-31'],
      CellPhoneNumber: ['+49 (171) 7654331'],
      facsimileTelephoneNumber: ['+49 89 7654321-91'],
      userPrincipalName: ['katharina.braun@acme.example'],
      Department: ['Marketing'],
      Location: ['Munich'],
    },
  },
  {
    // No dominoUNID: whoever needs a stable id has only the DN.
    key: 'klaus',
    container: null,
    password: 'Hafen#Klaus-0100',
    attributes: {
      cn: ['Klaus Fischer'],
      givenName: ['Klaus'],
      sn: ['Fischer'],
      displayName: ['Klaus Fischer'],
      uid: ['kfischer'],
      mail: ['klaus.fischer@partner.example'],
      telephoneNumber: ['+49 40 5550100'],
      ou: ['Purchasing'],
    },
  },
  {
    key: 'lisa',
    container: null,
    password: 'Brandenburg#Lisa-1414',
    sipPassword: 'sip-Lisa-7714',
    unid: '1234ABCD5678EF901234ABCD5678EF90',
    attributes: {
      cn: ['Lisa Wagner'],
      givenName: ['Lisa'],
      sn: ['Wagner'],
      displayName: ['Lisa Wagner'],
      ShortName: ['lwagner'],
      InternetAddress: ['lisa.wagner@acme.example'],
      OfficePhoneNumber: ['+49 30 1234567-14'],
      CellPhoneNumber: ['+49 151 2345614'],
      ipPhone: ['1014'],
      Department: ['Sales'],
    },
  },
];

const SALES_MEMBERS: readonly DominoPersonKey[] = ['anna', 'juergen', 'thomasMunich', 'lisa'];
const SALES_UNID = 'ABCDEF0123456789ABCDEF0123456789';

export function dominoDirectory(): DominoDirectory {
  const ambiguousNames = sharedNames(PEOPLE);
  const people = Object.fromEntries(PEOPLE.map((seed) => [seed.key, person(seed, ambiguousNames)])) as Record<
    DominoPersonKey,
    DominoPerson
  >;
  return {
    people,
    groups: [salesGroup(people)],
    others: otherEntries(),
    ambiguousNames,
  };
}

function person(seed: PersonSeed, ambiguousNames: readonly string[]): DominoPerson {
  const cn = seed.attributes['cn'] ?? [];
  const first = (name: string): string | undefined => seed.attributes[name]?.[0];
  return {
    key: seed.key,
    dn: `cn=${escapeRdnValue(cn[0] ?? '')}${seed.container === null ? '' : `,${seed.container}`}`,
    cn,
    shortName: first('uid') ?? first('ShortName') ?? '',
    mail: first('mail') ?? first('InternetAddress') ?? '',
    password: seed.password,
    httpPassword: seed.httpPassword ? dominoStyleHash(seed.password) : null,
    sipPassword: seed.sipPassword ?? null,
    unid: seed.unid ?? null,
    ambiguousCn: cn.some((name) => ambiguousNames.includes(name)),
    objectClass: PERSON_CLASSES,
    attributes: seed.attributes,
  };
}

function sharedNames(seeds: readonly PersonSeed[]): string[] {
  const counts = new Map<string, number>();
  for (const seed of seeds) {
    for (const name of seed.attributes['cn'] ?? []) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([name]) => name);
}

function salesGroup(people: Readonly<Record<DominoPersonKey, DominoPerson>>): DominoGroup {
  return {
    dn: 'cn=Sales',
    cn: 'Sales',
    unid: SALES_UNID,
    members: SALES_MEMBERS.map((key) => people[key].dn),
    objectClass: ['top', 'groupOfNames', 'dominoGroup'],
    attributes: { mail: ['sales@acme.example'], description: ['Sales team, all sites'] },
  };
}

function otherEntries(): DominoOtherEntry[] {
  const unit = (dn: string, ou: string): DominoOtherEntry => ({
    dn,
    attributes: { objectClass: ['top', 'organizationalUnit'], ou: [ou] },
  });
  return [
    { dn: ORGANIZATION_DN, attributes: { objectClass: ['top', 'organization'], o: ['Acme'] } },
    unit(BERLIN_DN, 'Berlin'),
    unit(MUNICH_DN, 'Munich'),
    { dn: ADMIN_ORGANIZATION_DN, attributes: { objectClass: ['top', 'organization'], o: ['LabAdmin'] } },
    {
      // An ordinary entry a Domino admin granted read access to: no person, so person searches miss it.
      dn: SERVICE_DN,
      attributes: { objectClass: ['top', 'organizationalRole', 'simpleSecurityObject'], cn: ['dirbridge'] },
    },
  ];
}

/**
 * The shape of Domino's older Internet password hash, `(` 32 hex digits `)`: a stand-in value for
 * tests that read HTTPPassword, derived from the password so it is stable (not Domino's algorithm).
 */
function dominoStyleHash(password: string): string {
  return `(${createHash('md5').update(`HTTPPassword:${password}`).digest('hex').toUpperCase()})`;
}

/** RFC 4514 escaping of an attribute value in a DN. */
function escapeRdnValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]| $/g, (c) => `\\${c}`);
}
