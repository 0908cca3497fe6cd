/**
 * Deterministic, realistic people for the directory and for users' contacts: accented names,
 * phone numbers written the many ways directories hold them (international, national, with
 * brackets and hyphens, internal extensions that no parser reads), departments, titles, locales
 * and employee ids. Person `i` of a seed is always the same person, whatever the count.
 */
import { primeCanonicalForm } from './phone-canonical-form.js';
import type { PersonInput, PhoneInput } from './person-record.js';

/** The region the generated national numbers are written for. */
export const SEED_REGION = 'DE';

// prettier-ignore
const GIVEN = [
  'Jörg', 'Zoë', 'Anaïs', 'José', 'Łukasz', 'Søren', 'Ángel', 'François', 'Chloé', 'Björn',
  'Märta', 'Ümit', 'Çağla', 'Renée', 'Élodie', 'Inés', 'Günter', 'Kübra', 'Raphaël', 'Małgorzata',
  'Åsa', 'Øyvind', 'Anna', 'Lukas', 'Sophie', 'Peter', 'Thomas', 'Laura', 'Hannah', 'Jürgen',
];
// prettier-ignore
const FAMILY = [
  'Müller', 'Schröder', 'Weiß', 'Groß', 'Dvořák', 'Núñez', 'García', 'Lefèvre', 'Østergaard', 'Kovačević',
  'Çelik', 'Żuławski', 'Jäger', 'Köhler', 'Schmidt', 'Fischer', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer',
  'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Krüger', 'Hofmann', 'Lange', 'Meier',
];
// prettier-ignore
const DEPARTMENTS = ['Vertrieb', 'Einkauf', 'Buchhaltung', 'IT', 'Personal', 'Marketing', 'Logistik', 'Produktion', 'Kundendienst', 'Geschäftsführung'];
// prettier-ignore
const TITLES = ['Sachbearbeiterin', 'Teamleiter', 'Entwickler', 'Key Account Manager', 'Assistenz der Geschäftsführung', 'Werkstudent', 'Leiterin Einkauf', 'Disponent'];
// prettier-ignore
const LOCALES = ['de', 'de', 'de', 'de-AT', 'de-CH', 'en', 'fr', 'it', 'pl', 'tr'];
// prettier-ignore
const COMPANIES = ['Fabrikam GmbH', 'Contoso AG', 'Müller & Söhne KG', 'Société Générale Électrique', 'Northwind Traders', 'Åkerlund Logistik AB'];

/** mulberry32: small, fast and good enough to pick from lists reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function digits(rand: () => number, count: number): string {
  let out = String(1 + Math.floor(rand() * 9));
  while (out.length < count) out += String(Math.floor(rand() * 10));
  return out;
}

/** Folds a name into the ASCII an address is made of: `Jörg Müller` -> `jorg.muller`. */
const addressParts = new Map<string, string>();

export function addressPart(text: string): string {
  let part = addressParts.get(text);
  if (part === undefined) {
    part = foldToAscii(text);
    addressParts.set(text, part);
  }
  return part;
}

function foldToAscii(text: string): string {
  return text
    .replace(/ß/g, 'ss')
    .replace(/[Øø]/g, 'o')
    .replace(/[Łł]/g, 'l')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** A generated number whose E.164 form (or unreadability) the generator knows by construction. */
function known(value: string, e164: string | undefined, type: string): PhoneInput {
  primeCanonicalForm(value, SEED_REGION, e164);
  return { value, type };
}

/** A Berlin office number `030 <8 digits>` written one of the ways people write it. */
function officeNumber(rand: () => number, subscriber: string): string {
  const forms = [
    `+49 30 ${subscriber.slice(0, 4)}-${subscriber.slice(4)}`,
    `030 ${subscriber}`,
    `(030) ${subscriber.slice(0, 4)} ${subscriber.slice(4)}`,
    `+49 (0)30 ${subscriber}`,
    `0049 30 ${subscriber}`,
    `+4930${subscriber}`,
  ];
  return pick(rand, forms);
}

/** German mobile prefixes whose numbers have seven digits after the prefix. */
const MOBILE_PREFIXES = ['160', '170', '171', '175', '176'];

function mobileNumber(rand: () => number, type: string): PhoneInput {
  const prefix = pick(rand, MOBILE_PREFIXES);
  const rest = digits(rand, 7);
  const value = pick(rand, [`+49 ${prefix} ${rest}`, `0${prefix} ${rest}`, `0${prefix}-${rest}`]);
  return known(value, `+49${prefix}${rest}`, type);
}

function foreignNumber(rand: () => number): string {
  return pick(rand, [
    `+43 1 ${digits(rand, 7)}`,
    `+41 44 ${digits(rand, 3)} ${digits(rand, 2)} ${digits(rand, 2)}`,
    `+1 (415) 555-01${digits(rand, 2)}`,
    `+33 1 ${digits(rand, 2)} ${digits(rand, 2)} ${digits(rand, 2)} ${digits(rand, 2)}`,
  ]);
}

function directoryPhones(rand: () => number, index: number): PhoneInput[] {
  const subscriber = String(20_000_000 + ((index * 7919) % 70_000_000));
  const phones = [known(officeNumber(rand, subscriber), `+4930${subscriber}`, 'work')];
  // About one in ten also has an internal extension, which Google cannot read.
  if (rand() < 0.1) phones.push(known(String(1000 + (index % 9000)), undefined, 'work'));
  if (rand() < 0.6) phones.push(mobileNumber(rand, pick(rand, ['mobile', 'mobile', 'workMobile'])));
  if (rand() < 0.15) {
    const fax = `${subscriber.slice(0, 6)}99`;
    phones.push(known(`030 ${fax}`, `+4930${fax}`, 'workFax'));
  }
  if (rand() < 0.05)
    phones.push({ value: foreignNumber(rand), type: pick(rand, ['home', 'other', 'googleVoice']) });
  if (rand() < 0.02) phones.push({ value: `0${digits(rand, 3)} ${digits(rand, 5)}`, type: 'pager' });
  return phones;
}

/** Directory profile `index` of `seed`, with an address at `domain` unique to that index. */
export function directoryPerson(index: number, domain: string, seed = 1): PersonInput {
  const rand = random(seed * 1_000_003 + index);
  const givenName = pick(rand, GIVEN);
  const familyName = pick(rand, FAMILY);
  const email = `${addressPart(givenName)}.${addressPart(familyName)}${index === 0 ? '' : `.${index}`}@${domain}`;
  const externalIds = [{ value: `EMP-${String(10_000 + index)}`, type: 'organization' }];
  if (rand() < 0.2) externalIds.push({ value: `KST-${digits(rand, 4)}`, type: 'Kostenstelle' });
  return {
    names: [{ givenName, familyName }],
    emailAddresses: [{ value: email }],
    phoneNumbers: directoryPhones(rand, index),
    organizations: [
      { name: 'Beispiel GmbH', title: pick(rand, TITLES), department: pick(rand, DEPARTMENTS) },
    ],
    locales: [{ value: pick(rand, LOCALES) }],
    externalIds,
  };
}

/** A shared domain contact (a supplier's hotline, say): no address at the domain, a main number. */
export function domainContact(index: number, seed = 1): PersonInput {
  const rand = random(seed * 2_000_003 + index);
  const company = pick(rand, COMPANIES);
  return {
    names: [{ givenName: pick(rand, GIVEN), familyName: pick(rand, FAMILY) }],
    emailAddresses: [{ value: `info${index}@${addressPart(company.split(' ')[0]!)}.example`, type: 'work' }],
    phoneNumbers: [{ value: pick(rand, [foreignNumber(rand), `089 ${digits(rand, 7)}`]), type: 'main' }],
    organizations: [{ name: company }],
  };
}

/** A user's own contact: names, a mix of numbers, sometimes no name at all (just an address). */
export function personalContact(index: number, seed = 1): PersonInput {
  const rand = random(seed * 3_000_017 + index);
  const givenName = pick(rand, GIVEN);
  const familyName = pick(rand, FAMILY);
  const named = rand() > 0.05;
  const email = `${addressPart(givenName)}.${addressPart(familyName)}${index}@${pick(rand, ['gmail.com', 'web.de', 'gmx.net', 'fabrikam.example'])}`;
  const phones = [mobileNumber(rand, 'mobile')];
  if (rand() < 0.4)
    phones.push({
      value: pick(rand, [`089 ${digits(rand, 7)}`, foreignNumber(rand)]),
      type: pick(rand, ['home', 'work', 'main', 'other']),
    });
  return {
    ...(named ? { names: [{ givenName, familyName }] } : {}),
    emailAddresses: [{ value: email, type: pick(rand, ['home', 'work', 'other']) }],
    phoneNumbers: phones,
    ...(rand() < 0.3 ? { organizations: [{ name: pick(rand, COMPANIES) }] } : {}),
  };
}
