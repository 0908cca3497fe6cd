/**
 * Mailbox contacts of the graph source against the Graph fake (test/fakes/graph), through the real
 * Graph client and the replica engine: a full load of two mailboxes' folders (a nested one too) by
 * each folder's delta, with users alongside; additions, changes, removals and a new folder applied
 * from the saved delta links; a contact moved between folders keeping its immutable id and UUID; an
 * expired folder token relisted; Exchange's 4-requests-per-mailbox limit kept, and its 429
 * ApplicationThrottled retried when the limit is lower; a missing user or mailbox left out with one
 * warning while the rest is served, and read once it exists; one mailbox listed by two names; a
 * mailbox that disappears; a round Graph keeps throttling; `check`, `fields` and reads by id; the
 * settings' checks.
 */
import { graphReplica } from '../../support/graph-replica.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/filter/parse.js';
import { ReplicaEngine } from '../../../src/replica/replica-engine.js';
import type { SourceLogger } from '../../../src/sources/source-descriptor.js';
import { createGraphSource, type GraphSource } from '../../../src/sources/graph/index.js';
import type { GraphUser } from '../../fakes/graph/directory-model.js';
import { FakeGraph } from '../../fakes/graph/fake-graph.js';
import { SYNC_APP } from '../../fakes/graph/identity.js';
import type { Mailbox } from '../../fakes/graph/mailbox-store.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';

const signal = new AbortController().signal;
let fake: FakeGraph;
let caFile: string;
/** Mailbox owners: alice's mailbox is named by UPN, bob's by object id. */
let alice: GraphUser;
let bob: GraphUser;
let aliceBox: Mailbox;
let bobBox: Mailbox;
/** alice's "Lieferanten" folder and "Notdienst" below it. */
let suppliers: string;
let urgent: string;

beforeAll(async () => {
  fake = await FakeGraph.start();
  const seeded = fake.seed({ users: 60, mailboxes: 2, contactsPerMailbox: 130, seed: 5 });
  [alice, bob] = seeded.mailboxUserIds.map((id) => fake.directory.user(id)) as [GraphUser, GraphUser];
  aliceBox = fake.mailboxes.get(alice.id)!;
  bobBox = fake.mailboxes.get(bob.id)!;
  suppliers = aliceBox.childFolders().find((folder) => folder.displayName === 'Lieferanten')!.id;
  urgent = aliceBox.addFolder('Notdienst', suppliers).id;
  aliceBox.addContact(
    {
      displayName: 'Heizung Notdienst',
      emailAddresses: [
        { name: 'Heizung', address: 'heizung@notdienst.example' },
        { name: 'Zentrale', address: 'zentrale@notdienst.example' },
      ],
      businessPhones: ['+49 30 1234-0', '+49 30 1234-99'],
      homePhones: ['+49 30 555 0101'],
      mobilePhone: '+49 171 555 0102',
      companyName: 'Notdienst GmbH',
    },
    urgent,
  );
  aliceBox.addContact({ displayName: 'Sanitär Notdienst', businessPhones: ['+49 30 4321-0'] }, urgent);
  caFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-graph-mailbox-')), 'ca.pem');
  writeFileSync(caFile, fake.caCert);
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.faults.clear();
  fake.concurrency.limit = 4;
  fake.concurrency.retryAfterSeconds = 0;
});

interface Logged {
  readonly level: 'warn' | 'info' | 'error';
  readonly obj: object;
  readonly msg: string;
}

function source(overrides: Record<string, unknown> = {}, logged: Logged[] = []): GraphSource {
  const logger: SourceLogger = {
    warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
    info: (obj, msg) => logged.push({ level: 'info', obj, msg }),
    error: (obj, msg) => logged.push({ level: 'error', obj, msg }),
  };
  return createGraphSource(
    {
      name: 'm365',
      type: 'graph',
      tenant: fake.tenantId,
      clientId: SYNC_APP.clientId,
      clientSecret: SYNC_APP.clientSecret,
      authorityUrl: fake.url,
      graphUrl: fake.url,
      tls: { ca: caFile },
      mailboxContacts: { mailboxes: [alice.userPrincipalName, bob.id] },
      ...overrides,
    },
    { logger },
  );
}

function replicaOf(graph: GraphSource): ReplicaEngine {
  return graphReplica(graph, { defaultCountry: 'DE', maxDeletes: '100%' });
}

/** Every live contact of a mailbox, in all its folders. */
function contactsOf(mailbox: Mailbox): number {
  const count = (folderId: string): number =>
    mailbox.folder(folderId)!.contacts.size +
    mailbox.childFolders(folderId).reduce((sum, child) => sum + count(child.id), 0);
  return count(mailbox.defaultFolderId);
}

/** A mailbox's folders: the default one and all below it. */
function foldersOf(mailbox: Mailbox): number {
  const count = (folderId: string): number =>
    1 + mailbox.childFolders(folderId).reduce((sum, child) => sum + count(child.id), 0);
  return count(mailbox.defaultFolderId);
}

interface MailboxCursor {
  readonly defaultFolder?: string;
  readonly folders?: Record<string, string>;
  readonly missing?: string;
}

function mailboxCursors(engine: ReplicaEngine): Record<string, MailboxCursor> {
  return (JSON.parse(engine.cursor!) as { mailboxContacts: Record<string, MailboxCursor> }).mailboxContacts;
}

function folderDeltas(): ReturnType<FakeGraph['requests']['all']> {
  return fake.requests
    .all()
    .filter((request) => /\/contactFolders\/[^/]+\/contacts\/delta$/.test(request.path));
}

describe('graph mailbox contacts', () => {
  it('loads every folder of two mailboxes by delta, beside the users, with the contact fields mapped', async () => {
    fake.requests.clear();
    const graph = source();
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(contactsOf(aliceBox)).toBe(132);
      expect(engine.size).toBe(fake.directory.users.size + contactsOf(aliceBox) + contactsOf(bobBox));
      const cursors = mailboxCursors(engine);
      expect(Object.keys(cursors)).toEqual([alice.userPrincipalName, bob.id]);
      // The default folder's id is learnt from the folders listed in it.
      expect(cursors[alice.userPrincipalName]?.defaultFolder).toBe(aliceBox.defaultFolderId);
      expect(Object.keys(cursors[alice.userPrincipalName]?.folders ?? {})).toEqual([
        aliceBox.defaultFolderId,
        suppliers,
        urgent,
      ]);
      expect(Object.keys(cursors[bob.id]?.folders ?? {})).toHaveLength(2);

      const deltas = folderDeltas();
      // 104 contacts in a default folder at 100 a page: two pages each, one for each other folder.
      expect(deltas).toHaveLength(2 * 2 + 1 + 1 + 1);
      const first = deltas.find((request) => request.query.$select !== undefined)!;
      expect(first.query.$select?.split(',')).toEqual(
        expect.arrayContaining([
          'emailAddresses',
          'businessPhones',
          'homePhones',
          'mobilePhone',
          'companyName',
        ]),
      );
      for (const request of deltas) {
        expect(request.headers.prefer).toBe('odata.maxpagesize=100, IdType="ImmutableId"');
        expect(request.headers['x-ms-throttle-priority']).toBe('low');
      }

      const [entry] = [...engine.candidates(parseFilter('(cn=Heizung Notdienst)'))].flat();
      expect(entry?.attributes.get('cn')?.values).toEqual(['Heizung Notdienst']);
      // Copied: the replica's own arrays carry what matching worked out about them (values-memo.ts).
      const values = (name: string): readonly string[] | undefined => {
        const held = entry!.attributes.get(name.toLowerCase())?.values;
        return held && [...held];
      };
      expect(values('objectClass')).toContain('contact');
      expect(values('mail')).toEqual(['heizung@notdienst.example']);
      expect(values('telephoneNumber')).toEqual(['+49 30 1234-0']);
      expect(values('otherTelephone')).toEqual(['+49 30 1234-99']);
      expect(values('homePhone')).toEqual(['+49 30 555 0101']);
      expect(values('mobile')).toEqual(['+49 171 555 0102']);
      expect(values('company')).toEqual(['Notdienst GmbH']);
      // Contact ids are Exchange's long item ids, not GUIDs: the entry's UUID is derived from them.
      expect(values('entryUUID')?.[0]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(names(engine, '(telephoneNumber=030 1234-0)')).toEqual(['Heizung Notdienst']);
      expect(names(engine, `(cn=${alice.displayName})`)).toContain(alice.displayName);
    } finally {
      await graph.close();
    }
  });

  it('applies additions, changes, removals and a new folder from the saved delta links', async () => {
    const graph = source();
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      const size = engine.size;
      const added = aliceBox.addContact({
        displayName: 'Neue Kundin',
        businessPhones: ['+49 89 5550 1111'],
        emailAddresses: [{ name: null, address: 'kundin@example.org' }],
      });
      const [changed, removed] = aliceBox.folder(suppliers)!.contacts.all();
      aliceBox.updateContact(changed!.id, {
        displayName: 'Umbenannter Lieferant',
        homePhones: ['+49 89 5550 2222'],
      });
      aliceBox.removeContact(removed!.id);
      const gone = aliceBox
        .folder(urgent)!
        .contacts.all()
        .find((c) => c.displayName === 'Sanitär Notdienst')!;
      aliceBox.removeContact(gone.id);
      const newFolder = bobBox.addFolder('Handwerker');
      bobBox.addContact({ displayName: 'Maler Meister', businessPhones: ['+49 40 5550 3333'] }, newFolder.id);
      fake.requests.clear();
      const outcome = await engine.sync(signal);
      expect(outcome?.applied).toEqual({ upserts: 3, deletions: 2 });
      expect(engine.size).toBe(size + 2 - 2);
      // Known folders resumed from their delta links; only the new folder started a round of its own.
      const starts = folderDeltas().filter(
        (request) => !('$deltatoken' in request.query) && !('$skiptoken' in request.query),
      );
      expect(starts.map((request) => request.path)).toEqual([
        `/v1.0/users/${bob.id}/contactFolders/${encodeURIComponent(newFolder.id)}/contacts/delta`,
      ]);
      expect(names(engine, '(cn=Neue Kundin)')).toEqual(['Neue Kundin']);
      expect(names(engine, '(mail=kundin@example.org)')).toEqual(['Neue Kundin']);
      expect(names(engine, '(homePhone=+4989 5550 2222)')).toEqual(['Umbenannter Lieferant']);
      expect(names(engine, `(cn=${removed!.displayName!})`)).not.toContain(removed!.displayName);
      expect(names(engine, '(cn=Sanitär Notdienst)')).toEqual([]);
      expect(names(engine, '(telephoneNumber=+49 40 5550 3333)')).toEqual(['Maler Meister']);
      expect(Object.keys(mailboxCursors(engine)[bob.id]?.folders ?? {})).toContain(newFolder.id);
      expect(added.id).not.toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await graph.close();
    }
  });

  it('keeps a contact moved to another folder under its immutable id and UUID', async () => {
    const graph = source({ users: false });
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      const [before] = [...engine.candidates(parseFilter('(cn=Heizung Notdienst)'))].flat();
      const uuid = before!.attributes.get('entryuuid')!.values[0]!;
      // A move keeping the id: the later folder's delta removes it, the default folder's adds it.
      const moved = aliceBox
        .folder(urgent)!
        .contacts.all()
        .find((c) => c.displayName === 'Heizung Notdienst')!;
      aliceBox.removeContact(moved.id);
      aliceBox.addContact({ ...moved, displayName: 'Heizung Notdienst' }, aliceBox.defaultFolderId);
      fake.requests.clear();
      await engine.sync(signal);
      expect(
        fake.requests.all().every((request) => request.headers.prefer?.includes('IdType="ImmutableId"')),
      ).toBe(true);
      const [after] = [...engine.candidates(parseFilter('(cn=Heizung Notdienst)'))].flat();
      expect(after?.attributes.get('entryuuid')?.values).toEqual([uuid]);
      expect(after?.attributes.get('mail')?.values).toEqual(['heizung@notdienst.example']);
    } finally {
      await graph.close();
    }
  });

  it.each(['syncStateNotFound', 'gone'] as const)(
    'lists everything again when a folder delta token has expired (%s)',
    async (shape) => {
      // Mailbox contacts alone: the expired token can only be a folder's.
      const graph = source({ users: false });
      const engine = replicaOf(graph);
      try {
        await engine.sync(signal);
        const size = engine.size;
        expect(size).toBe(contactsOf(aliceBox) + contactsOf(bobBox));
        fake.delta.expiredShape = shape;
        fake.delta.expireTokens();
        const late = bobBox.addContact({ displayName: `Spät ${shape}` });
        fake.requests.clear();
        await engine.sync(signal);
        expect(engine.size).toBe(size + 1);
        expect(names(engine, `(cn=Spät ${shape})`)).toEqual([`Spät ${shape}`]);
        // Refused with the old token, then every folder read from the start.
        expect(folderDeltas().some((request) => request.outcome === (shape === 'gone' ? 410 : 400))).toBe(
          true,
        );
        expect(
          folderDeltas().filter((request) => request.outcome === 200 && request.query.$select !== undefined),
        ).toHaveLength(foldersOf(aliceBox) + foldersOf(bobBox));
        bobBox.removeContact(late.id);
      } finally {
        fake.delta.expiredShape = 'syncStateNotFound';
        await graph.close();
      }
    },
  );

  it('keeps to 4 requests per mailbox, and retries the 429 ApplicationThrottled of a lower limit', async () => {
    const crowded = fake.directory.addUser({
      userPrincipalName: 'crowded@contoso.com',
      displayName: 'Crowded',
    });
    const box = fake.mailboxes.ensure(crowded.id);
    for (let i = 0; i < 7; i++) {
      const folder = box.addFolder(`Ordner ${i}`);
      for (let j = 0; j < 3; j++) box.addContact({ displayName: `Kontakt ${i}-${j}` }, folder.id);
    }
    const slow = new RegExp(`^/v1.0/users/crowded%40contoso.com/contactFolders/[^/]+/contacts/delta$`);
    const config = { users: false, mailboxContacts: { mailboxes: ['crowded@contoso.com'] } };

    // Exchange's own limit: 8 folders read side by side, 4 at a time, never a 429.
    fake.faults.delay({ match: slow, ms: 60 });
    fake.requests.clear();
    let graph = source(config);
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, fake.concurrency.inFlight(crowded.id))), 2);
    try {
      await replicaOf(graph).sync(signal);
      const deltas = folderDeltas();
      expect(deltas).toHaveLength(8);
      expect(deltas.filter((request) => request.outcome === 429)).toHaveLength(0);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(4);
    } finally {
      clearInterval(sampler);
      await graph.close();
    }

    // A lower limit (other apps' traffic, say): the 429s are retried after their Retry-After.
    fake.concurrency.limit = 2;
    fake.concurrency.retryAfterSeconds = 1;
    fake.requests.clear();
    graph = source(config);
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(21);
      const throttled = folderDeltas().filter((request) => request.outcome === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(fake.requests.all().some((request) => request.headers['retry-attempt'] === '1')).toBe(true);
    } finally {
      await graph.close();
    }
  });

  it('leaves out a missing user or mailbox with one warning, serves the rest, and reads it once it exists', async () => {
    const noMailbox = fake.directory.addUser({
      userPrincipalName: 'later@contoso.com',
      displayName: 'Later',
    });
    const logged: Logged[] = [];
    const graph = source(
      { mailboxContacts: { mailboxes: [alice.userPrincipalName, 'ghost@contoso.com', 'later@contoso.com'] } },
      logged,
    );
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(fake.directory.users.size + contactsOf(aliceBox));
      expect(mailboxCursors(engine)['ghost@contoso.com']).toEqual({ missing: 'ErrorInvalidUser' });
      expect(mailboxCursors(engine)['later@contoso.com']).toEqual({ missing: 'MailboxNotEnabledForRESTAPI' });
      const warnings = logged.filter((entry) => entry.level === 'warn');
      expect(warnings.map((entry) => entry.msg)).toEqual([
        expect.stringMatching(
          /^ghost@contoso\.com is no user of the tenant \(404 ErrorInvalidUser\), so its contacts are left out/,
        ) as string,
        expect.stringMatching(
          /^later@contoso\.com has no Exchange Online mailbox \(404 MailboxNotEnabledForRESTAPI/,
        ) as string,
      ]);
      expect(warnings[0]?.obj).toMatchObject({ source: 'm365', mailbox: 'ghost@contoso.com' });

      // Asked again every round, warned about once; the users' changes still come through.
      fake.directory.updateUser(alice.id, { displayName: 'Alice Renamed' });
      await engine.sync(signal);
      expect(names(engine, '(cn=Alice Renamed)')).toEqual(['Alice Renamed']);
      expect(logged.filter((entry) => entry.level === 'warn')).toHaveLength(2);

      fake.mailboxes.ensure(noMailbox.id).addContact({ displayName: 'Erster Kontakt' });
      const outcome = await engine.sync(signal);
      expect(outcome?.applied.upserts).toBe(1);
      expect(names(engine, '(cn=Erster Kontakt)')).toEqual(['Erster Kontakt']);
      expect(mailboxCursors(engine)['later@contoso.com']?.defaultFolder).toBe(
        fake.mailboxes.get(noMailbox.id)!.defaultFolderId,
      );
      expect(logged.at(-1)).toMatchObject({
        level: 'info',
        msg: 'mailbox later@contoso.com answers now: its contacts are read',
      });
    } finally {
      fake.directory.updateUser(alice.id, { displayName: alice.displayName });
      await graph.close();
    }
  });

  it('serves a mailbox listed by two names once', async () => {
    const logged: Logged[] = [];
    const graph = source(
      { users: false, mailboxContacts: { mailboxes: [bob.userPrincipalName, bob.id] } },
      logged,
    );
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(contactsOf(bobBox));
      const extra = bobBox.addContact({ displayName: 'Doppelt Gelistet' });
      const outcome = await engine.sync(signal);
      expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });
      expect(logged.filter((entry) => entry.level === 'warn').map((entry) => entry.msg)).toEqual([
        `mailbox ${bob.id} holds contacts another entry of \`mailboxContacts.mailboxes\` already served (one mailbox listed by two names?): each is served once`,
      ]);
      bobBox.removeContact(extra.id);
      await engine.sync(signal);
      expect(engine.size).toBe(contactsOf(bobBox));
    } finally {
      await graph.close();
    }
  });

  it('removes the contacts of a mailbox that disappears', async () => {
    const leaver = fake.directory.addUser({ userPrincipalName: 'leaver@contoso.com', displayName: 'Leaver' });
    fake.mailboxes.ensure(leaver.id).addContact({ displayName: 'Kontakt des Gehenden' });
    const graph = source({ users: false, mailboxContacts: { mailboxes: [bob.id, 'leaver@contoso.com'] } });
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(names(engine, '(cn=Kontakt des Gehenden)')).toEqual(['Kontakt des Gehenden']);
      fake.directory.deleteUser(leaver.id);
      await engine.sync(signal);
      expect(names(engine, '(cn=Kontakt des Gehenden)')).toEqual([]);
      expect(engine.size).toBe(contactsOf(bobBox));
      expect(mailboxCursors(engine)['leaver@contoso.com']).toEqual({ missing: 'ErrorInvalidUser' });
    } finally {
      await graph.close();
    }
  });

  it('fails a round that Graph keeps throttling, and the copy keeps serving', async () => {
    const graph = source({ users: false });
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      const size = engine.size;
      const storm = fake.faults.storm({ match: /\/contacts\/delta$/, status: 503, retryAfter: 0 });
      await expect(engine.sync(signal)).rejects.toThrow(/503 .*stayed unavailable/);
      storm.cancel();
      expect(engine.size).toBe(size);
    } finally {
      await graph.close();
    }
  });

  it('checks each mailbox in one sentence naming it', async () => {
    fake.directory.addUser({ userPrincipalName: 'nobox@contoso.com', displayName: 'No Box' });
    const graph = source({
      orgContacts: false,
      mailboxContacts: { mailboxes: [alice.userPrincipalName, 'ghost@contoso.com', 'nobox@contoso.com'] },
    });
    try {
      const report = await graph.check();
      expect(report.ok).toBe(false);
      const step = (name: string): { ok: boolean; detail: string } | undefined =>
        report.steps.find((candidate) => candidate.step === `mailbox ${name}`);
      expect(step(alice.userPrincipalName)).toEqual({
        step: `mailbox ${alice.userPrincipalName}`,
        ok: true,
        detail: `${contactsOf(aliceBox)} contacts served from ${alice.userPrincipalName} (${aliceBox.folder(aliceBox.defaultFolderId)!.contacts.size} in the default Contacts folder, ${aliceBox.folder(suppliers)!.contacts.size} in Lieferanten, ${aliceBox.folder(urgent)!.contacts.size} in Notdienst)`,
      });
      expect(step('ghost@contoso.com')).toEqual({
        step: 'mailbox ghost@contoso.com',
        ok: false,
        detail:
          'ghost@contoso.com is no user of the tenant (404 ErrorInvalidUser), so its contacts are left out: check its spelling in `mailboxContacts.mailboxes` (a user principal name or object id, not an alias).',
      });
      expect(step('nobox@contoso.com')?.detail).toBe(
        'nobox@contoso.com has no Exchange Online mailbox (404 MailboxNotEnabledForRESTAPI: unlicensed, inactive, soft-deleted or on premises), so its contacts are left out: give the user a mailbox or remove it from `mailboxContacts.mailboxes`.',
      );
      expect(report.steps.find((candidate) => candidate.step === 'users')?.ok).toBe(true);
      expect(report.count).toBe(fake.directory.users.size + contactsOf(aliceBox));
    } finally {
      await graph.close();
    }
  });

  it('says which permission is missing when the app may not read mailboxes', async () => {
    const clientId = '7c6b5a49-3827-4d16-a5f4-e3d2c1b0a987';
    fake.identity.registerApp({ ...SYNC_APP, clientId, applicationPermissions: ['User.Read.All'] });
    const graph = source({ clientId });
    try {
      const report = await graph.check();
      expect(report.steps.find((step) => step.step === `mailbox ${bob.id}`)).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          new RegExp(
            `^${bob.id}: Graph refused /users/${bob.id}/contactFolders: 403 ErrorAccessDenied: .*Contacts\\.Read`,
          ),
        ) as string,
      });
      await expect(replicaOf(graph).sync(signal)).rejects.toThrow(/403 ErrorAccessDenied/);
    } finally {
      await graph.close();
    }
  });

  it('reads a contact by id, lists contact fields, and serves mailbox contacts alone', async () => {
    const graph = source({ users: false });
    try {
      // In the default folder since the move above, or still in Notdienst when run alone.
      const contact =
        aliceBox
          .folder(aliceBox.defaultFolderId)!
          .contacts.find((candidate) => candidate.displayName === 'Heizung Notdienst') ??
        aliceBox.folder(urgent)!.contacts.find((candidate) => candidate.displayName === 'Heizung Notdienst')!;
      const record = await graph.get(contact.id, signal);
      expect(record).toMatchObject({ id: contact.id, kind: 'contact' });
      expect(record?.uuid).toBeUndefined();
      expect(record?.fields.mailbox).toEqual([alice.userPrincipalName]);
      expect(record?.fields.emailAddresses).toEqual([
        'heizung@notdienst.example',
        'zentrale@notdienst.example',
      ]);
      expect(await graph.get('AAMkAnobody=', signal)).toBeUndefined();
      const fields = new Map((await graph.fields()).map((field) => [field.name, field]));
      expect(fields.get('homePhones')?.description).toMatch(/^home numbers; in \d+ of \d+ sampled entries$/);
      expect(fields.get('emailAddresses')?.count).toBeGreaterThan(0);
      expect(fields.get('mailbox')?.count).toBeGreaterThan(0);
    } finally {
      await graph.close();
    }
  });

  it('checks the setting: user principal names or object ids, each once', () => {
    expect(() => source({ mailboxContacts: { mailboxes: ['reception'] } })).toThrow(
      /mailboxContacts\.mailboxes\[0\]: must be a user principal name \(user@domain\) or a user's object id/,
    );
    expect(() => source({ mailboxContacts: { mailboxes: [] } })).toThrow(/must have at least 1 entry/);
    expect(() =>
      source({ mailboxContacts: { mailboxes: ['Reception@contoso.com', 'reception@contoso.com'] } }),
    ).toThrow(/reception@contoso\.com is listed twice/);
    const nobody = createGraphSource.bind(undefined, {
      name: 'm365',
      type: 'graph',
      tenant: 'contoso.onmicrosoft.com',
      clientId: SYNC_APP.clientId,
      clientSecret: 'secret',
      users: false,
    });
    expect(nobody).toThrow(/would serve nobody/);
  });
});

describe('graph mailbox contacts of a group', () => {
  /** A user with mail and a mailbox holding `contacts` contacts named `${name} 1..n`. */
  function mailboxUser(name: string, contacts: number): GraphUser {
    const user = fake.directory.addUser({
      userPrincipalName: `${name.toLowerCase()}@contoso.com`,
      mail: `${name.toLowerCase()}@contoso.com`,
      displayName: name,
    });
    const box = fake.mailboxes.ensure(user.id);
    for (let i = 1; i <= contacts; i++) box.addContact({ displayName: `${name} Kontakt ${i}` });
    return user;
  }

  function memberRequests(): ReturnType<FakeGraph['requests']['all']> {
    return fake.requests.all().filter((request) => request.path.startsWith('/v1.0/groups/'));
  }

  it('serves the contacts of every user of the group, nested groups included, re-reading members each round', async () => {
    const carla = mailboxUser('Carla', 3);
    const dora = mailboxUser('Dora', 2);
    const emil = mailboxUser('Emil', 4);
    const noMail = fake.directory.addUser({
      userPrincipalName: 'nomail@contoso.com',
      displayName: 'No Mail',
    });
    const nested = fake.directory.addGroup({ displayName: 'Empfang Nord', members: [dora.id] });
    const group = fake.directory.addGroup({
      displayName: 'Empfang',
      members: [carla.id, noMail.id, nested.id],
    });
    const logged: Logged[] = [];
    const graph = source({ users: false, mailboxContacts: { group: group.id } }, logged);
    const engine = replicaOf(graph);
    try {
      fake.requests.clear();
      await engine.sync(signal);
      expect(engine.size).toBe(5);
      expect(names(engine, '(cn=Dora Kontakt 2)')).toEqual(['Dora Kontakt 2']);
      expect(Object.keys(mailboxCursors(engine))).toEqual([carla.id, dora.id]);
      // One paged request for the members, with the advanced query parameters the cast needs.
      const [members, ...others] = memberRequests();
      expect(others).toEqual([]);
      expect(members?.path).toBe(`/v1.0/groups/${group.id}/transitiveMembers/microsoft.graph.user`);
      expect(members?.query).toMatchObject({
        $count: 'true',
        $select: 'id,userPrincipalName,mail',
        $top: '999',
      });
      expect(members?.headers.consistencylevel).toBe('eventual');
      // A member without a mail address has no mailbox: nothing is asked of it, nothing is warned.
      expect(fake.requests.all().some((request) => request.path.includes(noMail.id))).toBe(false);
      expect(logged.filter((entry) => entry.level === 'warn')).toEqual([]);

      // A member who joins is read in full at the next round; the others resume from their links.
      fake.directory.addMember(nested.id, emil.id);
      fake.requests.clear();
      let outcome = await engine.sync(signal);
      expect(outcome?.applied).toEqual({ upserts: 4, deletions: 0 });
      expect(names(engine, '(cn=Emil Kontakt 4)')).toEqual(['Emil Kontakt 4']);
      expect(memberRequests()).toHaveLength(1);

      // A change in a member's mailbox still comes by delta.
      fake.mailboxes.get(carla.id)!.addContact({ displayName: 'Carla Kontakt neu' });
      outcome = await engine.sync(signal);
      expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });

      // One who leaves (here the nested group's member) loses their contacts at the next round.
      fake.directory.removeMember(nested.id, dora.id);
      await engine.sync(signal);
      expect(names(engine, '(cn=Dora Kontakt 1)')).toEqual([]);
      expect(engine.size).toBe(4 + 4);
      expect(Object.keys(mailboxCursors(engine))).toEqual([carla.id, emil.id]);
    } finally {
      await graph.close();
    }
  });

  it('serves a mailbox listed and in the group once, and both settings together', async () => {
    const fritz = mailboxUser('Fritz', 2);
    const greta = mailboxUser('Greta', 1);
    const group = fake.directory.addGroup({ displayName: 'Werkstatt', members: [fritz.id, greta.id] });
    const logged: Logged[] = [];
    const graph = source(
      { users: false, mailboxContacts: { mailboxes: [fritz.userPrincipalName], group: group.id } },
      logged,
    );
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(3);
      expect(Object.keys(mailboxCursors(engine))).toEqual([fritz.userPrincipalName, greta.id]);
      expect(logged.filter((entry) => entry.level === 'warn')).toEqual([]);
    } finally {
      await graph.close();
    }
  });

  it('leaves out a member with mail but no mailbox with one warning naming the group', async () => {
    const hanna = mailboxUser('Hanna', 1);
    const unlicensed = fake.directory.addUser({
      userPrincipalName: 'unlicensed@contoso.com',
      mail: 'unlicensed@contoso.com',
    });
    const group = fake.directory.addGroup({ displayName: 'Lager', members: [hanna.id, unlicensed.id] });
    const logged: Logged[] = [];
    const graph = source({ users: false, mailboxContacts: { group: group.id } }, logged);
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      await engine.sync(signal);
      expect(engine.size).toBe(1);
      expect(logged.filter((entry) => entry.level === 'warn').map((entry) => entry.msg)).toEqual([
        `${unlicensed.id}, a member of group ${group.id} (\`mailboxContacts.group\`), has no mailbox Graph can read (404 MailboxNotEnabledForRESTAPI), so its contacts are left out: give the user an Exchange Online mailbox or take it out of the group; the other mailboxes and collections are served, and it is asked for again every round`,
      ]);
      const report = await graph.check();
      expect(report.steps.find((step) => step.step === `group ${group.id}`)).toEqual({
        step: `group ${group.id}`,
        ok: true,
        detail:
          'Lager: 2 user members (nested groups included), 1 mailboxes serving 1 contacts; 1 without an Exchange Online mailbox, left out (unlicensed@contoso.com)',
      });
      expect(report.count).toBe(1);
    } finally {
      await graph.close();
    }
  });

  it('warns about an unknown group, serves the rest, and check names `mailboxContacts.group`', async () => {
    const unknown = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    const logged: Logged[] = [];
    const graph = source({ mailboxContacts: { mailboxes: [bob.id], group: unknown } }, logged);
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      await engine.sync(signal);
      expect(engine.size).toBe(fake.directory.users.size + contactsOf(bobBox));
      expect(logged.filter((entry) => entry.level === 'warn').map((entry) => entry.msg)).toEqual([
        `group ${unknown} is no group of the tenant (404 Request_ResourceNotFound), so no member's contacts are served: check the group's object id in \`mailboxContacts.group\`; the other mailboxes and collections are served, and it is asked for again every round`,
      ]);
      const report = await graph.check();
      expect(report.ok).toBe(false);
      expect(report.steps.find((step) => step.step === `group ${unknown}`)).toEqual({
        step: `group ${unknown}`,
        ok: false,
        detail: `group ${unknown} is no group of the tenant (404 Request_ResourceNotFound), so no member's contacts are served: check the group's object id in \`mailboxContacts.group\`.`,
      });
    } finally {
      await graph.close();
    }
  });

  it('says GroupMember.Read.All is missing when the app may not read the group', async () => {
    const group = fake.directory.addGroup({ displayName: 'Ohne Recht', members: [bob.id] });
    const clientId = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
    fake.identity.registerApp({
      ...SYNC_APP,
      clientId,
      applicationPermissions: ['User.Read.All', 'Contacts.Read'],
    });
    const graph = source({ clientId, users: false, mailboxContacts: { group: group.id } });
    try {
      const report = await graph.check();
      expect(report.steps.find((step) => step.step === `group ${group.id}`)).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          new RegExp(
            `^${group.id}: Graph refused /groups/${group.id}: 403 Authorization_RequestDenied: .*GroupMember\\.Read\\.All`,
          ),
        ) as string,
      });
      await expect(replicaOf(graph).sync(signal)).rejects.toThrow(
        /403 Authorization_RequestDenied.*GroupMember\.Read\.All/,
      );
    } finally {
      await graph.close();
    }
  });

  it('checks the setting: a group object id, and mailboxes or group', () => {
    expect(() => source({ mailboxContacts: { group: 'Empfang' } })).toThrow(
      /mailboxContacts\.group: must be a group's object id \(a GUID\)/,
    );
    expect(() => source({ mailboxContacts: {} })).toThrow(
      /mailboxContacts: set `mailboxes` \(a list of mailboxes\), `group` \(a group.s object id\) or both/,
    );
  });
});
