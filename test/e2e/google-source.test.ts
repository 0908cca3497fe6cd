/**
 * The `google` source end to end: a real dirbridge process reads a Google Workspace directory from
 * the Google fake (test/fakes/google, plain HTTP in this test process: `tokenUrl` and `rootUrl`
 * point at it) with `changeInterval: 5` and a data folder, the service account key given as a
 * `file:` secret, and OpenLDAP's ldapsearch reads dirbridge as a PBX and phones do. It proves that
 *
 * 1. a paged PBX import (`pr=500`) returns each of 3,000 directory people and the domain's shared
 *    contacts exactly once (profiles as users, shared contacts as contacts), under AD's names as
 *    the default map fills them, entryUUID derived from the resource name; the source read them
 *    1,000 a page;
 * 2. a change, an addition and deletions at the fake are served after the next sync-token round;
 * 3. number lookups in several formats find the same person;
 * 4. with the domain-wide delegation removed (and the access token expired) the server keeps
 *    serving its copy, stale in cn=Monitor, `dirbridge check` fails at the `token` step in one
 *    plain sentence about domain-wide delegation, and restoring the delegation makes it ready again;
 * 5. an expired sync token leads to a full listing while the copy serves (the listing held at its
 *    first page to show it), and a change made meanwhile is served after it;
 * 6. a 429 storm in the middle of a full listing loses nothing, and the source is ready after it.
 *
 * Expectations are computed from what the fake holds at the time, never listed by hand; time bounds
 * are liveness bounds only. A line of the key's private key is registered, so the run proves no
 * log holds it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/directory/entry-uuid.js';
import { GoogleFake } from '../fakes/google/google-fake.js';
import type { PersonRecord } from '../fakes/google/person-record.js';
import { canonicalForm } from '../fakes/google/phone-canonical-form.js';
import type { LoggedRequest } from '../fakes/google/request-log.js';
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

const SOURCE = 'workspace';
const MOUNT = `ou=${SOURCE},${SUFFIX}`;
const PROFILES = 3000;
const SHARED_CONTACTS = 40;
/** The source asks for pages of this many people. */
const PAGE_SIZE = 1000;
const LIST_PATH = '/v1/people:listDirectoryPeople';
const DWD_SENTENCE = 'has no domain-wide delegation of https://www.googleapis.com/auth/directory.readonly';

const OPS_PASSWORD = registerTestSecret('Ops#Google-Monitor-4182');

let fake: GoogleFake;
let admin: string;
let keyFile: string;
let dataDir: string;
let server: DirbridgeProcess | undefined;

beforeAll(async () => {
  fake = await GoogleFake.start({ domain: 'example.com', region: 'DE' });
  const [first] = fake.seedDirectory({ count: PROFILES, domainContacts: SHARED_CONTACTS });
  admin = first!.data.emailAddresses![0]!.value;
  // A line from the middle of the private key: whichever way a log wrote the key, it holds this.
  const keyLines = fake.serviceAccount.key.private_key.split('\n');
  registerTestSecret(keyLines[Math.floor(keyLines.length / 2)]!);
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-google-e2e-'));
  keyFile = join(folder, 'google-key.json');
  writeFileSync(keyFile, `${JSON.stringify(fake.serviceAccount.key, null, 2)}\n`);
  dataDir = join(folder, 'data');
  server = await startDirbridge({ config: serverConfig(), logName: 'google-source' });
});

afterAll(async () => {
  await server?.stop();
  await fake.stop();
});

// ---- config and process -------------------------------------------------------------------------

function googleSource(): Record<string, unknown> {
  return {
    name: SOURCE,
    type: 'google',
    serviceAccountKey: `file:${keyFile}`,
    adminEmail: admin,
    tokenUrl: fake.tokenUrl,
    rootUrl: fake.rootUrl,
    changeInterval: 5,
  };
}

function serverConfig(): Record<string, unknown> {
  return {
    directory: { suffix: SUFFIX, dataDir, defaultCountry: 'DE' },
    access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    sources: [googleSource()],
  };
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

/** The last log line holding `message`. */
function lastLogLine(message: string): string | undefined {
  return running()
    .output()
    .split('\n')
    .findLast((line) => line.includes(message));
}

// ---- what the fake holds, as the default map presents it -----------------------------------------

type Expected = ExpectedEntry;

function one(value: string | undefined): string[] | undefined {
  return value === undefined || value === '' ? undefined : [value];
}

/** Phone types with an attribute of their own; the first work number is the telephoneNumber. */
const PHONE_ATTRIBUTES: Readonly<Record<string, string>> = {
  mobile: 'mobile',
  workFax: 'facsimileTelephoneNumber',
  home: 'homePhone',
  pager: 'pager',
};

/** The number as the source reads it: Google's canonical (E.164) form where Google gives one. */
function served(number: string): string {
  return canonicalForm(number, fake.domain.region) ?? number;
}

/** The Workspace map under AD's names (src/sources/google/default-map.ts), from a fake person. */
function personAttributes(record: PersonRecord): Attributes {
  const { data } = record;
  const name = data.names?.[0];
  const displayName =
    name === undefined
      ? undefined
      : (name.displayName ??
        [name.givenName, name.familyName].filter((part) => part !== undefined).join(' '));
  const phones: Record<string, string[]> = {};
  for (const phone of data.phoneNumbers ?? []) {
    const type = phone.type ?? '';
    const attribute =
      type === 'work' && phones.telephoneNumber === undefined
        ? 'telephoneNumber'
        : (PHONE_ATTRIBUTES[type] ?? 'otherTelephone');
    (phones[attribute] ??= []).push(served(phone.value));
  }
  const organization = data.organizations?.[0];
  return {
    cn: one(displayName),
    displayName: one(displayName),
    givenName: one(name?.givenName),
    sn: one(name?.familyName),
    mail: one(data.emailAddresses?.[0]?.value),
    telephoneNumber: phones.telephoneNumber,
    otherTelephone: phones.otherTelephone,
    mobile: phones.mobile,
    homePhone: phones.homePhone,
    facsimileTelephoneNumber: phones.facsimileTelephoneNumber,
    pager: phones.pager,
    title: one(organization?.title),
    department: one(organization?.department),
    company: one(organization?.name),
    o: one(organization?.name),
    preferredLanguage: one(data.locales?.[0]?.value),
    entryUUID: [uuidV5(SOURCE, record.resourceName)],
  };
}

/** What the server should serve now, by entryUUID. */
function expectedEntries(): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  for (const record of fake.domain.directory.live())
    expected.set(uuidV5(SOURCE, record.resourceName), {
      kind: record.sourceType === 'DOMAIN_CONTACT' ? 'contact' : 'user',
      attributes: personAttributes(record),
    });
  return expected;
}

function profiles(): PersonRecord[] {
  return fake.domain.directory.live().filter((record) => record.sourceType === 'DOMAIN_PROFILE');
}

function sharedContacts(): PersonRecord[] {
  return fake.domain.directory.live().filter((record) => record.sourceType === 'DOMAIN_CONTACT');
}

function uuidOfPerson(record: PersonRecord): string {
  return uuidV5(SOURCE, record.resourceName);
}

// ---- what dirbridge serves --------------------------------------------------------------------

function digitsOf(number: string): string {
  return number.replace(/\D/g, '');
}

// ---- what dirbridge asked Google ----------------------------------------------------------------

function listRequests(): readonly LoggedRequest[] {
  return fake.requests.all(LIST_PATH);
}

function has(request: LoggedRequest, parameter: string): boolean {
  return request.query[parameter] !== undefined;
}

/** The pages of full listings: no sync token. */
function fullListingPages(requests = listRequests()): LoggedRequest[] {
  return requests.filter((request) => !has(request, 'syncToken'));
}

// ---- the tests --------------------------------------------------------------------------------

describe('google source: the PBX import', () => {
  it('returns every directory person exactly once, profiles as users and shared contacts as contacts', async () => {
    expect(profiles()).toHaveLength(PROFILES);
    expect(sharedContacts()).toHaveLength(SHARED_CONTACTS);
    // The first load listed the directory 1,000 a page, asking for a sync token.
    const pages = fullListingPages();
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages).toHaveLength(Math.ceil(fake.domain.directory.size / PAGE_SIZE));
    expect(pages.filter((request) => !has(request, 'pageToken'))).toHaveLength(1);
    for (const page of pages) {
      expect(page.query.pageSize).toEqual([String(PAGE_SIZE)]);
      expect(page.query.requestSyncToken).toEqual(['true']);
      expect(page.status).toBe(200);
    }
    await expectImport();
    const imported = await pbxImport();
    const users = imported.filter((entry) => entry.attributes.objectClass?.includes('user'));
    expect(users).toHaveLength(PROFILES);
    expect(imported.length - users.length).toBe(SHARED_CONTACTS);
    // The map has something to show: most people have each of the PBX's fields (a mobile, many).
    const holders = (name: string): number =>
      imported.filter((entry) => entry.attributes[name] !== undefined).length;
    for (const name of ['telephoneNumber', 'title', 'department', 'company', 'mail', 'preferredLanguage'])
      expect(holders(name), name).toBeGreaterThan(imported.length / 2);
    expect(holders('mobile')).toBeGreaterThan(imported.length / 4);
    const entry = await monitor();
    expect(entry.dirbridgeSourceType).toEqual(['google']);
    expect(entry.dirbridgeSourceState).toEqual(['ready']);
    expect(entry.dirbridgeEntries).toEqual([String(PROFILES + SHARED_CONTACTS)]);
    expect(running().output()).toMatch(/replica loaded/);
  });
});

describe('google source: changes in Google Workspace', () => {
  it('serves a change, an addition and deletions after the next sync-token round', async () => {
    const people = profiles();
    const changed = people[11]!;
    const removed = people[12]!;
    const [contact, removedContact] = sharedContacts();
    fake.domain.directory.change(changed.resourceName, (data) => ({
      ...data,
      phoneNumbers: [
        { value: '+49 89 12345-677', type: 'work' },
        { value: '+49 89 12345-678', type: 'work' },
      ],
      organizations: [{ name: 'Beispiel GmbH', title: 'Leiterin Telefonie', department: 'Sprache' }],
    }));
    const added = fake.domain.directory.add({
      names: [{ givenName: 'Neue', familyName: 'Kollegin' }],
      emailAddresses: [{ value: 'neue.kollegin@example.com' }],
      phoneNumbers: [
        { value: '+49 30 1234-7781', type: 'work' },
        { value: '0151 22223333', type: 'mobile' },
      ],
      organizations: [{ name: 'Beispiel GmbH', title: 'Auszubildende', department: 'Vertrieb' }],
      locales: [{ value: 'de' }],
    });
    fake.domain.directory.delete(removed.resourceName);
    fake.domain.directory.change(contact!.resourceName, (data) => ({
      ...data,
      organizations: [{ name: 'Lieferant AG', title: 'Hotline' }],
    }));
    fake.domain.directory.delete(removedContact!.resourceName);

    await eventually(() => importMatches(), 'the changes in the PBX import');
    await expectImport();
    expect(await found('(mail=neue.kollegin@example.com)')).toEqual([uuidOfPerson(added)]);
    const changedNumber = holding('telephoneNumber', (value) => value === '+498912345677');
    expect(changedNumber).toEqual([uuidOfPerson(changed)]);
    expect(await found('(telephoneNumber=089 12345-677)')).toEqual(changedNumber);
    for (const gone of [removed, removedContact!]) {
      const deleted = await ldapsearch(running().url, '(objectClass=*)', {
        base: `entryUUID=${uuidOfPerson(gone)},${MOUNT}`,
        scope: 'base',
      });
      expect(deleted.code).toBe(32);
    }
    // Read from the sync token: no full listing since the first load.
    expect(fullListingPages()).toHaveLength(Math.ceil((PROFILES + SHARED_CONTACTS) / PAGE_SIZE));
    expect((await monitor()).dirbridgeEntries).toEqual([String(expectedEntries().size)]);
  });
});

describe('google source: phone lookups', () => {
  it('finds the same person by number in several formats', async () => {
    const person = profiles().find((record) =>
      /^\+4930\d{8}$/.test(personAttributes(record).telephoneNumber?.[0] ?? ''),
    );
    expect(person, 'a seeded profile with a Berlin office number').toBeDefined();
    const e164 = personAttributes(person!).telephoneNumber![0]!;
    const subscriber = e164.slice('+4930'.length);
    const expected = holding('telephoneNumber', (value) => value === e164);
    expect(expected).toContain(uuidOfPerson(person!));
    for (const written of [
      e164,
      `+49 30 ${subscriber.slice(0, 4)} ${subscriber.slice(4)}`,
      `+49 (0)30 ${subscriber}`,
      `0049 30 ${subscriber}`,
      `030 ${subscriber.slice(0, 4)} ${subscriber.slice(4)}`,
      `(030) ${subscriber.slice(0, 4)}-${subscriber.slice(4)}`,
      `030/${subscriber}`,
      `030${subscriber}`,
      `004930${subscriber}`,
    ])
      expect(await found(`(telephoneNumber=${filterValue(written)})`), written).toEqual(expected);
    // Caller ID as Yealink asks it, and the typed tail a Cisco or Snom sends.
    const national = `030${subscriber}`;
    expect(await found(`(|(telephoneNumber=${national})(mobile=${national}))`)).toEqual(
      holding(['telephoneNumber', 'mobile'], (value) => value === e164),
    );
    const tail = subscriber.slice(2);
    const endsWith = holding('telephoneNumber', (value) => digitsOf(value).endsWith(tail));
    expect(endsWith).toContain(uuidOfPerson(person!));
    expect(await found(`(telephoneNumber=*${tail})`)).toEqual(endsWith);
    expect(await found(`(telephoneNumber=*${subscriber.slice(0, 4)} ${subscriber.slice(4)}*)`)).toEqual(
      holding('telephoneNumber', (value) => digitsOf(value).includes(subscriber)),
    );
    // A mobile number, written nationally with a hyphen.
    const mobile = profiles()
      .map((record) => personAttributes(record).mobile?.[0])
      .find((value) => value !== undefined && /^\+491\d{9,10}$/.test(value))!;
    const mobileNational = `0${mobile.slice(3, 6)}-${mobile.slice(6)}`;
    expect(await found(`(mobile=${mobileNational})`)).toEqual(holding('mobile', (value) => value === mobile));
  });
});

describe('google source: domain-wide delegation', () => {
  it('keeps serving the old copy, stale, while the delegation is removed, and check names it', async () => {
    await eventually(() => importMatches(), 'the copy up to date');
    const copy = expectedEntries();
    const clientId = fake.serviceAccount.key.client_id;
    const scopes = fake.delegation.scopes(clientId);
    const failures = logCount('replica not reloaded');
    // The Admin console's delegation removed, and the server's token no longer accepted: the next
    // round must ask for a new token, which Google refuses.
    fake.delegation.set(clientId, []);
    fake.accessTokens.expire();
    const someone = profiles()[77]!;
    fake.domain.directory.change(someone.resourceName, (data) => ({
      ...data,
      organizations: [{ name: 'Beispiel GmbH', title: 'Delegiert', department: 'Ohne Delegation' }],
    }));
    try {
      await eventually(async () => (await sourceState()) === 'stale', 'the source stale');
      const entry = await monitor();
      expect(entry.dirbridgeLastError?.[0]).toContain(DWD_SENTENCE);
      expect(entry.dirbridgeLastError?.[0]).toContain(`add client id ${clientId}`);
      expect(entry.dirbridgeStaleSince).toHaveLength(1);
      expect(entry.dirbridgeEntries).toEqual([String(copy.size)]);
      await eventually(() => logCount('replica not reloaded') > failures, 'the failed round in the log');
      // In the log too, one plain sentence, never a stack trace.
      const line = lastLogLine('replica not reloaded');
      expect(line).toContain(DWD_SENTENCE);
      // The line names its source once, as a field; the reason does not repeat it.
      expect(line).toMatch(/"reason":"(?!source )/);
      expect(line).not.toMatch(/"stack"|\bat [\w.]+ \(/);
      // The old copy, as it was before the change it cannot read.
      await expectImport(copy);

      // `dirbridge check` stops at the token, in one sentence saying what to do in the Admin console.
      const config = writeConfig(demoConfig({ ...serverConfig(), directory: { suffix: SUFFIX } }));
      const check = await runCli(['check', '--config', config, '--source', SOURCE]);
      expect(check.code).toBe(1);
      const failed = check.stdout
        .split('\n')
        .map((text) => text.trim())
        .filter((text) => text.startsWith('FAILED at step'));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(
        new RegExp(
          `^FAILED at step "token": the service account \\S+ ${DWD_SENTENCE.replaceAll('.', '\\.')}: in the Admin console \\(Security > API controls > Domain-wide delegation\\) add client id ${clientId} with that scope \\(Google: unauthorized_client: [^()]+\\)$`,
        ),
      );
      expect(check.stdout).not.toMatch(/^\s*(ok|FAIL) +directory/m);
      expect(check.stdout + check.stderr).not.toMatch(/^\s+at /m);
      expect(check.stdout + check.stderr).not.toContain('PRIVATE KEY');
    } finally {
      fake.delegation.set(clientId, scopes);
    }
    await eventually(
      async () => (await sourceState()) === 'ready',
      'the source ready with the delegation back',
    );
    await eventually(() => importMatches(), 'the change made while the delegation was missing');
    expect((await monitor()).dirbridgeStaleSince).toBeUndefined();

    // Check passes again, with the fake's counts.
    const config = writeConfig(demoConfig({ ...serverConfig(), directory: { suffix: SUFFIX } }));
    const check = await runCli(['check', '--config', config, '--source', SOURCE]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(
      new RegExp(
        `ok +directory +${profiles().length} users \\(domain profiles\\) and ${sharedContacts().length} shared contacts served`,
      ),
    );
  });
});

describe('google source: an expired sync token', () => {
  it('lists everything again while the copy serves, and serves a change made meanwhile', async () => {
    await eventually(() => importMatches(), 'the copy up to date');
    const copy = expectedEntries();
    fake.requests.clear();
    // The full listing is held at its first page, so that what is served meanwhile can be read.
    fake.faults.hang({ match: { path: LIST_PATH, firstPageOfFullSync: true } });
    fake.expireSyncTokens();
    try {
      await eventually(
        () => fullListingPages().some((request) => request.status === undefined),
        'a full listing begun',
      );
      // The round's sync token was refused as expired, and the copy still serves everyone.
      expect(
        listRequests()
          .filter((request) => has(request, 'syncToken'))
          .map((request) => request.status),
      ).toContain(400);
      await expectImport(copy);
      const someone = profiles()[200]!;
      fake.domain.directory.change(someone.resourceName, (data) => ({
        ...data,
        organizations: [{ name: 'Beispiel GmbH', title: 'Neu geladen', department: 'Während des Ladens' }],
      }));
    } finally {
      fake.faults.clear();
      fake.releaseHung();
    }
    await eventually(() => importMatches(), 'the change made while the listing was held');
    await expectImport();
    expect(running().output()).toMatch(
      /Google no longer knows the sync token[^"]*: listing everything again/,
    );
    // The whole directory was listed again, and the rounds after it follow the new sync token.
    const requests = listRequests();
    const answered = fullListingPages(requests).filter((request) => request.status === 200);
    expect(answered.length).toBeGreaterThanOrEqual(Math.ceil(fake.domain.directory.size / PAGE_SIZE));
    const listed = requests.lastIndexOf(answered.at(-1)!);
    await eventually(
      () =>
        listRequests()
          .slice(listed + 1)
          .some((request) => has(request, 'syncToken') && request.status === 200),
      'a sync-token round after the listing',
    );
    expect(await sourceState()).toBe('ready');
  });
});

describe('google source: throttling', () => {
  it('loses nothing to a 429 storm in the middle of a full listing', async () => {
    await eventually(() => importMatches(), 'the copy up to date');
    const before = new Set(expectedEntries().keys());
    const someone = profiles()[40]!;
    fake.domain.directory.change(someone.resourceName, (data) => ({
      ...data,
      phoneNumbers: [...(data.phoneNumbers ?? []), { value: '0171 4242424', type: 'mobile' }],
    }));
    fake.domain.directory.add({
      names: [{ givenName: 'Sturm', familyName: 'Zeit' }],
      emailAddresses: [{ value: 'sturm.zeit@example.com' }],
      phoneNumbers: [{ value: '+49 89 9876-4242', type: 'work' }],
    });
    fake.requests.clear();
    // The next round finds its sync token expired and lists everything again, 1,000 a page; every
    // page after the first is throttled until the storm is called off.
    fake.expireSyncTokens();
    fake.faults.quota({ storm: true, match: { path: LIST_PATH, laterPages: true } });
    try {
      // A page asked and retried three times is given up.
      await eventually(
        () => listRequests().filter((request) => request.status === 429).length >= 4,
        'a later page throttled past its retries',
      );
      expect(fullListingPages().some((request) => !has(request, 'pageToken') && request.status === 200)).toBe(
        true,
      );
      // While it storms, the copy serves everyone it held, and says it is behind.
      const served = new Set((await pbxImport()).map(uuidOf));
      expect([...before].filter((uuid) => !served.has(uuid))).toEqual([]);
      await eventually(
        async () => (await sourceState()) === 'stale',
        'the source stale after the round failed',
      );
      expect((await monitor()).dirbridgeLastError?.[0]).toMatch(/quota is exhausted/);
      expect(served.size).toBe(before.size);
    } finally {
      fake.faults.clear();
    }
    await eventually(async () => (await sourceState()) === 'ready', 'the source ready again');
    await eventually(() => importMatches(), 'the changes made before the storm');
    await expectImport();
    const entry = await monitor();
    expect(entry.dirbridgeStaleSince).toBeUndefined();
    expect(entry.dirbridgeEntries).toEqual([String(expectedEntries().size)]);
  });
});
