/**
 * What the end-to-end tests of the `domino` source expect, computed from the Domino stand-in's
 * exported seed (scripts/test-backends/domino/directory.ts), never listed by hand: the source's
 * config for a running stand-in, each person's entryUUID and presented DN, and the attributes the
 * Domino default map presents for each person (DOMAIN.md, "Default field maps").
 */
import { uuidV5 } from '../../../src/directory/entry-uuid.js';
import type { DominoPerson, SlapdDomino } from '../../../scripts/test-backends/slapd-domino.js';
import { SUFFIX } from './dirbridge-process.js';
import { registerTestSecret } from './test-secrets.js';

export const DOMINO_MOUNT = `ou=domino,${SUFFIX}`;

/** Every password the stand-in holds, registered for the log scan; the wrong one the tests send. */
export function registerDominoSecrets(domino: SlapdDomino): void {
  registerTestSecret(domino.servicePassword);
  registerTestSecret(domino.rootPassword);
  for (const person of people(domino)) {
    registerTestSecret(person.password);
    if (person.sipPassword !== null) registerTestSecret(person.sipPassword);
    if (person.httpPassword !== null) registerTestSecret(person.httpPassword);
  }
}

/** A password no person has: distinctive, so the log scan would find it. */
export const WRONG_PASSWORD = registerTestSecret('Wrong#Domino-Pass-0000');

export function people(domino: SlapdDomino): DominoPerson[] {
  return Object.values(domino.people);
}

/** The `domino` source for the stand-in over LDAPS, bound as its service account. */
export function dominoSource(
  domino: SlapdDomino,
  settings: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'domino',
    type: 'domino',
    urls: [domino.ldapsUrl],
    tls: { ca: domino.caFile },
    bind: { name: domino.serviceDn, password: domino.servicePassword },
    ...settings,
  };
}

/** A person's entryUUID: from its dominoUNID, or from its DN where it has none. */
export function entryUuidOf(person: DominoPerson, mount = 'domino'): string {
  return uuidV5(mount, person.unid ?? person.dn);
}

export function presentedDn(person: DominoPerson): string {
  return `entryUUID=${entryUuidOf(person)},${DOMINO_MOUNT}`;
}

/** The first of the person's seeded items that holds values: how a map's fallback list reads it. */
export function firstItem(person: DominoPerson, ...items: string[]): string[] | undefined {
  for (const item of items) {
    const values = person.attributes[item];
    if (values !== undefined && values.length > 0) return [...values];
  }
  return undefined;
}

/**
 * The presented attributes the Domino default map fills for a person, each from the LDAP name of
 * the item or else from the Notes item (undefined where the person holds neither).
 */
export function mappedAttributes(person: DominoPerson): Record<string, string[] | undefined> {
  return {
    cn: [...person.cn],
    sn: firstItem(person, 'sn', 'LastName'),
    givenName: firstItem(person, 'givenName', 'FirstName'),
    displayName: firstItem(person, 'displayName'),
    mail: firstItem(person, 'mail', 'InternetAddress'),
    telephoneNumber: firstItem(person, 'telephoneNumber', 'OfficePhoneNumber'),
    mobile: firstItem(person, 'mobile', 'CellPhoneNumber'),
    facsimileTelephoneNumber: firstItem(person, 'facsimileTelephoneNumber', 'OfficeFAXPhoneNumber'),
    ipPhone: firstItem(person, 'ipPhone'),
    department: firstItem(person, 'ou', 'Department'),
    title: firstItem(person, 'title', 'JobTitle'),
    physicalDeliveryOfficeName: firstItem(person, 'physicalDeliveryOfficeName', 'Location'),
    preferredLanguage: firstItem(person, 'preferredLanguage'),
    userPrincipalName: firstItem(person, 'userPrincipalName', 'mail', 'InternetAddress'),
    sAMAccountName: firstItem(person, 'uid', 'ShortName'),
    uid: firstItem(person, 'uid', 'ShortName'),
  };
}

/** The Notes items (not LDAP names) the seed holds, with how many people hold each. */
export function notesItemCounts(domino: SlapdDomino, items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    counts.set(item, people(domino).filter((person) => (person.attributes[item]?.length ?? 0) > 0).length);
  }
  return counts;
}
