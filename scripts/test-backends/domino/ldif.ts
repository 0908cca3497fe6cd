/**
 * The Domino stand-in's seed as LDIF for slapadd: the directory's entries with their password items,
 * userPassword hashed as {SSHA} (what a real directory stores; slapd verifies binds against it).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  SERVICE_DN,
  SERVICE_PASSWORD,
  type Attributes,
  type DominoDirectory,
  type DominoGroup,
  type DominoPerson,
} from './directory.js';

export function dominoLdif(directory: DominoDirectory): string {
  const entries = [
    ...directory.others.map((other) =>
      other.dn === SERVICE_DN
        ? entry(other.dn, { ...other.attributes, userPassword: [ssha(SERVICE_PASSWORD)] })
        : entry(other.dn, other.attributes),
    ),
    ...Object.values(directory.people).map(personEntry),
    ...directory.groups.map(groupEntry),
  ];
  return entries.join('\n');
}

function personEntry(person: DominoPerson): string {
  const optional = (name: string, value: string | null): Attributes =>
    value === null ? {} : { [name]: [value] };
  return entry(person.dn, {
    objectClass: person.objectClass,
    ...person.attributes,
    userPassword: [ssha(person.password)],
    ...optional('HTTPPassword', person.httpPassword),
    ...optional('wuserPasswordSip', person.sipPassword),
    ...optional('dominoUNID', person.unid),
  });
}

function groupEntry(group: DominoGroup): string {
  return entry(group.dn, {
    objectClass: group.objectClass,
    cn: [group.cn],
    member: group.members,
    dominoUNID: [group.unid],
    ...group.attributes,
  });
}

function entry(dn: string, attributes: Attributes): string {
  const lines = [line('dn', dn)];
  for (const [name, values] of Object.entries(attributes)) {
    for (const value of values) lines.push(line(name, value));
  }
  return `${lines.join('\n')}\n`;
}

/** `name: value`, or base64 (`name:: ...`) for values LDIF's SAFE-STRING does not take as they are. */
function line(name: string, value: string): string {
  // Printable ASCII, not starting with a space, `:` or `<`, not ending with a space.
  const safe = /^(?:[!-9;=-~][ -~]*)?$/;
  if (safe.test(value) && !value.endsWith(' ')) return `${name}: ${value}`;
  return `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** `{SSHA}` + base64(SHA-1(password + salt) + salt), as slappasswd makes it. */
export function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}
