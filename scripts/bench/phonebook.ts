/**
 * A large, deterministic phonebook for the benchmark and the hostile-input tests: a company of
 * `count` people in offices across Europe, with accented names (and the repeats a big company has:
 * many a Thomas Müller), numbers written in the mixed national and international forms real
 * directories hold, and unique ids and mail addresses. The same seed gives the same file.
 *
 * Alongside the CSV it returns the terms a phone user would type, drawn from the data so that
 * searches find something: name prefixes (as written, or without accents), number suffixes and
 * mail addresses.
 */
import { SeededRandom } from '../seeded-random.js';

export interface Phonebook {
  readonly csv: string;
  readonly terms: Terms;
}

export interface Terms {
  /** Three-letter name beginnings, e.g. `mül` or `mul`. */
  readonly namePrefixes: readonly string[];
  /** Last four digits of a number somebody has. */
  readonly numberSuffixes: readonly string[];
  /** Mail addresses of real entries, for equality lookups. */
  readonly mails: readonly string[];
  /** Whole numbers as a caller ID shows them (`+493012341042`), for scenarios that need them. */
  readonly callerIds?: readonly string[];
  /** DNs of entries of the server a run talks to, for re-reads by DN. */
  readonly dns?: readonly string[];
}

/** The phonebook's columns that are attributes of a person (the id and objectClass are not). */
export const PERSON_COLUMNS = [
  'cn',
  'displayName',
  'givenName',
  'sn',
  'mail',
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'department',
  'title',
  'company',
  'physicalDeliveryOfficeName',
] as const;

const COLUMNS = ['id', 'objectClass', ...PERSON_COLUMNS] as const;

type Row = Record<(typeof COLUMNS)[number], string>;

const TERMS_OF_EACH_KIND = 2_000;

const list = (text: string): readonly string[] =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

const GIVEN = list(`
  Anna, Lukas, Leon, Finn, Jonas, Paul, Felix, Elias, Noah, Tim, Julian, Niklas, Moritz, Tobias, Thomas,
  Michael, Andreas, Jürgen, Uwe, Björn, Jens, Malte, Günther, Götz, Rüdiger, Anja, Katrin, Sabine,
  Birgit, Lena, Hannah, Mia, Emma, Sophie, Marie, Julia, Clara, Greta, Käthe, Lotte, Dörte, Bärbel,
  Ayşe, Mehmet, Özlem, Gökhan, René, Noël, Chloé, Hélène, François, Raphaël, Agnès, José, Iñigo,
  Sinéad, Åsa, Małgorzata, Paweł, Tomáš, Jiří, Ľubica, Zoë, Søren, Øyvind, Ségolène, Łukasz, Çağla
`);

const SURNAMES = list(`
  Müller, Mueller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,
  Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger,
  Hartmann, Lange, Werner, Krause, Lehmann, Köhler, Herrmann, König, Walter, Huber, Kaiser, Fuchs,
  Möller, Jung, Hahn, Vogel, Keller, Günther, Berger, Böhm, Krämer, Jäger, Groß, Weiß, Straßer,
  Öztürk, Yılmaz, Şahin, Çelik, Nowak, Wiśniewski, Dvořák, Horváth, García, Núñez, Lefèvre, Ångström,
  Sjöberg, Sørensen, O'Connor, von der Heide, Meyer-Landrut, de la Cruz, van Dijk, Bühler, Gruber
`);

interface Office {
  readonly name: string;
  readonly weight: number;
  /** A number of the office, extension `did`, in one of the forms its directory mixes. */
  readonly number: (r: SeededRandom, did: string) => string;
  readonly mobile: (r: SeededRandom) => string;
}

function germanOffice(name: string, weight: number, area: string, base: string): Office {
  return {
    name,
    weight,
    number: (r, did) =>
      r.pick([
        `+49 ${area} ${base}-${did}`,
        `0${area} ${base}-${did}`,
        `0${area}/${base}${did}`,
        `0049 ${area} ${base} ${did}`,
        `+49 (${area}) ${base}-${did}`,
        `(0${area}) ${base} ${did}`,
      ]),
    mobile: (r) => {
      const prefix = r.pick(['151', '152', '160', '170', '171', '172', '175', '176', '177', '179']);
      const number = r.digits(prefix.startsWith('15') ? 8 : 7);
      return r.pick([
        `+49 ${prefix} ${number}`,
        `0${prefix} ${number}`,
        `0${prefix}-${number}`,
        `+49 (0)${prefix} ${number}`,
      ]);
    },
  };
}

const OFFICES: readonly Office[] = [
  germanOffice('Berlin', 35, '30', '1234'),
  germanOffice('München', 20, '89', '7654'),
  germanOffice('Hamburg', 15, '40', '5550'),
  germanOffice('Köln', 10, '221', '4711'),
  {
    name: 'Wien',
    weight: 10,
    number: (r, did) => r.pick([`+43 1 53500-${did}`, `0043 1 53500 ${did}`, `01 53500-${did}`]),
    mobile: (r) => `+43 ${r.pick(['664', '676', '699'])} ${r.digits(7)}`,
  },
  {
    name: 'Zürich',
    weight: 10,
    number: (r, did) => r.pick([`+41 44 268 ${did}`, `044 268 ${did}`]),
    mobile: (r) => `+41 ${r.pick(['76', '78', '79'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  },
];

const DEPARTMENTS: Readonly<Record<string, readonly string[]>> = {
  Vertrieb: ['Vertriebsmitarbeiter', 'Key Account Manager', 'Vertriebsinnendienst'],
  Einkauf: ['Einkäufer', 'Strategischer Einkauf'],
  Buchhaltung: ['Buchhalter', 'Controller'],
  IT: ['Systemadministrator', 'IT-Support'],
  Entwicklung: ['Softwareentwickler', 'Testingenieur'],
  Kundendienst: ['Kundenberater', 'Servicetechniker'],
  Logistik: ['Disponent', 'Lagerleiter'],
};

const TOTAL_WEIGHT = OFFICES.reduce((sum, office) => sum + office.weight, 0);

/**
 * `shape: 'ad'` adds what an AD user entry carries besides: a UPN and a sAMAccountName, initials, a
 * fax number (a third number), the city, a language and a description, about 1 KB of text and 20
 * presented attributes per person, as the replica benchmark measures them. The phone columns are the
 * same either way.
 */
export function generatePhonebook(
  count: number,
  seed = 0x0b3c_2025,
  options: { readonly shape?: 'phonebook' | 'ad' } = {},
): Phonebook {
  const random = new SeededRandom(seed);
  const mails = new Map<string, number>();
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) rows.push(person(random, i, mails));
  const lines =
    options.shape === 'ad'
      ? adLines(rows, new SeededRandom(seed + 1))
      : [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(','))];
  return { csv: `${lines.join('\n')}\n`, terms: terms(rows, random) };
}

const AD_COLUMNS = [
  'userPrincipalName',
  'sAMAccountName',
  'initials',
  'facsimileTelephoneNumber',
  'l',
  'preferredLanguage',
  'description',
] as const;

const DESCRIPTION_WORDS = list(`
  verantwortlich, für, die, Betreuung, der, Kunden, im, Raum, Projekte, Koordination, Ansprechpartner,
  Lieferanten, Planung, Abstimmung, mit, Standorten, Vertretung, Urlaub, Schwerpunkt, Region, Support,
  Produkte, Schulungen, Einführung, neuer, Systeme, Qualität, Prozesse, Team, Leitung, Berichte
`);

function adLines(rows: readonly Row[], random: SeededRandom): string[] {
  const header = [...COLUMNS, ...AD_COLUMNS].join(',');
  return [
    header,
    ...rows.map((row) => {
      const account = row.mail.split('@')[0]!;
      const extra = [
        `${account}@example.com`,
        account.slice(0, 20),
        `${row.givenName[0] ?? ''}${row.sn[0] ?? ''}`,
        row.telephoneNumber.replace(/\d{2}$/, '99'),
        row.physicalDeliveryOfficeName,
        random.pick(['de', 'de-AT', 'de-CH', 'en', 'fr']),
        Array.from({ length: 70 }, () => random.pick(DESCRIPTION_WORDS)).join(' '),
      ];
      return [...COLUMNS.map((c) => csvCell(row[c])), ...extra.map(csvCell)].join(',');
    }),
  ];
}

function person(random: SeededRandom, index: number, mails: Map<string, number>): Row {
  const givenName = random.pick(GIVEN);
  const sn = random.pick(SURNAMES);
  const office = weightedOffice(random);
  // Extensions are unique per office; the number shows the extension as its last digits.
  const extension = String(1000 + index);
  const department = random.pick(Object.keys(DEPARTMENTS));
  const mobiles = random.next() < 0.7 ? [office.mobile(random)] : [];
  if (random.next() < 0.05) mobiles.push(office.mobile(random));
  return {
    id: `b${String(index + 1).padStart(6, '0')}`,
    objectClass: random.next() < 0.9 ? 'user' : 'contact',
    cn: `${givenName} ${sn}`,
    displayName: random.next() < 0.1 ? `${sn}, ${givenName}` : `${givenName} ${sn}`,
    givenName,
    sn,
    mail: uniqueMail(mails, `${ascii(givenName)}.${ascii(sn)}`),
    telephoneNumber: office.number(random, extension),
    ipPhone: extension,
    mobile: mobiles.join('|'),
    department,
    title: random.pick(DEPARTMENTS[department]!),
    company: 'Example GmbH',
    physicalDeliveryOfficeName: office.name,
  };
}

function weightedOffice(random: SeededRandom): Office {
  let roll = random.int(1, TOTAL_WEIGHT);
  for (const office of OFFICES) {
    roll -= office.weight;
    if (roll <= 0) return office;
  }
  return OFFICES[0]!;
}

function uniqueMail(taken: Map<string, number>, local: string): string {
  const seen = taken.get(local) ?? 0;
  taken.set(local, seen + 1);
  return `${seen === 0 ? local : `${local}${seen + 1}`}@example.com`;
}

/** What a phone user types: a name beginning (with or without accents), a number's last digits. */
function terms(rows: readonly Row[], random: SeededRandom): Terms {
  const namePrefixes: string[] = [];
  const numberSuffixes: string[] = [];
  const mails: string[] = [];
  for (let i = 0; i < TERMS_OF_EACH_KIND; i++) {
    const row = random.pick(rows);
    const name = (random.next() < 0.5 ? row.sn : row.givenName).toLowerCase();
    namePrefixes.push((random.next() < 0.5 ? name : ascii(name)).replace(/[^\p{L}]/gu, '').slice(0, 3));
    const number = random.next() < 0.5 || row.mobile === '' ? row.telephoneNumber : row.mobile;
    numberSuffixes.push(number.replace(/\D/g, '').slice(-4));
    mails.push(random.pick(rows).mail);
  }
  return { namePrefixes, numberSuffixes, mails };
}

const FOLDS: Readonly<Record<string, string>> = { ß: 'ss', ł: 'l', ø: 'o', ı: 'i', æ: 'ae' };

/** `Jürgen Weiß` -> `jurgenweiss`: accents dropped, as in mail addresses and on phone keypads. */
function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ßłøıæ]/g, (letter) => FOLDS[letter] ?? letter)
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '');
}

/** Quoted only when it has to be (a regular expression here costs more than the rest of the row). */
function csvCell(value: string): string {
  const quote =
    value.includes(',') ||
    value.includes('"') ||
    value.includes('\n') ||
    value.startsWith(' ') ||
    value.endsWith(' ');
  return quote ? `"${value.replaceAll('"', '""')}"` : value;
}
