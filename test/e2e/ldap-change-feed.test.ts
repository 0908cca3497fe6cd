/**
 * The `ldap` source's change feed (modifyTimestamp polling plus reconciliation) against a real
 * OpenLDAP slapd, through a real dirbridge process in replica mode (`changeInterval: 1`). Everything
 * is written to slapd directly, as its rootdn. Proves that:
 * - an added person, a changed number, a rename, a move within the base, a person who stops
 *   matching the source's filter (and matches again) and a person moved out of the base are each
 *   served by the next polls: by name, by number and in the PBX's paged import, which holds exactly
 *   the people slapd holds in scope (by entryUUID: none twice, none missing). These run on a source
 *   whose reconciliation is an hour away, so only the polls can have served them;
 * - a plain deletion is not seen by a poll: with `reconcileInterval: 3600` the person is still
 *   served after later polls (the documented behaviour), with `reconcileInterval: 3` the deletion
 *   is served within that interval plus a poll;
 * - a restart with `directory.dataDir` while slapd is stopped serves the snapshot, stale
 *   (cn=Monitor, `dirbridge status`); a person deleted while dirbridge was stopped is gone after the
 *   first round of the next restart (the reconciliation after a restore) with slapd up;
 * - `dirbridge check` names how changes and deletions are followed.
 * The test slapd lets the service account read every attribute of every entry (`access to * by
 * <service account> read`), operational ones such as modifyTimestamp included: nothing was added
 * for this. Time bounds are liveness bounds only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, SLAPD_SUFFIX, type Slapd } from '../../scripts/test-backends/slapd.js';
import { runCli } from './support/cli-process.js';
import {
  demoConfig,
  startDirbridge,
  SUFFIX,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import { scryptHash } from './support/scrypt-hash.js';
import {
  addPerson,
  deleteEntry,
  entryUuidOf,
  move,
  personLdif,
  rename,
  replaceValues,
  uuidsMatching,
  type Person,
} from './support/slapd-people.js';
import { registerTestSecret } from './support/test-secrets.js';
import { eventually } from './support/eventually.js';
import { sourceMonitor } from './support/source-monitor.js';

const PEOPLE = 40;
const BASE = `ou=people,${SLAPD_SUFFIX}`;
const TEAMS = `ou=teams,${BASE}`;
const ELSEWHERE = `ou=elsewhere,${SLAPD_SUFFIX}`;
/** The source's filter: a person with `description: left` is no longer served. */
const FILTER = '(!(description=left))';
/** What the source serves, as slapd evaluates it: the filter and the default users and contacts filters. */
const IN_SCOPE = `(&${FILTER}(|(objectClass=inetOrgPerson)(objectClass=user)(objectClass=contact)))`;
/** Reconciled once an hour: what it serves in this test came from the polls. */
const POLLED = 'polled';
/** Reconciled every 3 s: finds plain deletions. */
const RECONCILED = 'reconciled';
const OPS_PASSWORD = registerTestSecret('Ops#Feed-Monitor-4410');

let slapd: Slapd;
let server: DirbridgeProcess | undefined;
let configFile: string;
let config: Record<string, unknown>;
/** The seeded people's DNs by number (1-based), as the test moved them. */
const dns = new Map<number, string>();

function seeded(n: number): Person {
  const nn = String(n).padStart(2, '0');
  return { cn: `Person ${nn}`, sn: `Tester${nn}`, telephoneNumber: `+49 30 4444-00${nn}` };
}

function seedLdif(): string {
  const blocks = [BASE, TEAMS, ELSEWHERE].map((dn) =>
    [`dn: ${dn}`, 'objectClass: organizationalUnit', `ou: ${/^ou=([^,]+)/.exec(dn)![1]!}`].join('\n'),
  );
  for (let n = 1; n <= PEOPLE; n++) blocks.push(personLdif(BASE, seeded(n)));
  return blocks.join('\n\n');
}

function ldapSource(name: string, reconcileInterval: number): Record<string, unknown> {
  return {
    name,
    type: 'ldap',
    urls: [slapd.ldapUrl],
    bind: { name: slapd.serviceDn, password: registerTestSecret(slapd.servicePassword) },
    base: BASE,
    filter: FILTER,
    changeInterval: 1,
    reconcileInterval,
    timeout: 3,
  };
}

async function start(): Promise<DirbridgeProcess> {
  server = await startDirbridge({ config, logName: 'ldap-change-feed' });
  return server;
}

async function stop(): Promise<void> {
  await server?.stop();
  server = undefined;
}

beforeAll(async () => {
  slapd = await startSlapd({ name: 'ldap-change-feed', ldif: seedLdif() });
  registerTestSecret(slapd.rootPassword);
  for (let n = 1; n <= PEOPLE; n++) dns.set(n, `cn=${seeded(n).cn},${BASE}`);
  config = demoConfig({
    directory: { suffix: SUFFIX, dataDir: join(mkdtempSync(join(tmpdir(), 'dirbridge-feed-')), 'data') },
    access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    sources: [ldapSource(POLLED, 3600), ldapSource(RECONCILED, 3)],
  });
  configFile = writeConfig(config);
  await start();
});

afterAll(async () => {
  await stop();
  await slapd.stop();
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The entryUUIDs a search of one mount returns, in the order served. */
async function served(mount: string, filter: string, extensions: string[] = []): Promise<string[]> {
  const result = await ldapsearch(server!.url, filter, {
    base: `ou=${mount},${SUFFIX}`,
    extensions,
    attributes: ['entryUUID'],
  });
  expect(result.code, result.stderr).toBe(0);
  return result.entries.map((entry) => entry.attributes.entryUUID?.[0] ?? '');
}

/** A phone's name lookup: the people whose name begins so. */
function byName(mount: string, name: string): Promise<string[]> {
  return served(mount, `(|(cn=${name}*)(sn=${name}*))`);
}

/** A caller-ID lookup, the number written another way than in the directory. */
function byNumber(mount: string, number: string): Promise<string[]> {
  return served(mount, `(|(telephoneNumber=${number})(mobile=${number}))`);
}

/** The PBX's import: everyone, in pages of 7 (ldapsearch -E pr=7/noprompt), sorted. */
async function pbxImport(mount: string): Promise<string[]> {
  return (await served(mount, '(objectCategory=person)', ['pr=7/noprompt'])).sort();
}

/** The people slapd holds in the source's scope, sorted. */
async function inSlapd(): Promise<string[]> {
  return (await uuidsMatching(slapd, BASE, IN_SCOPE)).sort();
}

/** The import is exactly the people slapd holds in scope (and `extra`): none twice, none missing. */
async function expectImportAsSlapdHolds(mount: string, extra: string[] = []): Promise<void> {
  const expected = [...(await inSlapd()), ...extra].sort();
  expect(await pbxImport(mount)).toEqual(expected);
}

/** Waits until both lookups give `expected` (found or not found). */
async function eventuallyLookups(
  mount: string,
  lookups: { name: string; number: string },
  expected: string[],
  what: string,
): Promise<void> {
  const wanted = JSON.stringify(expected);
  await eventually(
    async () =>
      JSON.stringify(await byName(mount, lookups.name)) === wanted &&
      JSON.stringify(await byNumber(mount, lookups.number)) === wanted,
    what,
  );
}

let barriers = 0;

/**
 * A change after everything the test did (Person 40's mobile), waited for on `mount`: served, it
 * proves that a poll has run since, which read everything changed before it.
 */
async function barrier(mount: string): Promise<void> {
  const digits = String(7_000_000 + ++barriers);
  await replaceValues(slapd, dns.get(PEOPLE)!, 'mobile', [`+49 170 ${digits}`]);
  const uuid = await entryUuidOf(slapd, dns.get(PEOPLE)!);
  await eventually(
    async () => JSON.stringify(await byNumber(mount, `0170 ${digits}`)) === JSON.stringify([uuid]),
    `Person 40's new mobile number served by ${mount}`,
  );
}

/** The source's cn=Monitor entry, read as the ops account. */
const monitor = (source: string) => sourceMonitor(server!.url, source, OPS_PASSWORD);

async function status(): Promise<string> {
  const result = await runCli(['status', '--url', server!.url, '--bind-name', 'ops'], {
    env: { DIRBRIDGE_PASSWORD: OPS_PASSWORD },
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe('ldap change feed over slapd', () => {
  it('says in `dirbridge check` how changes and deletions are followed', async () => {
    for (const [source, seconds] of [
      [POLLED, 3600],
      [RECONCILED, 3],
    ] as const) {
      const check = await runCli(['check', '--config', configFile, '--source', source]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toMatch(
        new RegExp(
          `\\n *ok +changes +polled by modifyTimestamp every 1 s; deletions within ${seconds} s, by reconciliation`,
        ),
      );
    }
  });

  it('serves everyone slapd holds in scope once loaded', async () => {
    expect((await inSlapd()).length).toBe(PEOPLE);
    await expectImportAsSlapdHolds(POLLED);
    await expectImportAsSlapdHolds(RECONCILED);
    expect((await monitor(POLLED)).dirbridgeSourceMode).toEqual(['replica']);
  });

  it('serves a person added', async () => {
    const person = { cn: 'Added Newcomer', sn: 'Newcomer', telephoneNumber: '+49 30 4444-9001' };
    const uuid = await entryUuidOf(slapd, await addPerson(slapd, BASE, person));
    await eventuallyLookups(POLLED, { name: 'Newcomer', number: '030 44449001' }, [uuid], 'the new person');
    await expectImportAsSlapdHolds(POLLED);
  });

  it('serves a changed number, and the old one no more', async () => {
    const uuid = await entryUuidOf(slapd, dns.get(1)!);
    await replaceValues(slapd, dns.get(1)!, 'telephoneNumber', ['+49 30 4444-9101']);
    await eventuallyLookups(POLLED, { name: 'Person 01', number: '030 44449101' }, [uuid], 'the new number');
    expect(await byNumber(POLLED, '030 44440001')).toEqual([]);
    await expectImportAsSlapdHolds(POLLED);
  });

  it('serves a renamed person by the new name only', async () => {
    const uuid = await entryUuidOf(slapd, dns.get(2)!);
    dns.set(2, await rename(slapd, dns.get(2)!, 'cn=Renamed Person'));
    await eventuallyLookups(POLLED, { name: 'Renamed', number: '030 44440002' }, [uuid], 'the new name');
    expect(await byName(POLLED, 'Person 02')).toEqual([]);
    await expectImportAsSlapdHolds(POLLED);
  });

  it('keeps serving a person moved within the base, once', async () => {
    const uuid = await entryUuidOf(slapd, dns.get(3)!);
    dns.set(3, await move(slapd, dns.get(3)!, TEAMS));
    expect(await entryUuidOf(slapd, dns.get(3)!)).toBe(uuid);
    await barrier(POLLED);
    expect(await byName(POLLED, 'Person 03')).toEqual([uuid]);
    expect(await byNumber(POLLED, '030 44440003')).toEqual([uuid]);
    await expectImportAsSlapdHolds(POLLED);
    // And what changes there later is served too.
    await replaceValues(slapd, dns.get(3)!, 'telephoneNumber', ['+49 30 4444-9103']);
    await eventuallyLookups(
      POLLED,
      { name: 'Person 03', number: '030 44449103' },
      [uuid],
      'a change in ou=teams',
    );
  });

  it('drops a person who stops matching the filter, and serves them again when they match', async () => {
    const dn = dns.get(4)!;
    const uuid = await entryUuidOf(slapd, dn);
    const lookups = { name: 'Person 04', number: '030 44440004' };
    await replaceValues(slapd, dn, 'description', ['left']);
    await eventuallyLookups(POLLED, lookups, [], 'the person who left the filter gone');
    await expectImportAsSlapdHolds(POLLED);
    expect(await inSlapd()).not.toContain(uuid);

    await replaceValues(slapd, dn, 'description', []);
    await eventuallyLookups(POLLED, lookups, [uuid], 'the person back in the filter');
    await expectImportAsSlapdHolds(POLLED);
  });

  it('drops a person moved out of the base', async () => {
    const uuid = await entryUuidOf(slapd, dns.get(5)!);
    dns.set(5, await move(slapd, dns.get(5)!, ELSEWHERE));
    await eventuallyLookups(
      POLLED,
      { name: 'Person 05', number: '030 44440005' },
      [],
      'the person moved out',
    );
    await expectImportAsSlapdHolds(POLLED);
    expect(await inSlapd()).not.toContain(uuid);
    expect(await uuidsMatching(slapd, ELSEWHERE, '(cn=Person 05)')).toEqual([uuid]);
  });

  it('serves a plain deletion at the next reconciliation, not at the next poll', async () => {
    const uuid = await entryUuidOf(slapd, dns.get(6)!);
    const lookups = { name: 'Person 06', number: '030 44440006' };
    await deleteEntry(slapd, dns.get(6)!);
    dns.delete(6);
    // Reconciled every 3 s: gone within that and a poll.
    await eventuallyLookups(
      RECONCILED,
      lookups,
      [],
      'the deletion served by the source reconciled every 3 s',
    );
    await expectImportAsSlapdHolds(RECONCILED);
    // Reconciled hourly: polls have run since the deletion (the barrier), and a few more after it,
    // and the person is still served: a poll cannot see a deletion.
    await barrier(POLLED);
    await pause(3_000);
    expect(await byName(POLLED, lookups.name)).toEqual([uuid]);
    expect(await byNumber(POLLED, lookups.number)).toEqual([uuid]);
    await expectImportAsSlapdHolds(POLLED, [uuid]);
  });

  it('restarted while slapd is stopped, serves its snapshot as stale', async () => {
    const before = await pbxImport(POLLED);
    const person01 = await entryUuidOf(slapd, dns.get(1)!);
    await stop();
    await slapd.stop();
    await start();
    expect(server!.output()).toMatch(/restored from its snapshot/);
    expect(await pbxImport(POLLED)).toEqual(before);
    expect(await byNumber(POLLED, '030 44449101')).toEqual([person01]);
    expect(await byName(POLLED, 'Person 01')).toEqual([person01]);
    await eventually(
      async () => (await monitor(POLLED)).dirbridgeLastError !== undefined,
      'a failed round while slapd is stopped',
    );
    const entry = await monitor(POLLED);
    expect(entry.dirbridgeSourceState).toEqual(['stale']);
    expect(entry.dirbridgeStaleSince).toHaveLength(1);
    expect(entry.dirbridgeEntries).toEqual([String(before.length)]);
    expect(await status()).toMatch(
      new RegExp(`\\n${POLLED} +ldap +replica +stale since .* ${before.length} `),
    );
  });

  it('no longer serves a person deleted while it was stopped, after the first round of a restart', async () => {
    await stop();
    await slapd.restart();
    const uuid = await entryUuidOf(slapd, dns.get(7)!);
    await deleteEntry(slapd, dns.get(7)!);
    dns.delete(7);
    await start();
    await eventually(
      async () => (await monitor(POLLED)).dirbridgeSourceState?.[0] === 'ready',
      'the first round after the restart',
    );
    expect(await byName(POLLED, 'Person 07')).toEqual([]);
    expect(await byNumber(POLLED, '030 44440007')).toEqual([]);
    // Person 06, deleted earlier and kept by the hourly reconciliation, is gone too.
    expect(await byName(POLLED, 'Person 06')).toEqual([]);
    expect(await pbxImport(POLLED)).not.toContain(uuid);
    await expectImportAsSlapdHolds(POLLED);
    await eventually(
      async () => (await monitor(RECONCILED)).dirbridgeSourceState?.[0] === 'ready',
      'the other source ready',
    );
    await expectImportAsSlapdHolds(RECONCILED);
    // And the polls go on.
    await barrier(POLLED);
  });
});
