/**
 * People in a test slapd (scripts/test-backends/slapd.ts), written and read directly as its rootdn,
 * never through dirbridge: what a test changes in the backend, and what the backend holds, by
 * entryUUID, to compare with what dirbridge serves.
 */
import { Attribute, Change } from 'ldapts';
import type { Slapd } from '../../../scripts/test-backends/slapd.js';

export interface Person {
  readonly cn: string;
  readonly sn: string;
  readonly telephoneNumber: string;
}

/** An inetOrgPerson entry under `parent`, as LDIF (for slapadd). */
export function personLdif(parent: string, person: Person): string {
  return [
    `dn: cn=${person.cn},${parent}`,
    'objectClass: inetOrgPerson',
    `cn: ${person.cn}`,
    `sn: ${person.sn}`,
    `telephoneNumber: ${person.telephoneNumber}`,
  ].join('\n');
}

/** Adds an inetOrgPerson under `parent`; returns its DN. */
export async function addPerson(slapd: Slapd, parent: string, person: Person): Promise<string> {
  const dn = `cn=${person.cn},${parent}`;
  await slapd.asRoot((client) => client.add(dn, { objectClass: 'inetOrgPerson', ...person }));
  return dn;
}

/** Replaces an attribute's values; none removes the attribute. */
export function replaceValues(slapd: Slapd, dn: string, type: string, values: string[]): Promise<void> {
  const modification = new Attribute({ type, values });
  return slapd.asRoot((client) => client.modify(dn, new Change({ operation: 'replace', modification })));
}

/** Renames an entry in place (modrdn, the old RDN value removed); returns the new DN. */
export async function rename(slapd: Slapd, dn: string, newRdn: string): Promise<string> {
  await slapd.asRoot((client) => client.modifyDN(dn, newRdn));
  return `${newRdn},${dn.slice(dn.search(/[^\\],/) + 2)}`;
}

/** Moves an entry under another parent, its RDN kept (modrdn with newSuperior); returns the new DN. */
export async function move(slapd: Slapd, dn: string, newParent: string): Promise<string> {
  const rdn = dn.slice(0, dn.search(/[^\\],/) + 1);
  const moved = `${rdn},${newParent}`;
  await slapd.asRoot((client) => client.modifyDN(dn, moved));
  return moved;
}

export function deleteEntry(slapd: Slapd, dn: string): Promise<void> {
  return slapd.asRoot((client) => client.del(dn));
}

/** The entryUUID slapd gave an entry. */
export async function entryUuidOf(slapd: Slapd, dn: string): Promise<string> {
  const entries = await slapd.asRoot(
    async (client) => (await client.search(dn, { scope: 'base', attributes: ['entryUUID'] })).searchEntries,
  );
  const uuid = entries[0]?.['entryUUID'];
  if (typeof uuid !== 'string') throw new Error(`${dn} has no entryUUID`);
  return uuid;
}

/** The entryUUIDs of the entries under `base` that match `filter`, as slapd evaluates it. */
export async function uuidsMatching(slapd: Slapd, base: string, filter: string): Promise<string[]> {
  const entries = await slapd.asRoot(
    async (client) =>
      (await client.search(base, { scope: 'sub', filter, attributes: ['entryUUID'], paged: true }))
        .searchEntries,
  );
  return entries.map((entry) => String(entry['entryUUID']));
}
