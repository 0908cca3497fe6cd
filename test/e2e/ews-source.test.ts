/**
 * The `ews` source end to end: a real dirbridge process reads Exchange Server through EWS from the
 * EWS fake (test/fakes/ews, HTTPS with its own CA, in this test process), signing in with NTLM as a
 * service account holding ApplicationImpersonation (its password a `${env:…}` secret, `tls.ca` the
 * fake's CA), and OpenLDAP's ldapsearch reads dirbridge as a PBX and phones do. Two mounts: the
 * contacts of two listed mailboxes (a replica, `changeInterval: 5`) and the address book (GAL,
 * `addressBook: true`, `mode: live`). It proves that
 *
 * 1. a paged PBX import (`pr=500`) returns each contact kept in the listed mailboxes' Contacts
 *    folders and their user contact folders exactly once (hidden system folders left out), under
 *    AD's names as the default map fills them, entryUUID derived from the EWS item id; every request
 *    was NTLM-authenticated and impersonated the mailbox it read;
 * 2. a change, an addition and a deletion made at the fake are served after the next
 *    SyncFolderItems round;
 * 3. prefix name searches of the address book mount return the GAL people and mail contacts the
 *    fake resolves (groups and hidden recipients left out), as users and contacts;
 * 4. number lookups in several formats (E.164, national with spaces, digits only) find the same
 *    contact.
 *
 * Expectations are computed from what the fake holds at the time, never listed by hand; time bounds
 * are liveness bounds only. The service account's password is registered, so the run proves no log
 * holds it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/directory/entry-uuid.js';
import {
  CONTOSO,
  EwsFake,
  generatedContacts,
  generatedGalPeople,
  seedContoso,
  type ContactData,
  type ContosoIds,
  type GalEntry,
  type StoredContact,
} from '../fakes/ews/index.js';
import { anrMatches } from '../fakes/ews/query/anr.js';
import { primarySmtp } from '../fakes/ews/store/gal.js';
import { startDirbridge, SUFFIX, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import {
  filterValue,
  importDifferences,
  MountImport,
  uuidOf,
  type Attributes,
  type ExpectedEntry,
} from './support/mount-import.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';
import { eventually } from './support/eventually.js';
import { sourceMonitor, sourceState as stateOf } from './support/source-monitor.js';

const SOURCE = 'exchange';
const GAL_SOURCE = 'gal';
const MOUNT = `ou=${SOURCE},${SUFFIX}`;
const GAL_MOUNT = `ou=${GAL_SOURCE},${SUFFIX}`;
/** Contacts added to a user folder of alice's, so that the import needs more than one page. */
const BULK_CONTACTS = 1100;
const PASSWORD_VARIABLE = 'DIRBRIDGE_E2E_EWS_PASSWORD';

const OPS_PASSWORD = registerTestSecret('Ops#Ews-Monitor-5093');
/** The phonebook's service account: no mailbox of its own, ApplicationImpersonation. */
const SERVICE = {
  domain: 'CONTOSO',
  user: 'svc-phonebook',
  upn: 'svc-phonebook@contoso.com',
  password: registerTestSecret('Ntlm~Phonebook-Secret-8817'),
} as const;
const MAILBOXES = [CONTOSO.alice.smtp, CONTOSO.joerg.smtp];

let fake: EwsFake;
let ids: ContosoIds;
let bulkFolder: string;
let caFile: string;
let dataDir: string;
let server: DirbridgeProcess | undefined;

beforeAll(async () => {
  // IIS offering Windows authentication only: Basic would be refused.
  fake = await EwsFake.start({ authSchemes: ['negotiate', 'ntlm'] });
  ids = seedContoso(fake);
  fake.accounts.add({ ...SERVICE, impersonation: true });
  bulkFolder = fake.store.createFolder(ids.aliceContacts, {
    displayName: 'Lieferanten',
    folderClass: 'IPF.Contact',
  }).id;
  for (const contact of generatedContacts(BULK_CONTACTS)) fake.store.createContact(bulkFolder, contact);
  for (const person of generatedGalPeople(12, 'Zeder')) fake.gal.add(person);
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-ews-e2e-'));
  caFile = join(folder, 'ews-ca.pem');
  writeFileSync(caFile, fake.caCertificate);
  dataDir = join(folder, 'data');
  process.env.DIRBRIDGE_E2E_EWS_PASSWORD = SERVICE.password;
  server = await startDirbridge({ config: serverConfig(), logName: 'ews-source' });
  await eventually(async () => (await sourceState()) === 'ready', 'the mailbox contacts loaded');
});

afterAll(async () => {
  await server?.stop();
  await fake.close();
  delete process.env.DIRBRIDGE_E2E_EWS_PASSWORD;
});

// ---- config and process -------------------------------------------------------------------------

function ewsSettings(): Record<string, unknown> {
  return {
    type: 'ews',
    url: fake.url,
    auth: 'ntlm',
    username: `${SERVICE.domain}\\${SERVICE.user}`,
    password: `\${env:${PASSWORD_VARIABLE}}`,
    tls: { ca: caFile },
  };
}

function serverConfig(): Record<string, unknown> {
  return {
    directory: { suffix: SUFFIX, dataDir, defaultCountry: 'DE' },
    access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    sources: [
      { name: SOURCE, ...ewsSettings(), mailboxes: MAILBOXES, changeInterval: 5 },
      { name: GAL_SOURCE, ...ewsSettings(), mode: 'live', addressBook: true },
    ],
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

// ---- what the fake holds, as the default map presents it -----------------------------------------

type Expected = ExpectedEntry;

function one(value: string | undefined): string[] | undefined {
  const text = value?.trim();
  return text === undefined || text === '' ? undefined : [text];
}

/** The first of `values` that is there, as the default map's fallback lists take it. */
function first(...values: (string | undefined)[]): string[] | undefined {
  return one(values.find((value) => value !== undefined && value.trim() !== ''));
}

/** An Internet address, not the legacy DN Exchange keeps for an address picked from the GAL. */
function isSmtp(address: string): boolean {
  return !address.startsWith('/') && /^[^@\s]+@[^@\s]+$/.test(address);
}

/** The ews map under AD's names (src/sources/ews/default-map.ts), from a contact the fake keeps. */
function contactAttributes(contact: StoredContact): Attributes {
  const { data } = contact;
  const phones = data.phoneNumbers ?? {};
  const emails = data.emailAddresses ?? {};
  const others = [
    phones.BusinessPhone2,
    phones.OtherTelephone,
    phones.AssistantPhone,
    phones.RadioPhone,
    phones.TtyTddPhone,
  ].flatMap((value) => one(value) ?? []);
  const addresses = data.physicalAddresses ?? {};
  return {
    cn: first(data.displayName, data.companyName),
    displayName: first(data.displayName, data.companyName),
    givenName: one(data.givenName),
    sn: one(data.surname),
    mail: one(
      [emails.EmailAddress1, emails.EmailAddress2, emails.EmailAddress3].find(
        (address) => address !== undefined && isSmtp(address),
      ),
    ),
    telephoneNumber: first(phones.BusinessPhone, phones.CompanyMainPhone, phones.PrimaryPhone),
    otherTelephone: others.length === 0 ? undefined : others,
    mobile: first(phones.MobilePhone, phones.CarPhone),
    facsimileTelephoneNumber: first(phones.BusinessFax, phones.OtherFax),
    homePhone: first(phones.HomePhone, phones.HomePhone2),
    pager: one(phones.Pager),
    title: one(data.jobTitle),
    department: one(data.department),
    company: one(data.companyName),
    o: one(data.companyName),
    physicalDeliveryOfficeName: one(data.officeLocation),
    streetAddress: first(addresses.Business?.Street, addresses.Home?.Street),
    l: first(addresses.Business?.City, addresses.Home?.City),
    st: first(addresses.Business?.State, addresses.Home?.State),
    postalCode: first(addresses.Business?.PostalCode, addresses.Home?.PostalCode),
    co: first(addresses.Business?.CountryOrRegion, addresses.Home?.CountryOrRegion),
    entryUUID: [uuidV5(SOURCE, contact.id)],
  };
}

/** A mailbox's Contacts folder and every user contact folder below it (class exactly IPF.Contact). */
function contactFolders(smtp: string): string[] {
  const contacts = fake.contactsFolderId(smtp);
  const below = (id: string): string[] =>
    fake.store
      .childFolders(id)
      .flatMap((folder) => [
        ...(folder.folderClass === 'IPF.Contact' ? [folder.id] : []),
        ...below(folder.id),
      ]);
  return [contacts, ...below(contacts)];
}

/** Every contact the listed mailboxes keep now. */
function mailboxContacts(): StoredContact[] {
  return MAILBOXES.flatMap(contactFolders).flatMap((folder) => fake.store.contacts(folder));
}

/** What the server should serve now, by entryUUID. */
function expectedEntries(): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  for (const contact of mailboxContacts())
    expected.set(uuidV5(SOURCE, contact.id), { kind: 'contact', attributes: contactAttributes(contact) });
  return expected;
}

function uuidOfContact(contact: StoredContact): string {
  return uuidV5(SOURCE, contact.id);
}

function contactNamed(displayName: string): StoredContact {
  const found = mailboxContacts().find((contact) => contact.data.displayName === displayName);
  if (found === undefined) throw new Error(`the fake keeps no contact ${displayName}`);
  return found;
}

// ---- what dirbridge serves --------------------------------------------------------------------

/**
 * A number as digits with its country code, however people wrote it (the directory's default
 * country is DE): `+49 30 1234-0001`, `0049 (0)30 …` and `030 1234 0001` are all 493012340001.
 */
function germanDigits(number: string): string {
  const written = number.replace(/\(0\)/g, '');
  const digits = written.replace(/\D/g, '');
  if (written.trim().startsWith('+')) return digits;
  if (digits.startsWith('00')) return digits.slice(2);
  if (digits.startsWith('0')) return `49${digits.slice(1)}`;
  return digits;
}

// ---- the address book as the fake resolves it ------------------------------------------------------

/** The GAL entries ResolveNames gives for `name` (people and mail contacts: groups are left out). */
function resolvedByFake(name: string): GalEntry[] {
  return fake.gal
    .visible()
    .filter((entry) => entry.kind !== 'group')
    .filter((entry) =>
      anrMatches(name, {
        displayName: entry.displayName,
        givenName: entry.givenName,
        surname: entry.surname,
        alias: entry.alias,
        addresses: entry.proxyAddresses,
      }),
    );
}

/** A GAL entry as the address book mount presents it. */
function galAttributes(entry: GalEntry): Expected {
  const smtp = primarySmtp(entry);
  const phones = entry.phoneNumbers ?? {};
  return {
    kind: entry.kind === 'user' ? 'user' : 'contact',
    attributes: {
      cn: [entry.displayName],
      givenName: one(entry.givenName),
      sn: one(entry.surname),
      mail: [smtp],
      uid: [entry.alias],
      telephoneNumber: first(phones.BusinessPhone, phones.CompanyMainPhone, phones.PrimaryPhone),
      mobile: first(phones.MobilePhone, phones.CarPhone),
      department: one(entry.department),
      title: one(entry.jobTitle),
      company: one(entry.companyName),
      entryUUID: [uuidV5(GAL_SOURCE, smtp)],
    },
  };
}

// ---- the tests --------------------------------------------------------------------------------

describe('ews source: the PBX import of mailbox contacts', () => {
  it('returns each contact of the listed mailboxes exactly once, by NTLM and impersonation', async () => {
    const expected = expectedEntries();
    // Both mailboxes, alice's user folders at any depth, more than one page of them.
    expect(expected.size).toBeGreaterThan(BULK_CONTACTS);
    expect(fake.store.contacts(ids.joergContacts).length).toBeGreaterThan(0);
    expect(contactFolders(CONTOSO.alice.smtp)).toEqual(
      expect.arrayContaining([ids.aliceContacts, ids.suppliers, ids.euSuppliers, bulkFolder]),
    );
    // The recipient cache holds contacts, and they are no phonebook.
    const cached = fake.store.contacts(ids.recipientCache);
    expect(cached.length).toBeGreaterThan(0);
    await expectImport(expected);
    const imported = await pbxImport();
    for (const contact of cached) expect(imported.map(uuidOf)).not.toContain(uuidOfContact(contact));
    // The map has something to show.
    const holders = (name: string): number =>
      imported.filter((entry) => entry.attributes[name] !== undefined).length;
    for (const name of ['telephoneNumber', 'mobile', 'mail', 'company'])
      expect(holders(name), name).toBeGreaterThan(imported.length / 2);
    const entry = await monitor();
    expect(entry.dirbridgeSourceType).toEqual(['ews']);
    expect(entry.dirbridgeSourceState).toEqual(['ready']);
    expect(entry.dirbridgeEntries).toEqual([String(expected.size)]);
    expect(running().output()).toMatch(/replica loaded/);
    // Every operation signed in with NTLM as the service account, each mailbox read as itself.
    const operations = fake.log.operations();
    expect(operations.length).toBeGreaterThan(0);
    for (const request of operations) {
      expect(request.authScheme).toBe('ntlm');
      expect(request.principal).toBe(`${SERVICE.domain}\\${SERVICE.user}`);
    }
    const synced = fake.log.operations('SyncFolderItems');
    expect(new Set(synced.map((request) => request.impersonated?.toLowerCase()))).toEqual(
      new Set(MAILBOXES.map((smtp) => smtp.toLowerCase())),
    );
  });
});

describe('ews source: changes in the mailboxes', () => {
  it('serves a change, an addition and a deletion after the next SyncFolderItems round', async () => {
    const changed = contactNamed('Bob Brown');
    const removed = fake.store.contacts(ids.euSuppliers)[0]!;
    const update: ContactData = {
      jobTitle: 'Leiter Telefonie',
      department: 'Sprache',
      phoneNumbers: { BusinessPhone: '+49 89 4711-0815', MobilePhone: '0171 4711815' },
    };
    fake.store.updateContact(changed.id, update);
    const added = fake.store.createContact(ids.joergContacts, {
      displayName: 'Neue Kollegin',
      givenName: 'Neue',
      surname: 'Kollegin',
      companyName: 'Contoso',
      emailAddresses: { EmailAddress1: 'neue.kollegin@contoso.com' },
      phoneNumbers: { BusinessPhone: '+49 30 1234-7781' },
    });
    fake.store.deleteContact(removed.id);

    await eventually(() => importMatches(), 'the changes in the PBX import');
    await expectImport();
    expect(await found('(mail=neue.kollegin@contoso.com)')).toEqual([uuidOfContact(added)]);
    const changedNumber = holding('telephoneNumber', (value) => germanDigits(value) === '498947110815');
    expect(changedNumber).toEqual([uuidOfContact(changed)]);
    expect(await found('(telephoneNumber=089 4711-0815)')).toEqual(changedNumber);
    const deleted = await ldapsearch(running().url, '(objectClass=*)', {
      base: `entryUUID=${uuidOfContact(removed)},${MOUNT}`,
      scope: 'base',
    });
    expect(deleted.code).toBe(32);
    // The rounds after the load are read from the saved sync states.
    const fromState = fake.log
      .operations('SyncFolderItems')
      .filter((request) => !request.body.includes('<m:SyncState></m:SyncState>'));
    expect(fromState.length).toBeGreaterThan(0);
    expect((await monitor()).dirbridgeEntries).toEqual([String(expectedEntries().size)]);
  });
});

describe('ews source: the address book', () => {
  it('answers prefix name searches with the GAL entries the fake resolves', async () => {
    const prefixes = ['al', 'pat', 'test', 'jö'];
    for (const prefix of prefixes) {
      // The evaluator keeps what the filter says: the names that begin so.
      const entries = resolvedByFake(prefix).filter((entry) =>
        entry.displayName.toLowerCase().startsWith(prefix),
      );
      expect(entries.length, prefix).toBeGreaterThan(0);
      const expected = new Map(
        entries.map((entry) => [uuidV5(GAL_SOURCE, primarySmtp(entry)), galAttributes(entry)]),
      );
      const result = await ldapsearch(running().url, `(cn=${filterValue(prefix)}*)`, {
        base: GAL_MOUNT,
        attributes: ['*', 'entryUUID'],
      });
      expect(result.code, result.stderr).toBe(0);
      expect(importDifferences(result.entries, expected, GAL_MOUNT), prefix).toEqual([]);
      expect(result.entries, prefix).toHaveLength(expected.size);
    }
    // Groups and recipients hidden from address lists are never answered.
    const group = fake.gal.visible().find((entry) => entry.kind === 'group')!;
    expect(group.displayName.toLowerCase().startsWith('al')).toBe(true);
    expect(await found('(cn=al*)', GAL_MOUNT)).not.toContain(uuidV5(GAL_SOURCE, primarySmtp(group)));
    expect(await found('(cn=svc*)', GAL_MOUNT)).toEqual([]);
    // A surname and an address, exactly.
    const joerg = resolvedByFake('Müller').find((entry) => entry.surname === 'Müller')!;
    expect(await found('(sn=Müller)', GAL_MOUNT)).toEqual([uuidV5(GAL_SOURCE, primarySmtp(joerg))]);
    expect(await found(`(mail=${primarySmtp(joerg)})`, GAL_MOUNT)).toEqual([
      uuidV5(GAL_SOURCE, primarySmtp(joerg)),
    ]);
    // Every call was ResolveNames in the directory, with full contact data.
    const resolved = fake.log.operations('ResolveNames');
    expect(resolved.length).toBeGreaterThanOrEqual(prefixes.length);
    for (const request of resolved) {
      expect(request.body).toContain('ReturnFullContactData="true"');
      expect(request.authScheme).toBe('ntlm');
    }
  });
});

describe('ews source: phone lookups', () => {
  it('finds the same contact by number in several formats', async () => {
    const person = contactNamed('Jörg Müller');
    const stored = person.data.phoneNumbers!.BusinessPhone!;
    const digits = germanDigits(stored);
    expect(digits).toMatch(/^4930\d{6,}$/);
    const subscriber = digits.slice('4930'.length);
    const expected = holding('telephoneNumber', (value) => germanDigits(value) === digits);
    expect(expected).toContain(uuidOfContact(person));
    for (const written of [
      stored,
      `+${digits}`,
      `+49 30 ${subscriber.slice(0, 4)} ${subscriber.slice(4)}`,
      `030 ${subscriber.slice(0, 4)} ${subscriber.slice(4)}`,
      `(030) ${subscriber}`,
      `030${subscriber}`,
      `0049${digits.slice(2)}`,
    ])
      expect(await found(`(telephoneNumber=${filterValue(written)})`), written).toEqual(expected);
    // Caller ID across the PBX's number attributes: the second business number is otherTelephone.
    const second = person.data.phoneNumbers!.BusinessPhone2!;
    const secondDigits = germanDigits(second);
    const callerId = `(|(telephoneNumber=+${secondDigits})(mobile=+${secondDigits})(otherTelephone=+${secondDigits}))`;
    expect(await found(callerId)).toEqual(
      holding(
        ['telephoneNumber', 'mobile', 'otherTelephone'],
        (value) => germanDigits(value) === secondDigits,
      ),
    );
    expect(await found(callerId)).toContain(uuidOfContact(person));
    // A mobile number written nationally, found by its E.164 form.
    const mobile = person.data.phoneNumbers!.MobilePhone!;
    expect(await found(`(mobile=+${germanDigits(mobile)})`)).toEqual(
      holding('mobile', (value) => germanDigits(value) === germanDigits(mobile)),
    );
    // A number the address book holds is not asked of it: EWS cannot search by number.
    expect(await found(`(telephoneNumber=+${digits})`, GAL_MOUNT)).toEqual([]);
  });
});
