/**
 * The `ad` source against the run's Samba AD DC (test/e2e/support/samba-ad-setup.ts), served by a
 * real dirbridge process over LDAPS verified against the DC's CA, bound as an ordinary domain user, with the
 * filter that leaves out disabled accounts. What the answers are compared with is read from the DC
 * directly (objectGUIDs of the enabled users), not hard-coded.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './support/cli-process.js';
import { adSourceConfig } from './support/ad-source-config.js';
import {
  SUFFIX,
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch, type LdifEntry } from './support/ldap-utils.js';
import { readFromDc } from './support/samba-ad-direct.js';
import './support/samba-ad-setup.js';

const ad = inject('sambaAd');
const ENABLED = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
const MOUNT = `ou=ad,${SUFFIX}`;
const USERS = '(&(objectCategory=person)(objectClass=user))';

function adSource(): Record<string, unknown> {
  return adSourceConfig(ad, { filter: ENABLED });
}

const config = { sources: [adSource()], directory: { suffix: SUFFIX, maxPageSize: 1000 } };

/** objectGUID (as a UUID) -> cn of every entry the DC itself returns for a filter. */
async function fromDc(filter: string): Promise<Map<string, string>> {
  const entries = await readFromDc(ad, filter, ['cn']);
  return new Map(entries.map((entry) => [entry.uuid, entry.values.cn?.[0] ?? '']));
}

/** The PBX import: paged subtree search of the mount, every entry once. */
async function pbxImport(server: DirbridgeProcess, filter: string): Promise<LdifEntry[]> {
  const result = await ldapsearch(server.url, filter, {
    base: MOUNT,
    extensions: ['pr=500/noprompt'],
    attributes: ['entryUUID', 'objectClass', 'cn'],
  });
  expect(result.code, result.stderr).toBe(0);
  return result.entries;
}

function uuidsByDn(entries: readonly LdifEntry[]): Map<string, string> {
  return new Map(entries.map((entry) => [entry.dn, entry.attributes.entryUUID?.[0] ?? '']));
}

let server: DirbridgeProcess;
let enabledUsers: Map<string, string>;
let contacts: Map<string, string>;
let imported: LdifEntry[];

beforeAll(async () => {
  enabledUsers = await fromDc(`(&${ENABLED}${USERS})`);
  contacts = await fromDc('(objectClass=contact)');
  server = await startDirbridge({ config, logName: 'ad-source' });
  imported = await pbxImport(server, '(objectCategory=person)');
});

afterAll(async () => {
  await server.stop();
});

describe('ad source over the Samba AD DC', () => {
  it('gives the PBX import every enabled user once and the contacts as contacts', () => {
    expect(enabledUsers.size).toBeGreaterThan(ad.pagingUsers);
    expect(contacts.size).toBe(ad.contacts.length);
    const dns = imported.map((entry) => entry.dn);
    expect(new Set(dns).size).toBe(dns.length);
    const users = imported.filter((entry) => entry.attributes.objectClass?.includes('user'));
    const asContacts = imported.filter((entry) => entry.attributes.objectClass?.includes('contact'));
    expect(users.length + asContacts.length).toBe(imported.length);
    // Each entry's entryUUID is its objectGUID, and its DN is named by it.
    expect(new Set(users.map((entry) => entry.attributes.entryUUID?.[0]))).toEqual(
      new Set(enabledUsers.keys()),
    );
    expect(new Set(asContacts.map((entry) => entry.attributes.entryUUID?.[0]))).toEqual(
      new Set(contacts.keys()),
    );
    for (const entry of imported)
      expect(entry.dn).toBe(`entryUUID=${entry.attributes.entryUUID?.[0]},${MOUNT}`);
    expect(asContacts.map((entry) => entry.attributes.cn?.[0]).sort()).toEqual(
      ad.contacts.map((c) => c.cn).sort(),
    );
  });

  it('answers AD-style user and contact filters with exactly the allowed users and the contacts', async () => {
    const users = await pbxImport(server, USERS);
    expect(users.map((entry) => entry.attributes.entryUUID?.[0]).sort()).toEqual(
      [...enabledUsers.keys()].sort(),
    );
    const onlyContacts = await pbxImport(server, '(objectClass=contact)');
    expect(onlyContacts.map((entry) => entry.attributes.entryUUID?.[0]).sort()).toEqual(
      [...contacts.keys()].sort(),
    );
  });

  it('leaves out the disabled user and keeps a CN with a comma intact', async () => {
    const names = new Set(imported.map((entry) => entry.attributes.cn?.[0]));
    expect(names.has('Dora Disabled')).toBe(false);
    expect(names.has('John Smith, Jr.')).toBe(true);
    expect(names.has('Jörg Müller')).toBe(true);
    const dora = await ldapsearch(server.url, '(sAMAccountName=dora)', { base: MOUNT, attributes: ['cn'] });
    expect(dora.code, dora.stderr).toBe(0);
    expect(dora.entries).toEqual([]);
    const smith = await ldapsearch(server.url, '(cn=John Smith, Jr.)', {
      base: MOUNT,
      attributes: ['cn', 'sn'],
    });
    expect(smith.entries.map((entry) => entry.attributes)).toEqual([
      { cn: ['John Smith, Jr.'], sn: ['Smith'] },
    ]);
  });

  it.each([
    ['(sn=muller*)', ['Jörg Müller']],
    ['(cn=jorg*)', ['Jörg Müller']],
    ['(telephoneNumber=030 1234567-10)', ['Alice Anderson']],
    ['(telephoneNumber=*456710)', ['Alice Anderson']],
    ['(telephoneNumber=+4930123456712)', ['Carol Contact']],
  ])('finds %s', async (filter, expected) => {
    const result = await ldapsearch(server.url, filter, { base: MOUNT, attributes: ['cn', 'objectClass'] });
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries.map((entry) => entry.attributes.cn?.[0])).toEqual(expected);
  });

  it('presents AD attributes under the default map', async () => {
    const result = await ldapsearch(server.url, '(sAMAccountName=alice)', { base: MOUNT });
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries[0]?.attributes).toMatchObject({
      cn: ['Alice Anderson'],
      givenName: ['Alice'],
      sn: ['Anderson'],
      mail: ['alice@example.test'],
      telephoneNumber: ['+49 30 1234567-10'],
      department: ['Sales'],
      title: ['Account Manager'],
      company: ['Example GmbH'],
      userPrincipalName: [ad.users.alice.userPrincipalName],
      sAMAccountName: ['alice'],
      objectCategory: ['person'],
    });
  });

  it('reads a sample of 20 returned DNs with base-scope searches', async () => {
    const step = Math.floor(imported.length / 20);
    const sample = Array.from({ length: 20 }, (_, i) => imported[i * step]!);
    for (const entry of sample) {
      const read = await ldapsearch(server.url, '(objectClass=*)', {
        base: entry.dn,
        scope: 'base',
        attributes: ['entryUUID', 'cn'],
      });
      expect(read.code, read.stderr).toBe(0);
      expect(read.entries).toEqual([
        { dn: entry.dn, attributes: { cn: entry.attributes.cn, entryUUID: entry.attributes.entryUUID } },
      ]);
    }
  });

  it('keeps every entryUUID across two restarts', async () => {
    const first = uuidsByDn(imported);
    for (let restart = 1; restart <= 2; restart++) {
      await server.stop();
      server = await startDirbridge({ config, logName: `ad-source-restart-${restart}` });
      expect(uuidsByDn(await pbxImport(server, '(objectCategory=person)'))).toEqual(first);
    }
  });

  it('`dirbridge check` counts users and contacts; `dirbridge fields` lists AD attributes', async () => {
    const file = writeConfig(demoConfig(config));
    const check = await runCli(['check', '--config', file]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`${enabledUsers.size} users, ${contacts.size} contacts`);
    const fields = await runCli(['fields', '--config', file]);
    expect(fields.code, fields.stderr).toBe(0);
    expect(fields.stdout).toContain('ad (ad)');
    for (const attribute of ['objectGUID', 'sAMAccountName', 'userPrincipalName', 'userAccountControl']) {
      expect(fields.stdout).toMatch(new RegExp(`\\n {2}${attribute} `));
    }
    expect(fields.stdout).toMatch(/\n {2}sAMAccountName +sAMAccountName, uid /);
  });
});
