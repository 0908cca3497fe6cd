/**
 * The `ad` source's change feed against the run's Samba AD DC, through a real dirbridge process:
 * people added, changed, renamed and moved, disabled, moved out of the base, deleted and added to a
 * group the filter names, each served within a poll (`changeInterval: 1`), or for deletions within
 * the interval that applies (at the next poll where the service account reads CN=Deleted Objects,
 * else at reconciliation), with every person exactly once; a copy whose cursor names another
 * domain controller is listed again; a restart with the DC unreachable serves the snapshot as
 * stale, and a person deleted while dirbridge was stopped is gone after the restart's
 * reconciliation. Expectations are read from the DC itself; time bounds are liveness bounds only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client, ResultCodeError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { guidToUuid } from '../../src/sources/ldap/index.js';
import { adSourceConfig } from './support/ad-source-config.js';
import { runCli } from './support/cli-process.js';
import {
  SUFFIX,
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import './support/samba-ad-setup.js';
import { scryptHash } from './support/scrypt-hash.js';
import { replaceInSnapshotHeader, snapshotHeader } from './support/snapshot-header.js';
import { registerTestSecret } from './support/test-secrets.js';
import { eventually } from './support/eventually.js';
import { sourceState } from './support/source-monitor.js';

const ad = inject('sambaAd');
const OU = `OU=ChangeFeed,${ad.baseDn}`;
const SUB_OU = `OU=Moved,${OU}`;
const OUTSIDE = `OU=ChangeFeedOutside,${ad.baseDn}`;
const GROUP = `CN=Phone Users,${OU}`;
const ENABLED = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
const PEOPLE = '(&(objectCategory=person)(objectClass=user))';
const OPS_PASSWORD = registerTestSecret('Ops#Feed-Monitor-8812');

/**
 * Three replicas of the same OU: `plain` reads as the ordinary service account (deletions at its
 * 4 s reconciliation), `admin` as the Administrator (deletions at the next poll), `members` only
 * the members of a group (as the service account; reconciliation hourly).
 */
const SOURCES = {
  plain: { filter: ENABLED, reconcileInterval: 4 },
  admin: {
    filter: ENABLED,
    reconcileInterval: 3600,
    bind: { name: ad.adminDn, password: registerTestSecret(ad.adminPassword) },
  },
  members: { filter: `(memberOf=${GROUP})`, reconcileInterval: 3600 },
} as const;
type SourceName = keyof typeof SOURCES;

const dataDir = mkdtempSync(join(tmpdir(), 'dirbridge-ad-feed-'));
let server: DirbridgeProcess;
let admin: Client;

function sourceConfigs(overrides: Record<string, unknown> = {}): Record<string, unknown>[] {
  return Object.entries(SOURCES).map(([name, settings]) =>
    adSourceConfig(ad, { name, base: OU, changeInterval: 1, ...settings, ...overrides }),
  );
}

function start(overrides: Record<string, unknown> = {}): Promise<DirbridgeProcess> {
  return startDirbridge({
    config: {
      sources: sourceConfigs(overrides),
      directory: { suffix: SUFFIX, dataDir },
      access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    },
    logName: 'ad-change-feed',
  });
}

// ---------------------------------------------------------------------------------------------
// The DC, written to as its Administrator

async function connectAdmin(): Promise<Client> {
  const client = new Client({ url: ad.url, tlsOptions: { ca: [readFileSync(ad.caFile)] }, timeout: 10_000 });
  await client.bind(ad.adminDn, ad.adminPassword);
  return client;
}

/** Removes what an earlier run may have left, deepest first. */
async function removeTree(dn: string): Promise<void> {
  let dns: string[];
  try {
    const { searchEntries } = await admin.search(dn, { scope: 'sub', attributes: ['1.1'] });
    dns = searchEntries.map((entry) => entry.dn);
  } catch (error) {
    if (error instanceof ResultCodeError && error.code === 32) return;
    throw error;
  }
  for (const child of dns.sort((a, b) => b.length - a.length)) await admin.del(child);
}

let serial = 0;
/** A new enabled user in `parent` (544: a normal account that needs no password). */
async function addUser(name: string, phone: string, parent = OU): Promise<string> {
  const [givenName = name, sn = name] = name.split(' ');
  const sam = `feed${process.pid % 10_000}${++serial}`;
  const dn = `CN=${name},${parent}`;
  await admin.add(dn, {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    cn: name,
    givenName,
    sn,
    sAMAccountName: sam,
    userPrincipalName: `${sam}@${ad.realm.toLowerCase()}`,
    telephoneNumber: phone,
    userAccountControl: '544',
  });
  return dn;
}

async function replace(dn: string, type: string, values: string[]): Promise<void> {
  await admin.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
}

async function member(operation: 'add' | 'delete', userDn: string): Promise<void> {
  const modification = new Attribute({ type: 'member', values: [userDn] });
  await admin.modify(GROUP, new Change({ operation, modification }));
}

/** The objectGUIDs (as UUIDs) of the people a source presents, as the DC itself answers. */
async function fromDc(name: SourceName): Promise<string[]> {
  const filter = `(&${PEOPLE}${SOURCES[name].filter})`;
  const { searchEntries } = await admin.search(OU, {
    scope: 'sub',
    filter,
    attributes: ['objectGUID'],
    explicitBufferAttributes: ['objectGUID'],
  });
  return searchEntries.map((entry) => guidToUuid(entry.objectGUID as Buffer)).sort();
}

async function uuidOf(dn: string): Promise<string> {
  const { searchEntries } = await admin.search(dn, {
    scope: 'base',
    attributes: ['objectGUID'],
    explicitBufferAttributes: ['objectGUID'],
  });
  return guidToUuid(searchEntries[0]!.objectGUID as Buffer);
}

// ---------------------------------------------------------------------------------------------
// dirbridge, read as a PBX and a phone would

/** The PBX import of one source: entryUUIDs, every page, as listed (duplicates kept). */
async function pbxImport(name: SourceName): Promise<string[]> {
  const result = await ldapsearch(server.url, '(objectClass=user)', {
    base: `ou=${name},${SUFFIX}`,
    extensions: ['pr=2/noprompt'],
    attributes: ['entryUUID'],
  });
  expect(result.code, result.stderr).toBe(0);
  return result.entries.map((entry) => entry.attributes.entryUUID?.[0] ?? '').sort();
}

/** What a phone finds by a number or a name: `cn`s. */
async function lookup(name: SourceName, filter: string): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, { base: `ou=${name},${SUFFIX}`, attributes: ['cn'] });
  expect(result.code, result.stderr).toBe(0);
  return result.entries.map((entry) => entry.attributes.cn?.[0] ?? '').sort();
}

/** Waits until the import equals the DC's answer, then says so (no duplicate, nobody missing). */
async function expectInSync(name: SourceName, what: string): Promise<void> {
  await eventually(async () => {
    const [imported, expected] = [await pbxImport(name), await fromDc(name)];
    return JSON.stringify(imported) === JSON.stringify(expected);
  }, `${name}: ${what}`);
  expect(await pbxImport(name)).toEqual(await fromDc(name));
}

const monitorState = (name: SourceName) => sourceState(server.url, name, OPS_PASSWORD);

// ---------------------------------------------------------------------------------------------

let alice: string;
let bruno: string;

beforeAll(async () => {
  admin = await connectAdmin();
  await removeTree(OU);
  await removeTree(OUTSIDE);
  await admin.add(OU, { objectClass: ['top', 'organizationalUnit'], ou: 'ChangeFeed' });
  await admin.add(SUB_OU, { objectClass: ['top', 'organizationalUnit'], ou: 'Moved' });
  await admin.add(OUTSIDE, { objectClass: ['top', 'organizationalUnit'], ou: 'ChangeFeedOutside' });
  await admin.add(GROUP, {
    objectClass: ['top', 'group'],
    cn: 'Phone Users',
    sAMAccountName: `phones${process.pid}`,
  });
  alice = await addUser('Alice Feed', '+49 30 7100 0001');
  bruno = await addUser('Bruno Feed', '+49 30 7100 0002');
  await member('add', alice);
  server = await start();
  for (const name of Object.keys(SOURCES) as SourceName[]) await expectInSync(name, 'the first load');
});

afterAll(async () => {
  await removeTree(OU).catch(() => undefined);
  await removeTree(OUTSIDE).catch(() => undefined);
  await admin.unbind();
  rmSync(dataDir, { recursive: true, force: true });
  await server.stop();
});

describe('ad change feed over the Samba AD DC', () => {
  it('loads the people of the OU, and the members of the group the filter names', async () => {
    expect(await pbxImport('plain')).toHaveLength(2);
    expect(await lookup('members', '(cn=*feed*)')).toEqual(['Alice Feed']);
  });

  it('serves a person added, by number and by name', async () => {
    await addUser('Carla Added', '+49 30 7100 0003');
    await eventually(
      async () => (await lookup('plain', '(telephoneNumber=+4930 71000003)')).length === 1,
      'the new person found by number',
    );
    // Each source polls the DC on its own clock: `admin` may see the addition a round later.
    await eventually(
      async () => JSON.stringify(await lookup('admin', '(cn=carla*)')) === JSON.stringify(['Carla Added']),
      'the new person found by name',
    );
    await expectInSync('plain', 'the addition');
  });

  it('serves a changed number, and the old one no longer', async () => {
    await replace(bruno, 'telephoneNumber', ['+49 30 7199 0002']);
    await eventually(
      async () => (await lookup('plain', '(telephoneNumber=*71990002)')).length === 1,
      'the new number',
    );
    expect(await lookup('plain', '(telephoneNumber=*71000002)')).toEqual([]);
    await eventually(
      async () => JSON.stringify(await lookup('admin', '(telephoneNumber=*71990002)')) === '["Bruno Feed"]',
      'the new number, for admin',
    );
  });

  it('keeps a person renamed and moved within the base as one entry, under the same entryUUID', async () => {
    const uuid = await uuidOf(bruno);
    await admin.modifyDN(bruno, `CN=Bruno Renamed,${SUB_OU}`);
    bruno = `CN=Bruno Renamed,${SUB_OU}`;
    await eventually(async () => (await lookup('plain', '(cn=Bruno Renamed)')).length === 1, 'the new name');
    expect(await lookup('plain', '(cn=bruno*)')).toEqual(['Bruno Renamed']);
    expect((await pbxImport('plain')).filter((id) => id === uuid)).toHaveLength(1);
    await expectInSync('admin', 'the rename');
  });

  it('removes a person disabled, whom the filter no longer matches', async () => {
    await replace(bruno, 'userAccountControl', ['546']);
    await eventually(
      async () => (await lookup('plain', '(cn=bruno*)')).length === 0,
      'the disabled person gone',
    );
    await expectInSync('plain', 'the disabling');
    await expectInSync('admin', 'the disabling');
  });

  it('removes a person moved out of the base', async () => {
    const carla = `CN=Carla Added,${OU}`;
    await admin.modifyDN(carla, `CN=Carla Added,${OUTSIDE}`);
    await eventually(
      async () => (await lookup('plain', '(cn=carla*)')).length === 0,
      'the person moved away',
    );
    await expectInSync('plain', 'the move out');
    await expectInSync('admin', 'the move out');
  });

  it('serves a deletion at the next poll where the account reads Deleted Objects, else at reconciliation', async () => {
    const dora = await addUser('Dora Deleted', '+49 30 7100 0004');
    await expectInSync('admin', 'Dora added');
    await expectInSync('plain', 'Dora added');
    await admin.del(dora);
    // The Administrator sees the tombstone: gone at the next poll.
    await eventually(async () => (await lookup('admin', '(cn=dora*)')).length === 0, 'deleted, for admin');
    // The ordinary account does not: gone at its reconciliation (every 4 s).
    await eventually(async () => (await lookup('plain', '(cn=dora*)')).length === 0, 'deleted, for plain');
    await expectInSync('plain', 'the deletion');
  });

  it('has `dirbridge check` say how each source learns of deletions', async () => {
    const file = writeConfig(
      demoConfig({
        sources: sourceConfigs(),
        directory: { suffix: SUFFIX, dataDir: join(dataDir, 'check') },
      }),
    );
    const check = await runCli(['check', '--config', file]);
    expect(check.code, check.stderr).toBe(0);
    const section = (name: string): string =>
      check.stdout.split(/\n(?=\S)/).find((part) => part.startsWith(`${name} (`)) ?? '';
    expect(section('plain')).toMatch(/polled by USN every 1 s .*deletions within 4 s, by reconciliation/);
    expect(section('admin')).toMatch(
      /deletions at the next poll \(the service account reads CN=Deleted Objects\)/,
    );
    expect(section('members')).toMatch(/1 group\(s\) named by memberOf polled too/);
  });

  it('follows the membership of the group the filter names', async () => {
    const erik = await addUser('Erik Member', '+49 30 7100 0005');
    await member('add', erik);
    await eventually(async () => (await lookup('members', '(cn=erik*)')).length === 1, 'the new member');
    await member('delete', alice);
    await eventually(async () => (await lookup('members', '(cn=alice*)')).length === 0, 'the member removed');
    await expectInSync('members', 'the membership changes');
  });

  it('serves the snapshot as stale when restarted with the DC unreachable', async () => {
    await server.stop();
    server = await start({ urls: ['ldaps://127.0.0.1:9'], timeout: 2 });
    // Answered from the snapshot at once, before (and without) the DC.
    expect(await lookup('plain', '(cn=alice*)')).toEqual(['Alice Feed']);
    await eventually(async () => (await monitorState('plain')) === 'stale', 'the source marked stale');
    expect(await pbxImport('plain')).toEqual(await fromDc('plain'));
  });

  it('reconciles after a restart: a member deleted while dirbridge was stopped is gone', async () => {
    expect(await lookup('members', '(cn=erik*)')).toEqual(['Erik Member']);
    await server.stop();
    await admin.del(`CN=Erik Member,${OU}`);
    server = await start();
    await eventually(async () => (await monitorState('members')) === 'ready', 'members ready');
    await expectInSync('members', 'the deletion while stopped');
    expect(await lookup('members', '(cn=erik*)')).toEqual([]);
  });

  it('lists everything again when the copy followed another domain controller', async () => {
    await server.stop();
    const file = join(dataDir, 'plain.snapshot');
    const cursor = String(snapshotHeader(file).cursor);
    const [invocationId] = cursor.split(':');
    replaceInSnapshotHeader(file, invocationId!, '00000000-0000-4000-8000-000000000000');
    // While stopped: one person added, one deleted (which only a listing finds for `plain`).
    await addUser('Fritz Later', '+49 30 7100 0006');
    await admin.del(alice);
    server = await start({ reconcileInterval: 3600 });
    await expectInSync('plain', 'the listing after the DC switch');
    expect(server.output()).toMatch(/another domain controller answers .*listing everything again/);
    expect(await lookup('plain', '(cn=fritz*)')).toEqual(['Fritz Later']);
  });
});
