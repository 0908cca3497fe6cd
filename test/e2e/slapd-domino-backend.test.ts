/**
 * The Domino stand-in (scripts/test-backends/slapd-domino.ts) behaves as TEST-BACKENDS.md and
 * DOMAIN.md say Domino's LDAP service does: the empty naming context, anonymous users see names and
 * mail only, the service account reads everything, password items stay hidden from other users,
 * binds take DNs only; and it goes away and comes back with its data. Everything is checked over
 * LDAPS, verified against the test CA, with expectations computed from the exported data.
 */
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client, type Entry } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSlapdDomino,
  type DominoPerson,
  type SlapdDomino,
} from '../../scripts/test-backends/slapd-domino.js';
import { registerTestSecret } from './support/test-secrets.js';

let domino: SlapdDomino;
let ca: Buffer;
let people: DominoPerson[];

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'backend-test' });
  ca = readFileSync(domino.caFile);
  people = Object.values(domino.people);
  for (const person of people) registerTestSecret(person.password);
  registerTestSecret(domino.servicePassword);
  registerTestSecret(domino.rootPassword);
});

afterAll(async () => {
  await domino.stop();
});

function client(): Client {
  return new Client({
    url: domino.ldapsUrl,
    timeout: 10_000,
    connectTimeout: 5_000,
    tlsOptions: { ca: [ca] },
  });
}

/** Runs an action on a connection bound as `bind` (anonymous without), then unbinds. */
async function as<T>(
  bind: { dn: string; password: string } | null,
  action: (c: Client) => Promise<T>,
): Promise<T> {
  const c = client();
  try {
    if (bind) await c.bind(bind.dn, bind.password);
    return await action(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

const anonymous = null;
const service = (): { dn: string; password: string } => ({
  dn: domino.serviceDn,
  password: domino.servicePassword,
});

async function search(
  c: Client,
  base: string,
  filter: string,
  attributes: string[] = ['*'],
  scope: 'base' | 'sub' = 'sub',
): Promise<Entry[]> {
  return (await c.search(base, { scope, filter, attributes })).searchEntries;
}

/**
 * An entry's attributes with lower-case names and every value as a list. ldapts lists each requested
 * attribute the entry lacks (and `*`) with no values: those are left out.
 */
function valuesOf(entry: Entry): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [name, value] of Object.entries(entry)) {
    const list = (Array.isArray(value) ? value : [value]).map((v) => v.toString());
    if (name !== 'dn' && list.length > 0) result.set(name.toLowerCase(), list);
  }
  return result;
}

function dnsOf(entries: readonly Entry[]): string[] {
  return entries.map((e) => e.dn.toLowerCase()).sort();
}

function sortedDns(list: readonly { dn: string }[]): string[] {
  return list.map((e) => e.dn.toLowerCase()).sort();
}

/** RFC 4515 escaping of a filter assertion value. */
function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The result of a simple bind: 'success' or the LDAP result code. */
async function bindResult(dn: string, password: string): Promise<string> {
  const c = client();
  try {
    await c.bind(dn, password);
    return 'success';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

describe('Domino stand-in (slapd) test backend', () => {
  it('names the empty DN as its naming context in the root DSE', async () => {
    const [rootDse] = await as(anonymous, (c) =>
      search(c, '', '(objectClass=*)', ['namingContexts'], 'base'),
    );
    expect(rootDse?.['namingContexts']).toBe('');
  });

  it('shows anonymous users names and mail from the empty base, but no phone numbers', async () => {
    const entries = await as(anonymous, (c) => search(c, domino.baseDn, '(objectClass=dominoPerson)'));
    expect(dnsOf(entries)).toEqual(sortedDns(people));
    const allowed = new Set(domino.anonymousAttributes.map((name) => name.toLowerCase()));
    for (const entry of entries) {
      const seen = valuesOf(entry);
      expect([...seen.keys()].filter((name) => !allowed.has(name))).toEqual([]);
      const person = people.find((p) => p.dn.toLowerCase() === entry.dn.toLowerCase())!;
      expect(seen.get('cn')).toEqual(person.cn);
      const mail = seen.get('mail') ?? seen.get('internetaddress');
      expect(mail).toEqual([person.mail]);
    }
    // Not even as a filter: anonymous searches on phone numbers find nothing.
    const byNumber = await as(anonymous, (c) =>
      search(c, '', '(|(telephoneNumber=*)(OfficePhoneNumber=*)(mobile=*)(ipPhone=*))', ['cn']),
    );
    expect(byNumber).toEqual([]);
  });

  it('lets the service account read every item, the password items too', async () => {
    for (const person of people) {
      const [entry] = await as(service(), (c) => search(c, person.dn, '(objectClass=*)', ['*'], 'base'));
      const seen = valuesOf(entry!);
      const expected = new Map(Object.entries(person.attributes).map(([k, v]) => [k.toLowerCase(), [...v]]));
      expected.set('objectclass', [...person.objectClass]);
      if (person.httpPassword !== null) expected.set('httppassword', [person.httpPassword]);
      if (person.sipPassword !== null) expected.set('wuserpasswordsip', [person.sipPassword]);
      if (person.unid !== null) expected.set('dominounid', [person.unid]);
      expect(seen.get('userpassword')?.[0]).toMatch(/^\{SSHA\}/);
      seen.delete('userpassword');
      expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
    }
  });

  it('keeps the password items from ordinary bound users, and shows them everything else', async () => {
    const { anna, thomasBerlin } = domino.people;
    const [entry] = await as(anna, (c) => search(c, thomasBerlin.dn, '(objectClass=*)', ['*'], 'base'));
    const seen = valuesOf(entry!);
    expect(thomasBerlin.httpPassword).not.toBeNull();
    for (const name of domino.passwordAttributes) expect(seen.has(name.toLowerCase())).toBe(false);
    expect(seen.get('officephonenumber')).toEqual(thomasBerlin.attributes['OfficePhoneNumber']);
    expect(seen.get('dominounid')).toEqual([thomasBerlin.unid]);
    // Nor can they find people by a password item.
    const byHash = await as(anna, (c) =>
      search(c, '', `(HTTPPassword=${escapeFilterValue(thomasBerlin.httpPassword!)})`),
    );
    expect(byHash).toEqual([]);
  });

  it('binds with a DN and its password only: a name form is invalidDNSyntax (34)', async () => {
    for (const person of people) expect(await bindResult(person.dn, person.password)).toBe('success');
    const { anna } = domino.people;
    expect(await bindResult(anna.cn[0]!, anna.password)).toBe('34');
    expect(await bindResult(anna.mail, anna.password)).toBe('34');
    expect(await bindResult(anna.dn, registerTestSecret('Wrong#Anna-0000'))).toBe('49');
    expect(await bindResult(domino.serviceDn, domino.servicePassword)).toBe('success');
  });

  it('finds the flat root entries from the empty base, and only the o=Acme ones from there', async () => {
    const all = await as(service(), (c) => search(c, domino.baseDn, '(objectClass=dominoPerson)', ['cn']));
    expect(dnsOf(all)).toEqual(sortedDns(people));
    const flat = people.filter((p) => p.dn.split(',').length === 1);
    expect(flat.length).toBeGreaterThan(0);
    const underAcme = await as(service(), (c) =>
      search(c, domino.organizationDn, '(objectClass=dominoPerson)', ['cn']),
    );
    expect(dnsOf(underAcme)).toEqual(sortedDns(people.filter((p) => !flat.includes(p))));
    const groups = await as(service(), (c) => search(c, '', '(objectClass=dominoGroup)', ['member']));
    expect(dnsOf(groups)).toEqual(sortedDns(domino.groups));
  });

  it('holds the shared name, the alias and the accented name as exported', async () => {
    const byName = (name: string): Promise<Entry[]> =>
      as(service(), (c) => search(c, '', `(cn=${name})`, ['cn']));
    for (const name of domino.ambiguousNames) {
      expect(dnsOf(await byName(name))).toEqual(sortedDns(people.filter((p) => p.cn.includes(name))));
    }
    expect(people.filter((p) => p.ambiguousCn).length).toBeGreaterThanOrEqual(2);
    const aliased = people.filter((p) => p.cn.length > 1);
    for (const person of aliased)
      expect(dnsOf(await byName(person.cn[1]!))).toEqual([person.dn.toLowerCase()]);
    expect(aliased.length).toBeGreaterThan(0);
    const { juergen } = domino.people;
    expect(dnsOf(await byName('Jürgen Groß'))).toEqual([juergen.dn.toLowerCase()]);
    expect(people.filter((p) => p.unid === null).length).toBe(1);
  });

  it("matches numbers the way slapd's telephoneNumberMatch does: spaces and hyphens only", async () => {
    const { anna, thomasBerlin } = domino.people;
    const find = (filter: string): Promise<Entry[]> => as(service(), (c) => search(c, '', filter, ['cn']));
    expect(dnsOf(await find('(telephoneNumber=+4930123456710)'))).toEqual([anna.dn.toLowerCase()]);
    // Not found here: dirbridge's own number matching must find it.
    expect(await find('(OfficePhoneNumber=+4930123456712)')).toEqual([]);
    expect(dnsOf(await find('(OfficePhoneNumber=030/1234567-12)'))).toEqual([thomasBerlin.dn.toLowerCase()]);
  });

  it('refuses connections while stopped, and comes back on the same port with its data', async () => {
    const { lisa } = domino.people;
    const changed = '+49 30 1234567-40';
    await domino.asRoot((c) =>
      c.modify(
        lisa.dn,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'OfficePhoneNumber', values: [changed] }),
        }),
      ),
    );
    await domino.stop();
    await expect(as(anonymous, (c) => search(c, '', '(cn=*)', ['cn']))).rejects.toThrow(/ECONNREFUSED/);
    await domino.start();
    const [entry] = await as(service(), (c) =>
      search(c, lisa.dn, '(objectClass=*)', ['OfficePhoneNumber', 'cn'], 'base'),
    );
    expect(entry?.['OfficePhoneNumber']).toBe(changed);
    const all = await as(service(), (c) => search(c, '', '(objectClass=dominoPerson)', ['cn']));
    expect(dnsOf(all)).toEqual(sortedDns(people));
  });
});
