/**
 * Generates config/demo-phonebook.csv, the phonebook `config/default.yaml` serves: 200 users of a
 * made-up company (offices in Berlin, München, Wien, Zürich) and 100 contacts at partner firms, with
 * accented European names and phone numbers written in the many ways real directories hold them.
 * A seeded PRNG makes the output the same on every run; a test checks the committed file against it.
 *
 *   npx tsx scripts/generate-demo-phonebook.ts          write the file
 *   npx tsx scripts/generate-demo-phonebook.ts --check  exit 1 if the committed file is stale
 *
 * Known people (tests rely on them; change them only together with the tests). No other person
 * shares their given names or surnames. Multi-valued cells use `|`.
 *
 * | id    | kind    | cn               | ipPhone | telephoneNumber          | mobile                                 |
 * |-------|---------|------------------|---------|--------------------------|----------------------------------------|
 * | u0001 | user    | Anna Müller      | 1012    | +49 30 1234567-12        | +49 151 23456789                       |
 * | u0002 | user    | Klaus Mueller    | 1013    | 030 1234567-13           | 0160 9876543 2                         |
 * | u0003 | user    | Jörg Schröder    | 1014    | 030/1234567-14           | +49 170 1234567, 0171 7654321          |
 * | u0004 | user    | Sören Weiß       | 1015    | 0049 30 1234567 15       | +49 152 33445566                       |
 * | u0005 | user    | Maximilian Groß  | 1016    | +49 (30) 1234567-16      | (none)                                 |
 * | u0006 | user    | Emre Çelik       | 2020    | +49 89 7654321-20        | 0176 11223344                          |
 * | u0007 | user    | Lea Gruber       | 3030    | +43 1 5350000-30         | +43 664 1234567                        |
 * | u0008 | user    | Ursula Bühler    | 405     | +41 44 268 44 05         | +41 79 123 45 67                       |
 * | c0001 | contact | Zoë Ångström     |         | +46 8 123 456 78         | +46 70 123 45 67                       |
 * | c0002 | contact | Łukasz Wiśniewski|         | +48 22 123 45 67         | +48 601 234 567                        |
 * | c0003 | contact | Ségolène Dubois  |         | +33 1 42 68 53 00        | +33 6 12 34 56 78                      |
 * | c0004 | contact | Øyvind Hansen    |         | +47 22 12 34 56          | (none)                                 |
 *
 * Anna Müller and Klaus Mueller show accent folding: `muller` finds Müller, `mueller` finds Mueller.
 * The full rows are in KNOWN_PEOPLE below.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SeededRandom } from './seeded-random.js';

export const COLUMNS = [
  'id',
  'objectClass',
  'cn',
  'displayName',
  'givenName',
  'sn',
  'mail',
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'facsimileTelephoneNumber',
  'department',
  'title',
  'company',
  'physicalDeliveryOfficeName',
  'preferredLanguage',
  'userPrincipalName',
  'sAMAccountName',
] as const;

export type Column = (typeof COLUMNS)[number];

/** One CSV row; multi-valued cells hold several values joined with `|`. */
export type Person = Readonly<Partial<Record<Column, string>>>;

export const OUTPUT = new URL('../config/demo-phonebook.csv', import.meta.url);

const SEED = 0x0d1b_2025;
const USERS = 200;
const CONTACTS = 100;
const COMPANY = 'Example GmbH';
const MAIL_DOMAIN = 'example.com';

export const KNOWN_PEOPLE: readonly Person[] = [
  {
    id: 'u0001',
    objectClass: 'user',
    cn: 'Anna Müller',
    displayName: 'Anna Müller',
    givenName: 'Anna',
    sn: 'Müller',
    mail: 'anna.mueller@example.com',
    telephoneNumber: '+49 30 1234567-12',
    ipPhone: '1012',
    mobile: '+49 151 23456789',
    facsimileTelephoneNumber: '+49 30 1234567-99',
    department: 'Vertrieb',
    title: 'Leiterin Vertrieb',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Berlin',
    preferredLanguage: 'de',
    userPrincipalName: 'anna.mueller@example.com',
    sAMAccountName: 'amueller',
  },
  {
    id: 'u0002',
    objectClass: 'user',
    cn: 'Klaus Mueller',
    displayName: 'Klaus Mueller',
    givenName: 'Klaus',
    sn: 'Mueller',
    mail: 'klaus.mueller@example.com',
    telephoneNumber: '030 1234567-13',
    ipPhone: '1013',
    mobile: '0160 9876543 2',
    department: 'IT',
    title: 'Systemadministrator',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Berlin',
    preferredLanguage: 'de',
    userPrincipalName: 'klaus.mueller@example.com',
    sAMAccountName: 'kmueller',
  },
  {
    id: 'u0003',
    objectClass: 'user',
    cn: 'Jörg Schröder',
    displayName: 'Jörg Schröder',
    givenName: 'Jörg',
    sn: 'Schröder',
    mail: 'joerg.schroeder@example.com',
    telephoneNumber: '030/1234567-14',
    ipPhone: '1014',
    mobile: '+49 170 1234567|0171 7654321',
    facsimileTelephoneNumber: '030 1234567-99',
    department: 'Geschäftsführung',
    title: 'Geschäftsführer',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Berlin',
    preferredLanguage: 'de',
    userPrincipalName: 'joerg.schroeder@example.com',
    sAMAccountName: 'jschroeder',
  },
  {
    id: 'u0004',
    objectClass: 'user',
    cn: 'Sören Weiß',
    displayName: 'Sören Weiß',
    givenName: 'Sören',
    sn: 'Weiß',
    mail: 'soeren.weiss@example.com',
    telephoneNumber: '0049 30 1234567 15',
    ipPhone: '1015',
    mobile: '+49 152 33445566',
    department: 'Einkauf',
    title: 'Einkäufer',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Berlin',
    preferredLanguage: 'de',
    userPrincipalName: 'soeren.weiss@example.com',
    sAMAccountName: 'sweiss',
  },
  {
    id: 'u0005',
    objectClass: 'user',
    cn: 'Maximilian Groß',
    displayName: 'Maximilian Groß',
    givenName: 'Maximilian',
    sn: 'Groß',
    mail: 'maximilian.gross@example.com',
    telephoneNumber: '+49 (30) 1234567-16',
    ipPhone: '1016',
    department: 'Kundendienst',
    title: 'Servicetechniker',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Berlin',
    preferredLanguage: 'en',
    userPrincipalName: 'maximilian.gross@example.com',
    sAMAccountName: 'mgross',
  },
  {
    id: 'u0006',
    objectClass: 'user',
    cn: 'Emre Çelik',
    displayName: 'Emre Çelik',
    givenName: 'Emre',
    sn: 'Çelik',
    mail: 'emre.celik@example.com',
    telephoneNumber: '+49 89 7654321-20',
    ipPhone: '2020',
    mobile: '0176 11223344',
    department: 'Entwicklung',
    title: 'Softwareentwickler',
    company: COMPANY,
    physicalDeliveryOfficeName: 'München',
    preferredLanguage: 'de',
    userPrincipalName: 'emre.celik@example.com',
    sAMAccountName: 'ecelik',
  },
  {
    id: 'u0007',
    objectClass: 'user',
    cn: 'Lea Gruber',
    displayName: 'Lea Gruber',
    givenName: 'Lea',
    sn: 'Gruber',
    mail: 'lea.gruber@example.com',
    telephoneNumber: '+43 1 5350000-30',
    ipPhone: '3030',
    mobile: '+43 664 1234567',
    department: 'Vertrieb',
    title: 'Account Managerin',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Wien',
    preferredLanguage: 'de',
    userPrincipalName: 'lea.gruber@example.com',
    sAMAccountName: 'lgruber',
  },
  {
    id: 'u0008',
    objectClass: 'user',
    cn: 'Ursula Bühler',
    displayName: 'Ursula Bühler',
    givenName: 'Ursula',
    sn: 'Bühler',
    mail: 'ursula.buehler@example.com',
    telephoneNumber: '+41 44 268 44 05',
    ipPhone: '405',
    mobile: '+41 79 123 45 67',
    department: 'Kundendienst',
    title: 'Kundenberaterin',
    company: COMPANY,
    physicalDeliveryOfficeName: 'Zürich',
    preferredLanguage: 'de',
    userPrincipalName: 'ursula.buehler@example.com',
    sAMAccountName: 'ubuehler',
  },
  {
    id: 'c0001',
    objectClass: 'contact',
    cn: 'Zoë Ångström',
    displayName: 'Zoë Ångström',
    givenName: 'Zoë',
    sn: 'Ångström',
    mail: 'zoe.angstrom@angstrom-optics.example',
    telephoneNumber: '+46 8 123 456 78',
    mobile: '+46 70 123 45 67',
    title: 'Sales Director',
    company: 'Ångström Optics AB',
    physicalDeliveryOfficeName: 'Stockholm',
    preferredLanguage: 'sv',
  },
  {
    id: 'c0002',
    objectClass: 'contact',
    cn: 'Łukasz Wiśniewski',
    displayName: 'Łukasz Wiśniewski',
    givenName: 'Łukasz',
    sn: 'Wiśniewski',
    mail: 'lukasz.wisniewski@wisniewski-transport.example',
    telephoneNumber: '+48 22 123 45 67',
    mobile: '+48 601 234 567',
    department: 'Dyspozycja',
    title: 'Dyspozytor',
    company: 'Wiśniewski Transport Sp. z o.o.',
    physicalDeliveryOfficeName: 'Warszawa',
    preferredLanguage: 'pl',
  },
  {
    id: 'c0003',
    objectClass: 'contact',
    cn: 'Ségolène Dubois',
    displayName: 'Ségolène Dubois',
    givenName: 'Ségolène',
    sn: 'Dubois',
    mail: 'segolene.dubois@dubois-lefevre.example',
    telephoneNumber: '+33 1 42 68 53 00',
    mobile: '+33 6 12 34 56 78',
    facsimileTelephoneNumber: '+33 1 42 68 53 01',
    title: 'Avocate',
    company: 'Dubois, Lefèvre & Associés',
    physicalDeliveryOfficeName: 'Paris',
    preferredLanguage: 'fr',
  },
  {
    id: 'c0004',
    objectClass: 'contact',
    cn: 'Øyvind Hansen',
    displayName: 'Øyvind Hansen',
    givenName: 'Øyvind',
    sn: 'Hansen',
    mail: 'oyvind.hansen@fjordkraft.example',
    telephoneNumber: '+47 22 12 34 56',
    title: 'Innkjøpssjef',
    company: 'Fjordkraft Test AS',
    physicalDeliveryOfficeName: 'Oslo',
    preferredLanguage: 'nb',
  },
];

// ---- deterministic randomness -----------------------------------------------------------------

// ---- name pools (no known person's given name or surname) -------------------------------------

/** A comma-separated list of names (some contain spaces: `von der Heide`). */
function names(list: string): readonly string[] {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

const GERMAN_GIVEN = names(`
  Lukas, Leon, Finn, Jonas, Paul, Felix, Elias, Ben, Noah, Tim, Julian, Niklas, Moritz, Jan, Tobias,
  Florian, Sebastian, Stefan, Thomas, Michael, Andreas, Jürgen, Uwe, Dieter, Björn, Jens, Lars,
  Malte, Hauke, Till, Günther, Götz, Bernd, Rüdiger, Anja, Katrin, Sabine, Ute, Birgit, Jana, Lena,
  Hannah, Mia, Emma, Sophie, Marie, Laura, Julia, Lisa, Sarah, Johanna, Clara, Greta, Ida, Frieda,
  Käthe, Lotte, Mareike, Svenja, Wiebke, Dörte, Bärbel, Jördis, Ines, Ayşe, Mehmet, Özlem, Gökhan,
  René, Noël, Chloé, Hélène, François, Raphaël, Agnès, José, Iñigo, Sinéad, Åsa, Małgorzata, Paweł,
  Tomáš, Jiří, Dragan, Milena, Nikša, Ľubica
`);

const GERMAN_SURNAMES = names(`
  Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, Bauer,
  Richter, Klein, Wolf, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange,
  Schmitt, Werner, Schmitz, Krause, Meier, Lehmann, Schmid, Schulze, Maier, Köhler, Herrmann, König,
  Walter, Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, Möller, Jung, Hahn, Schubert, Vogel,
  Friedrich, Keller, Günther, Frank, Berger, Winkler, Roth, Beck, Lorenz, Baumann, Franke, Albrecht,
  Böhm, Winter, Krämer, Vogt, Jäger, Sommer, Seidel, Brandt, Haas, Schreiber, Graf, Dietrich,
  Ziegler, Kühn, Pohl, Engel, Horn, Busch, Bergmann, Voigt, Sauer, Pfeiffer, Öztürk, Yılmaz, Kaya,
  Demir, Şahin, Nowak, Kowalski, Dvořák, Horváth, Papadopoulos, García, Núñez, Rossi, Lefèvre,
  Moreau, Sjöberg, Åberg, Sørensen, O'Connor, von der Heide, Meyer-Landrut, de la Cruz, van Dijk,
  Großmann, Weißenborn, Straßer
`);

interface Partner {
  readonly company: string;
  readonly city: string;
  readonly domain: string;
  readonly language: string;
  readonly given: readonly string[];
  readonly surnames: readonly string[];
  /** Writes a landline number of this partner's country in one of its customary forms. */
  readonly landline: (random: SeededRandom) => string;
  readonly mobile: (random: SeededRandom) => string;
}

const FRENCH = {
  given: names(`Camille, Théo, Émilie, Jérôme, Céline, Benoît, Anaïs, Loïc, Maëlle`),
  surnames: names(`Martin, Bernard, Petit, Durand, Leroy, Girard, Fournier, Bonnet, Chevalier, Lambert`),
};
const POLISH = {
  given: names(`Agnieszka, Krzysztof, Wojciech, Zofia, Jędrzej, Bożena, Grzegorz, Katarzyna`),
  surnames: names(`Zieliński, Wójcik, Kamińska, Lewandowski, Dąbrowska, Kozłowski, Jankowska, Mazur`),
};
const NORDIC = {
  given: names(`Ingrid, Håkon, Sigrún, Bjørn, Astrid, Kåre, Sølvi, Eirik`),
  surnames: names(`Johansen, Kristiansen, Lindqvist, Nyström, Bergström, Dahl, Haugen, Solberg`),
};
const GERMAN = { given: GERMAN_GIVEN, surnames: GERMAN_SURNAMES };
const ITALIAN = {
  given: names(`Giulia, Niccolò, Chiara, Lorenzo, Francesca, Matteo`),
  surnames: names(`Bianchi, Ferrari, Esposito, Romano, Colombo, Ricci`),
};
const DUTCH = {
  given: names(`Daan, Sanne, Joël, Anouk, Sem, Fleur`),
  surnames: names(`de Vries, Jansen, Bakker, Visser, Smit, de Boer`),
};
const TURKISH = {
  given: names(`Elif, Burak, Zeynep, Çağla, Oğuz, Gülşen`),
  surnames: names(`Aydın, Arslan, Doğan, Kılıç, Koç, Güneş`),
};
const ENGLISH = {
  given: names(`Oliver, Amelia, Harry, Isla, George, Siobhan`),
  surnames: names(`Smith, Jones, Taylor, Brown, Wilson, Evans`),
};

const spaced = (digits: string, size: number): string =>
  digits.match(new RegExp(`.{1,${size}}`, 'g'))!.join(' ');

const PARTNERS: readonly Partner[] = [
  partner('Hanse Logistik GmbH', 'Hamburg', 'hanse-logistik.example', 'de', GERMAN, '40', germanMobile),
  partner('Rheinwerk Maschinenbau AG', 'Köln', 'rheinwerk.example', 'de', GERMAN, '221', germanMobile),
  partner(
    'Mainfrank Finanz GmbH & Co. KG',
    'Frankfurt am Main',
    'mainfrank.example',
    'de',
    GERMAN,
    '69',
    germanMobile,
  ),
  {
    company: 'Alpenblick Hotels GmbH',
    city: 'Innsbruck',
    domain: 'alpenblick.example',
    language: 'de',
    ...GERMAN,
    landline: (r) => r.pick([`+43 512 ${r.digits(6)}`, `0043 512 ${r.digits(3)} ${r.digits(3)}`]),
    mobile: (r) => `+43 ${r.pick(['660', '664', '676', '699'])} ${r.digits(7)}`,
  },
  {
    company: 'Bergli Software AG',
    city: 'Bern',
    domain: 'bergli.example',
    language: 'de',
    ...GERMAN,
    landline: (r) => `+41 31 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    mobile: (r) => `+41 ${r.pick(['76', '78', '79'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  },
  {
    company: 'Dupont & Fils SARL',
    city: 'Lyon',
    domain: 'dupont-fils.example',
    language: 'fr',
    ...FRENCH,
    landline: (r) => `+33 4 ${spaced(r.digits(8), 2)}`,
    mobile: (r) => `+33 ${r.pick(['6', '7'])} ${spaced(r.digits(8), 2)}`,
  },
  {
    company: 'Kraków Components Sp. z o.o.',
    city: 'Kraków',
    domain: 'krakow-components.example',
    language: 'pl',
    ...POLISH,
    landline: (r) => `+48 12 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    mobile: (r) => `+48 ${r.pick(['501', '601', '691', '791'])} ${r.digits(3)} ${r.digits(3)}`,
  },
  {
    company: 'Nordsjø Shipping AS',
    city: 'Bergen',
    domain: 'nordsjo.example',
    language: 'nb',
    ...NORDIC,
    landline: (r) => `+47 55 ${spaced(r.digits(6), 2)}`,
    mobile: (r) => `+47 ${r.pick(['4', '9'])}${r.digits(2)} ${r.digits(2)} ${r.digits(3)}`,
  },
  {
    company: 'Città Bella S.r.l.',
    city: 'Milano',
    domain: 'cittabella.example',
    language: 'it',
    ...ITALIAN,
    landline: (r) => `+39 02 ${r.digits(4)} ${r.digits(4)}`,
    mobile: (r) => `+39 3${r.digits(2)} ${r.digits(7)}`,
  },
  {
    company: 'Tulipa Trading B.V.',
    city: 'Amsterdam',
    domain: 'tulipa.example',
    language: 'nl',
    ...DUTCH,
    landline: (r) => `+31 20 ${r.digits(3)} ${r.digits(4)}`,
    mobile: (r) => `+31 6 ${r.digits(8)}`,
  },
  {
    company: 'Öztürk İnşaat A.Ş.',
    city: 'İstanbul',
    domain: 'ozturk-insaat.example',
    language: 'tr',
    ...TURKISH,
    landline: (r) => `+90 212 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    mobile: (r) => `+90 5${r.digits(2)} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  },
  {
    company: 'Smith, Jones & Partners Ltd',
    city: 'London',
    domain: 'sjp.example',
    language: 'en',
    ...ENGLISH,
    landline: (r) => `+44 20 ${r.digits(4)} ${r.digits(4)}`,
    mobile: (r) => `+44 7${r.digits(3)} ${r.digits(6)}`,
  },
];

/** A German partner: landline in national or international form, as German directories mix them. */
function partner(
  company: string,
  city: string,
  domain: string,
  language: string,
  names: { given: readonly string[]; surnames: readonly string[] },
  area: string,
  mobile: (random: SeededRandom) => string,
): Partner {
  const landline = (r: SeededRandom): string => {
    const number = r.digits(r.int(6, 8));
    return r.pick([
      `+49 ${area} ${number}`,
      `0${area} ${number}`,
      `(0${area}) ${number.slice(0, -2)}-${number.slice(-2)}`,
      `0${area}/${number}`,
    ]);
  };
  return { company, city, domain, language, ...names, landline, mobile };
}

const GERMAN_MOBILE_PREFIXES = [
  '151',
  '152',
  '157',
  '160',
  '162',
  '163',
  '170',
  '171',
  '172',
  '173',
  '175',
  '176',
  '177',
  '178',
  '179',
];

function germanMobile(r: SeededRandom): string {
  const prefix = r.pick(GERMAN_MOBILE_PREFIXES);
  const number = r.digits(prefix.startsWith('15') ? 8 : 7);
  return r.pick([
    `+49 ${prefix} ${number}`,
    `0${prefix} ${number}`,
    `0${prefix} ${number.slice(0, -1)} ${number.slice(-1)}`,
    `0${prefix}-${number}`,
    `+49 (0)${prefix} ${number}`,
  ]);
}

// ---- offices and departments ------------------------------------------------------------------

interface Office {
  readonly name: string;
  readonly weight: number;
  /** Extension numbers: first, and how many digits the DID suffix shows. */
  readonly firstExtension: number;
  /** The office number with DID suffix `did` (zero-padded to 2), in one of its customary forms. */
  readonly number: (random: SeededRandom, did: string) => string;
  readonly fax: (random: SeededRandom) => string;
  readonly mobile: (random: SeededRandom) => string;
}

const OFFICES: readonly Office[] = [
  {
    name: 'Berlin',
    weight: 60,
    firstExtension: 1000,
    number: (r, d) =>
      r.pick([
        `+49 30 1234567-${d}`,
        `030 1234567-${d}`,
        `030/1234567-${d}`,
        `0049 30 1234567 ${d}`,
        `+49 (30) 1234567-${d}`,
      ]),
    fax: (r) => r.pick(['+49 30 1234567-99', '030 1234567-99']),
    mobile: germanMobile,
  },
  {
    name: 'München',
    weight: 25,
    firstExtension: 2000,
    number: (r, d) =>
      r.pick([
        `+49 89 7654321-${d}`,
        `089 7654321-${d}`,
        `089/7654321-${d}`,
        `0049 89 7654321 ${d}`,
        `+49 (89) 7654321-${d}`,
      ]),
    fax: (r) => r.pick(['+49 89 7654321-99', '089 7654321-99']),
    mobile: germanMobile,
  },
  {
    name: 'Wien',
    weight: 8,
    firstExtension: 3000,
    number: (r, d) => r.pick([`+43 1 5350000-${d}`, `0043 1 5350000 ${d}`, `+43 (1) 5350000-${d}`]),
    fax: () => '+43 1 5350000-99',
    mobile: (r) =>
      r.pick([
        `+43 ${r.pick(['664', '676', '699'])} ${r.digits(7)}`,
        `0043 ${r.pick(['650', '660'])} ${r.digits(7)}`,
      ]),
  },
  {
    name: 'Zürich',
    weight: 7,
    firstExtension: 400,
    number: (r, d) => r.pick([`+41 44 268 44 ${d}`, `0041 44 268 44 ${d}`]),
    fax: () => '+41 44 268 44 99',
    mobile: (r) => `+41 ${r.pick(['76', '78', '79'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  },
];

const DEPARTMENTS: Readonly<Record<string, readonly string[]>> = {
  Vertrieb: ['Vertriebsmitarbeiter', 'Key Account Manager', 'Vertriebsinnendienst'],
  Einkauf: ['Einkäufer', 'Strategischer Einkauf'],
  Buchhaltung: ['Buchhalter', 'Controller', 'Lohnbuchhaltung'],
  Personal: ['Personalreferent', 'Recruiting'],
  IT: ['Systemadministrator', 'IT-Support', 'Netzwerkadministrator'],
  Entwicklung: ['Softwareentwickler', 'Testingenieur', 'Produktmanager'],
  Kundendienst: ['Kundenberater', 'Servicetechniker'],
  Marketing: ['Marketingmanager', 'Grafikdesigner'],
  Logistik: ['Disponent', 'Lagerleiter'],
};

// ---- generation -------------------------------------------------------------------------------

/** Everything that must stay unique across the phonebook. */
interface Taken {
  readonly names: Set<string>;
  readonly logins: Set<string>;
  readonly mails: Set<string>;
  readonly numbers: Set<string>;
  readonly extensions: Set<number>;
}

export function generateDemoPhonebook(): string {
  const random = new SeededRandom(SEED);
  const taken = takenByKnownPeople();
  const users = KNOWN_PEOPLE.filter((person) => person.objectClass === 'user');
  const contacts = KNOWN_PEOPLE.filter((person) => person.objectClass === 'contact');
  while (users.length < USERS) users.push(randomUser(random, taken, `u${pad(users.length + 1, 4)}`));
  while (contacts.length < CONTACTS)
    contacts.push(randomContact(random, taken, `c${pad(contacts.length + 1, 4)}`));
  return toCsv([...users, ...contacts]);
}

function takenByKnownPeople(): Taken {
  const taken: Taken = {
    names: new Set(),
    logins: new Set(),
    mails: new Set(),
    numbers: new Set(),
    extensions: new Set(),
  };
  for (const person of KNOWN_PEOPLE) {
    if (person.cn) taken.names.add(person.cn);
    if (person.sAMAccountName) taken.logins.add(person.sAMAccountName);
    if (person.mail) taken.mails.add(person.mail);
    if (person.ipPhone) taken.extensions.add(Number(person.ipPhone));
    for (const number of [person.telephoneNumber, person.mobile].flatMap((cell) => cell?.split('|') ?? [])) {
      taken.numbers.add(digitsOf(number));
    }
  }
  return taken;
}

function randomUser(random: SeededRandom, taken: Taken, id: string): Person {
  const { givenName, sn } = uniqueName(random, taken, GERMAN);
  const office = weightedOffice(random);
  const extension = nextExtension(office, taken);
  const did = pad(extension - office.firstExtension, 2);
  const department = random.pick(Object.keys(DEPARTMENTS));
  const login = uniqueLogin(
    taken,
    `${germanAscii(givenName).charAt(0)}${germanAscii(sn).replace(/[^a-z]/g, '')}`.slice(0, 20),
  );
  const mail = uniqueMail(taken, `${germanAscii(givenName)}.${germanAscii(sn)}`, MAIL_DOMAIN);
  return {
    id,
    objectClass: 'user',
    cn: `${givenName} ${sn}`,
    displayName: `${givenName} ${sn}`,
    givenName,
    sn,
    mail,
    telephoneNumber: office.number(random, did),
    ipPhone: String(extension),
    mobile: mobiles(random, taken, office.mobile, 0.7).join('|'),
    facsimileTelephoneNumber: random.chance(0.25) ? office.fax(random) : '',
    department,
    title: random.pick(DEPARTMENTS[department] ?? []),
    company: COMPANY,
    physicalDeliveryOfficeName: office.name,
    preferredLanguage: random.chance(0.8) ? 'de' : random.pick(['en', 'en', 'fr', 'tr']),
    userPrincipalName: mail,
    sAMAccountName: login,
  };
}

function randomContact(random: SeededRandom, taken: Taken, id: string): Person {
  const firm = random.pick(PARTNERS);
  const { givenName, sn } = uniqueName(random, taken, firm);
  return {
    id,
    objectClass: 'contact',
    cn: `${givenName} ${sn}`,
    displayName: `${givenName} ${sn}`,
    givenName,
    sn,
    mail: uniqueMail(taken, `${plainAscii(givenName)}.${plainAscii(sn)}`, firm.domain),
    telephoneNumber: uniqueNumber(random, taken, firm.landline),
    mobile: mobiles(random, taken, firm.mobile, 0.6).join('|'),
    department: random.chance(0.3) ? random.pick(['Einkauf', 'Vertrieb', 'Support', 'Finance']) : '',
    title: random.chance(0.6) ? random.pick(['Manager', 'Sales', 'Support', 'CEO', 'Buyer']) : '',
    company: firm.company,
    physicalDeliveryOfficeName: firm.city,
    preferredLanguage: firm.language,
  };
}

/** A given name and surname not used by anyone yet (names of known people are never reused). */
function uniqueName(
  random: SeededRandom,
  taken: Taken,
  names: { given: readonly string[]; surnames: readonly string[] },
): { givenName: string; sn: string } {
  for (;;) {
    const givenName = random.pick(names.given);
    const sn = random.pick(names.surnames);
    if (isKnownName(givenName) || isKnownName(sn))
      throw new Error(`a pool holds a known person's name: ${givenName} ${sn}`);
    if (taken.names.has(`${givenName} ${sn}`)) continue;
    taken.names.add(`${givenName} ${sn}`);
    return { givenName, sn };
  }
}

/** Compared as searches compare them (case and accents folded), so `Léa` would clash with `Lea`. */
function isKnownName(name: string): boolean {
  const folded = plainAscii(germanFold(name));
  return KNOWN_PEOPLE.some(
    (person) =>
      plainAscii(germanFold(person.givenName ?? '')) === folded ||
      plainAscii(germanFold(person.sn ?? '')) === folded,
  );
}

function germanFold(text: string): string {
  return text.toLowerCase().replaceAll('ß', 'ss');
}

function weightedOffice(random: SeededRandom): Office {
  let roll = random.int(
    1,
    OFFICES.reduce((sum, office) => sum + office.weight, 0),
  );
  for (const office of OFFICES) {
    roll -= office.weight;
    if (roll <= 0) return office;
  }
  return OFFICES[0]!;
}

function nextExtension(office: Office, taken: Taken): number {
  let extension = office.firstExtension + 1;
  while (taken.extensions.has(extension)) extension++;
  taken.extensions.add(extension);
  return extension;
}

/** None, one or (rarely) two mobile numbers, each new to the phonebook. */
function mobiles(
  random: SeededRandom,
  taken: Taken,
  make: (random: SeededRandom) => string,
  probability: number,
): string[] {
  if (!random.chance(probability)) return [];
  const count = random.chance(0.1) ? 2 : 1;
  return Array.from({ length: count }, () => uniqueNumber(random, taken, make));
}

function uniqueNumber(random: SeededRandom, taken: Taken, make: (random: SeededRandom) => string): string {
  for (;;) {
    const number = make(random);
    const digits = digitsOf(number);
    if (taken.numbers.has(digits)) continue;
    taken.numbers.add(digits);
    return number;
  }
}

function uniqueLogin(taken: Taken, base: string): string {
  let login = base;
  for (let n = 2; taken.logins.has(login); n++) login = `${base}${n}`;
  taken.logins.add(login);
  return login;
}

function uniqueMail(taken: Taken, local: string, domain: string): string {
  let mail = `${local}@${domain}`;
  for (let n = 2; taken.mails.has(mail); n++) mail = `${local}${n}@${domain}`;
  taken.mails.add(mail);
  return mail;
}

/** National significant digits, so `+49 30 1` and `030 1` count as one number. */
function digitsOf(number: string): string {
  return number
    .replace(/\(0\)/g, '')
    .replace(/[^0-9+]/g, '')
    .replace(/^(\+|00)49/, '0')
    .replace(/^0/, '');
}

// ---- text -------------------------------------------------------------------------------------

const GERMAN_LETTERS: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
const UNDECOMPOSABLE: Readonly<Record<string, string>> = { ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', ı: 'i', đ: 'd' };

/** Login form as a German admin writes it: `Jürgen Weiß` -> `juergen.weiss`. */
function germanAscii(text: string): string {
  return plainAscii(text.toLowerCase().replace(/[äöüß]/g, (letter) => GERMAN_LETTERS[letter] ?? letter));
}

/** Accents dropped: `Ångström` -> `angstrom`; spaces and apostrophes removed. */
function plainAscii(text: string): string {
  return text
    .toLowerCase()
    .replace(/[łøæœıđ]/g, (letter) => UNDECOMPOSABLE[letter] ?? letter)
    .normalize('NFD')
    .replace(/[^a-z0-9-]/g, '');
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function toCsv(people: readonly Person[]): string {
  const lines = [
    COLUMNS.join(','),
    ...people.map((person) => COLUMNS.map((column) => csvCell(person[column] ?? '')).join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string): string {
  return /[",\n\r]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

// ---- command line -----------------------------------------------------------------------------

function main(args: readonly string[]): number {
  const csv = generateDemoPhonebook();
  if (args.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current === csv) return 0;
    console.error('config/demo-phonebook.csv is stale: run npx tsx scripts/generate-demo-phonebook.ts');
    return 1;
  }
  writeFileSync(OUTPUT, csv);
  console.log(`wrote ${OUTPUT.pathname}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
