/**
 * The `graph` source end to end: a real dirbridge process reads Microsoft 365 from the Graph fake
 * (test/fakes/graph, HTTPS in this test process) with `changeInterval: 5` and a data folder, and
 * OpenLDAP's ldapsearch reads dirbridge as a PBX and phones do. It proves that
 *
 * 1. a paged PBX import (`pr=500`) returns each of 5,000 users and the organisational contacts
 *    exactly once, under AD's names as the default map fills them, entryUUID = the Graph object id;
 * 2. a change, an addition and deletions at the fake are served after the next delta round;
 * 3. phone lookups in several number formats find the same person;
 * 4. a 429 storm in the middle of a full delta enumeration loses nothing, and the source is ready
 *    again in cn=Monitor after it;
 * 5. `dirbridge check` with a wrong client secret fails at the `token` step in one plain sentence
 *    naming `clientSecret`, and a running server whose secret stops working keeps serving its copy,
 *    stale in cn=Monitor, until the secret works again;
 * 6. a restart serves the snapshot at once (Graph refusing every request meanwhile) and resumes from
 *    the saved delta link without enumerating again; a restart with another `usersFilter` discards
 *    the snapshot, and a user disabled under `accountEnabled eq true` then disappears.
 *
 * Expectations are computed from what the fake holds at the time, never listed by hand; time bounds
 * are liveness bounds only. The client secrets are registered, so the run proves no log holds them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphUser, OrgContact, OrgContactPhone } from '../fakes/graph/directory-model.js';
import { FakeGraph } from '../fakes/graph/fake-graph.js';
import { SYNC_APP } from '../fakes/graph/identity.js';
import type { RecordedRequest } from '../fakes/graph/request-log.js';
import { runCli } from './support/cli-process.js';
import {
  demoConfig,
  startDirbridge,
  SUFFIX,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import {
  filterValue,
  MountImport,
  uuidOf,
  type Attributes,
  type ExpectedEntry,
} from './support/mount-import.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';
import { eventually } from './support/eventually.js';
import { sourceMonitor, sourceState as stateOf } from './support/source-monitor.js';

const SOURCE = 'm365';
const MOUNT = `ou=${SOURCE},${SUFFIX}`;
const USERS = 5000;
const ORG_CONTACTS = 60;
const ENABLED_ONLY = 'accountEnabled eq true';

const OPS_PASSWORD = registerTestSecret('Ops#Graph-Monitor-6620');
const CLIENT_SECRET = registerTestSecret(SYNC_APP.clientSecret!);
const WRONG_SECRET = registerTestSecret('Wrong~graph.secret-value-3318');
const ROTATED_SECRET = registerTestSecret('Rotated~graph.secret-value-7705');

let fake: FakeGraph;
let caFile: string;
let dataDir: string;
let server: DirbridgeProcess | undefined;
/** The users filter the running server was started with, so expectations filter alike. */
let usersFilter: string | undefined;

beforeAll(async () => {
  fake = await FakeGraph.start();
  fake.seed({ users: USERS, orgContacts: ORG_CONTACTS });
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-graph-e2e-'));
  caFile = join(folder, 'graph-ca.pem');
  writeFileSync(caFile, fake.caCert);
  dataDir = join(folder, 'data');
  await start();
});

afterAll(async () => {
  await server?.stop();
  await fake.close();
});

// ---- config and process -------------------------------------------------------------------------

function graphSource(settings: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: SOURCE,
    type: 'graph',
    tenant: fake.tenantId,
    clientId: SYNC_APP.clientId,
    clientSecret: CLIENT_SECRET,
    authorityUrl: fake.url,
    graphUrl: fake.url,
    tls: { ca: caFile },
    orgContacts: true,
    changeInterval: 5,
    ...settings,
  };
}

function serverConfig(settings: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // US: the fake's Redmond numbers are written nationally too, `(425) 555-0101`.
    directory: { suffix: SUFFIX, dataDir, defaultCountry: 'US' },
    access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    sources: [graphSource(settings)],
  };
}

async function start(filter?: string): Promise<DirbridgeProcess> {
  usersFilter = filter;
  server = await startDirbridge({
    config: serverConfig(filter === undefined ? {} : { usersFilter: filter }),
    logName: 'graph-source',
  });
  return server;
}

async function restart(filter?: string): Promise<DirbridgeProcess> {
  await server?.stop();
  server = undefined;
  return start(filter);
}

function running(): DirbridgeProcess {
  if (server === undefined) throw new Error('no dirbridge is running');
  return server;
}

/** The mount as the PBX and phones read it, against what the fake holds (support/mount-import.ts). */
const mountImport = new MountImport(
  () => running().url,
  MOUNT,
  () => expectedEntries(),
);
const { read: pbxImport, matches: importMatches, expectMatches: expectImport, found, holding } = mountImport;

/** The source's cn=Monitor entry, read as the ops account. */
const monitor = () => sourceMonitor(running().url, SOURCE, OPS_PASSWORD);

const sourceState = () => stateOf(running().url, SOURCE, OPS_PASSWORD);

function logCount(message: string): number {
  return running().output().split(message).length - 1;
}

// ---- what the fake holds, as the default map presents it -----------------------------------------

type Expected = ExpectedEntry;

function one(value: string | null | undefined): string[] | undefined {
  return value === null || value === undefined || value === '' ? undefined : [value];
}

function some(values: readonly string[]): string[] | undefined {
  return values.length === 0 ? undefined : [...values];
}

/** The Office 365 map under AD's names (src/sources/graph/default-map.ts), from a fake user. */
function userAttributes(user: GraphUser): Attributes {
  return {
    cn: one(user.displayName),
    givenName: one(user.givenName),
    sn: one(user.surname),
    telephoneNumber: some(user.businessPhones.slice(0, 1)),
    otherTelephone: some(user.businessPhones.slice(1)),
    mobile: one(user.mobilePhone),
    facsimileTelephoneNumber: one(user.faxNumber),
    title: one(user.jobTitle),
    department: one(user.department),
    company: one(user.companyName),
    physicalDeliveryOfficeName: one(user.officeLocation),
    preferredLanguage: one(user.preferredLanguage),
    userPrincipalName: [user.userPrincipalName],
    mail: one(user.mail),
    entryUUID: [user.id],
  };
}

/** An organisational contact: its phones by type, under the same names as a user's. */
function contactAttributes(contact: OrgContact): Attributes {
  const phones = (type: OrgContactPhone['type']): string[] =>
    contact.phones.flatMap((phone) => (phone.type === type && phone.number ? [phone.number] : []));
  const business = phones('business');
  return {
    cn: one(contact.displayName),
    givenName: one(contact.givenName),
    sn: one(contact.surname),
    telephoneNumber: some(business.slice(0, 1)),
    otherTelephone: some(business.slice(1)),
    mobile: some(phones('mobile')),
    facsimileTelephoneNumber: some(phones('businessFax')),
    title: one(contact.jobTitle),
    department: one(contact.department),
    company: one(contact.companyName),
    physicalDeliveryOfficeName: one(contact.addresses[0]?.officeLocation),
    userPrincipalName: undefined,
    mail: one(contact.mail),
    entryUUID: [contact.id],
  };
}

/** Whether the running server's users filter admits a user (the filters these tests use). */
function admitted(user: GraphUser): boolean {
  if (usersFilter === undefined) return true;
  if (usersFilter === ENABLED_ONLY) return user.accountEnabled;
  throw new Error(`no oracle for usersFilter ${usersFilter}`);
}

/** What the server should serve now, by entryUUID. */
function expectedEntries(): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  for (const user of fake.directory.users.all())
    if (admitted(user)) expected.set(user.id, { kind: 'user', attributes: userAttributes(user) });
  for (const contact of fake.directory.orgContacts.all())
    expected.set(contact.id, { kind: 'contact', attributes: contactAttributes(contact) });
  return expected;
}

// ---- what dirbridge serves --------------------------------------------------------------------

/** A North American number's digits with the country code, however it is written. */
function nanpDigits(number: string): string {
  const digits = number.replace(/\D/g, '');
  return digits.length === 10 ? `1${digits}` : digits;
}

// ---- what dirbridge asked Graph -------------------------------------------------------------

function queryHas(request: RecordedRequest, option: string): boolean {
  return Object.keys(request.query).some((name) => name.toLowerCase() === option);
}

/** Delta requests that start an enumeration: no delta token and no skip token. */
function enumerationsStarted(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter(
    (request) =>
      request.path.endsWith('/delta') &&
      !queryHas(request, '$deltatoken') &&
      !queryHas(request, '$skiptoken'),
  );
}

function deltaRequests(): readonly RecordedRequest[] {
  return fake.requests.all().filter((request) => request.path.endsWith('/delta'));
}

// ---- the tests --------------------------------------------------------------------------------

describe('graph source: the PBX import', () => {
  it('returns every seeded user and organisational contact exactly once, under AD names', async () => {
    expect(fake.directory.users.size).toBe(USERS);
    expect(fake.directory.orgContacts.size).toBe(ORG_CONTACTS);
    await expectImport();
    // The map has something to show: most people have each of the PBX's fields.
    const imported = await pbxImport();
    for (const name of ['telephoneNumber', 'mobile', 'title', 'department', 'company', 'mail']) {
      const holders = imported.filter((entry) => entry.attributes[name] !== undefined).length;
      expect(holders, name).toBeGreaterThan(imported.length / 2);
    }
    const entry = await monitor();
    expect(entry.dirbridgeSourceType).toEqual(['graph']);
    expect(entry.dirbridgeSourceState).toEqual(['ready']);
    expect(entry.dirbridgeEntries).toEqual([String(USERS + ORG_CONTACTS)]);
    expect(running().output()).toMatch(/replica loaded/);
  });
});

describe('graph source: changes at Microsoft 365', () => {
  it('serves a change, an addition and deletions after the next delta round', async () => {
    const users = fake.directory.users.all();
    const changed = users[11]!;
    const removed = users[12]!;
    const gone = users[13]!;
    const [contact, removedContact] = fake.directory.orgContacts.all();
    fake.directory.updateUser(changed.id, {
      businessPhones: ['+1 425 555 0177', '+1 425 555 0178'],
      jobTitle: 'Head of Telephony',
      department: 'Voice',
      officeLocation: '18/2120',
    });
    const added = fake.directory.addUser({
      userPrincipalName: 'neue.kollegin@contoso.com',
      displayName: 'Neue Kollegin',
      givenName: 'Neue',
      surname: 'Kollegin',
      mail: 'neue.kollegin@contoso.com',
      businessPhones: ['+49 30 1234-7781'],
      mobilePhone: '+49 151 2222 3333',
      jobTitle: 'Trainee',
      department: 'Sales',
      companyName: 'Contoso GmbH',
      officeLocation: 'Berlin 2.14',
    });
    fake.directory.deleteUser(removed.id);
    fake.directory.deleteUser(gone.id, { permanent: true });
    fake.directory.updateOrgContact(contact!.id, { jobTitle: 'Account Manager' });
    fake.directory.deleteOrgContact(removedContact!.id);

    await eventually(() => importMatches(), 'the changes in the PBX import');
    await expectImport();
    expect(await found(`(userPrincipalName=${added.userPrincipalName})`)).toEqual([added.id]);
    const changedNumber = holding('telephoneNumber', (value) => nanpDigits(value) === '14255550177');
    expect(changedNumber).toContain(changed.id);
    expect(await found('(telephoneNumber=+1 425 555 0177)')).toEqual(changedNumber);
    const deleted = await ldapsearch(running().url, '(objectClass=*)', {
      base: `entryUUID=${removed.id},${MOUNT}`,
      scope: 'base',
    });
    expect(deleted.code).toBe(32);
    expect((await monitor()).dirbridgeEntries).toEqual([String(expectedEntries().size)]);
  });
});

describe('graph source: phone lookups', () => {
  it('finds the same person by number in several formats', async () => {
    const person = fake.directory.users
      .all()
      .find((user) => /^\+1 425 555 \d{4}$/.test(user.businessPhones[0] ?? ''));
    expect(person, 'a seeded user with a +1 425 555 number').toBeDefined();
    const number = person!.businessPhones[0]!;
    const digits = nanpDigits(number);
    const line = digits.slice(-4);
    const expected = holding('telephoneNumber', (value) => nanpDigits(value) === digits);
    expect(expected).toContain(person!.id);
    for (const written of [
      number,
      `+${digits}`,
      digits.slice(1),
      `(425) 555-${line}`,
      `425.555.${line}`,
      `+1-425-555-${line}`,
      `011 1 425 555 ${line}`,
    ])
      expect(await found(`(telephoneNumber=${filterValue(written)})`), written).toEqual(expected);
    // Caller ID as Yealink asks it, and the typed tail a Cisco or Snom sends.
    const national = digits.slice(1);
    expect(await found(`(|(telephoneNumber=${national})(mobile=${national}))`)).toEqual(
      holding(['telephoneNumber', 'mobile'], (value) => nanpDigits(value) === digits),
    );
    const tail = `555${line}`;
    const endsWith = holding('telephoneNumber', (value) => nanpDigits(value).endsWith(tail));
    expect(endsWith).toContain(person!.id);
    expect(await found(`(telephoneNumber=*${tail})`)).toEqual(endsWith);
    expect(await found(`(telephoneNumber=*555-${line}*)`)).toEqual(
      holding('telephoneNumber', (value) => nanpDigits(value).includes(tail)),
    );
  });
});

describe('graph source: throttling', () => {
  it('loses nothing to a 429 storm in the middle of a full delta enumeration', async () => {
    const before = new Set(expectedEntries().keys());
    const someone = fake.directory.users.all()[40]!;
    fake.directory.updateUser(someone.id, { mobilePhone: '+1 206 555 0142' });
    fake.directory.addUser({
      userPrincipalName: 'sturm.zeit@contoso.com',
      displayName: 'Sturm Zeit',
      businessPhones: ['+49 89 9876-4242'],
    });
    // The next round finds its delta token expired and lists all users again, 100 a page; every
    // page after the first is throttled until the storm is called off.
    fake.delta.expireTokens();
    const storm = fake.faults.storm({
      match: (request) => request.path === '/v1.0/users/delta' && queryHas(request, '$skiptoken'),
      retryAfter: 1,
    });
    try {
      // A page asked and retried five times is given up (the next round's first page is the 7th hit).
      await eventually(() => storm.hits > 6, 'a page throttled past its retries');
      // While it storms, the copy serves everyone it held, and says it is behind.
      const served = new Set((await pbxImport()).map(uuidOf));
      expect([...before].filter((uuid) => !served.has(uuid))).toEqual([]);
      await eventually(
        async () => (await sourceState()) === 'stale',
        'the source stale after the round failed',
      );
      expect((await monitor()).dirbridgeLastError?.[0]).toMatch(/429 TooManyRequests/);
    } finally {
      storm.cancel();
    }
    await eventually(async () => (await sourceState()) === 'ready', 'the source ready again');
    await eventually(() => importMatches(), 'the changes made before the storm');
    await expectImport();
    const entry = await monitor();
    expect(entry.dirbridgeStaleSince).toBeUndefined();
    expect(entry.dirbridgeEntries).toEqual([String(expectedEntries().size)]);
  });
});

describe('graph source: credentials', () => {
  it('dirbridge check with a wrong secret fails at the token step, naming clientSecret', async () => {
    const config = (secret: string): string =>
      writeConfig(demoConfig({ ...serverConfig({ clientSecret: secret }), directory: { suffix: SUFFIX } }));
    const wrong = await runCli(['check', '--config', config(WRONG_SECRET), '--source', SOURCE]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/FAIL +token +Entra ID refused the token \(AADSTS7000215\)/);
    expect(wrong.stdout).toContain(
      'FAILED at step "token": Entra ID refused the token (AADSTS7000215): the client secret is wrong: check `clientSecret`',
    );
    expect(wrong.stdout + wrong.stderr).not.toMatch(/^\s+at /m);
    expect(wrong.stdout + wrong.stderr).not.toContain(WRONG_SECRET);

    // The right secret, for contrast: every step passes and the counts are the fake's.
    const right = await runCli(['check', '--config', config(CLIENT_SECRET), '--source', SOURCE]);
    expect(right.code, right.stdout + right.stderr).toBe(0);
    expect(right.stdout).toMatch(new RegExp(`ok +users +${fake.directory.users.size} users served`));
    expect(right.stdout).toMatch(
      new RegExp(`ok +orgContacts +${fake.directory.orgContacts.size} organisational contacts served`),
    );
  });

  it("keeps serving the old copy, stale, while the server's secret no longer works", async () => {
    await eventually(() => importMatches(), 'the copy up to date');
    const served = expectedEntries();
    const failures = logCount('replica not reloaded');
    // The secret is rotated at Entra ID and the server's token no longer accepted.
    fake.identity.updateApp(SYNC_APP.clientId, { clientSecret: ROTATED_SECRET });
    fake.tokens.expireAll();
    const someone = fake.directory.users.all()[77]!;
    fake.directory.updateUser(someone.id, { department: 'Rotated Away' });
    try {
      await eventually(async () => (await sourceState()) === 'stale', 'the source stale');
      const entry = await monitor();
      expect(entry.dirbridgeLastError?.[0]).toContain(
        'Entra ID refused the token (AADSTS7000215): the client secret is wrong: check `clientSecret`',
      );
      expect(entry.dirbridgeStaleSince).toHaveLength(1);
      expect(entry.dirbridgeEntries).toEqual([String(served.size)]);
      await eventually(() => logCount('replica not reloaded') > failures, 'the failed round in the log');
      // In the log too, one plain sentence naming the setting, never a stack trace.
      const line = running()
        .output()
        .split('\n')
        .findLast((text) => text.includes('replica not reloaded'));
      expect(line).toContain('AADSTS7000215): the client secret is wrong: check `clientSecret`');
      // The line names its source once, as a field; the reason does not repeat it.
      expect(line).toMatch(/"reason":"(?!source )/);
      expect(line).not.toMatch(/"stack"|\bat [\w.]+ \(/);
      // The old copy, as it was before the change it cannot read.
      await expectImport(served);
    } finally {
      fake.identity.updateApp(SYNC_APP.clientId, { clientSecret: CLIENT_SECRET });
    }
    await eventually(async () => (await sourceState()) === 'ready', 'the source ready with the secret back');
    await eventually(() => importMatches(), 'the change made while the secret did not work');
  });
});

describe('graph source: restarts', () => {
  it('serves the snapshot at once and resumes from the saved delta link', async () => {
    await eventually(() => importMatches(), 'the copy up to date');
    await running().stop();
    const snapshot = expectedEntries();
    // Changed while dirbridge is down: the resumed delta round must bring it.
    const someone = fake.directory.users.all()[123]!;
    fake.directory.updateUser(someone.id, { jobTitle: 'Changed While Down' });
    fake.requests.clear();
    // Graph refuses everything at first: what is served can only come from the snapshot.
    const outage = fake.faults.storm({ match: '/v1.0/', status: 503 });
    try {
      await start();
      expect(running().output()).toContain('replica restored from its snapshot');
      await expectImport(snapshot);
      expect(await sourceState()).toBe('stale');
    } finally {
      outage.cancel();
    }
    await eventually(async () => (await sourceState()) === 'ready', 'the source ready');
    await eventually(() => importMatches(), 'the change made while dirbridge was down');
    // Every delta request since the restart carried a token: the saved links, or pages they led to.
    const deltas = deltaRequests();
    const resumed = deltas.filter((request) => request.outcome === 200 && queryHas(request, '$deltatoken'));
    expect(resumed.map((request) => request.path).sort()).toEqual(
      expect.arrayContaining(['/v1.0/contacts/delta', '/v1.0/users/delta']),
    );
    expect(enumerationsStarted(deltas).map((request) => request.path)).toEqual([]);
    expect(running().output()).not.toContain('snapshot discarded');
  });

  it('discards the snapshot when the users filter changed, and then follows the filter', async () => {
    fake.requests.clear();
    await restart(ENABLED_ONLY);
    expect(running().output()).toContain('replica snapshot discarded');
    expect(running().output()).not.toContain('replica restored from its snapshot');
    // Loaded afresh: a full enumeration, and the disabled users left out.
    expect(enumerationsStarted(deltaRequests()).length).toBeGreaterThan(0);
    const disabled = fake.directory.users.all().filter((user) => !user.accountEnabled);
    expect(disabled.length).toBeGreaterThan(0);
    await expectImport();
    const served = new Set((await pbxImport()).map(uuidOf));
    expect(disabled.filter((user) => served.has(user.id))).toEqual([]);

    const leaving = fake.directory.users
      .all()
      .find((user) => user.accountEnabled && user.businessPhones.length > 0)!;
    expect(await found(`(entryUUID=${leaving.id})`)).toEqual([leaving.id]);
    fake.directory.disableUser(leaving.id);
    await eventually(
      async () => (await found(`(entryUUID=${leaving.id})`)).length === 0,
      'the disabled user gone',
    );
    await expectImport();
    const number = filterValue(leaving.businessPhones[0]!);
    expect(await found(`(telephoneNumber=${number})`)).not.toContain(leaving.id);
  });
});
