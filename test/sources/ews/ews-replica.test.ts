/**
 * The ews source's contacts replica against the EWS fake, through the real library and the replica
 * engine: a full load by SyncFolderItems from empty sync states (the Contacts folder found by its
 * distinguished id, its user folders at any depth, the recipient cache left out), at most 512
 * changes a call, the indexed properties asked for and mapped to AD's names; then creates, updates
 * and deletes applied from the saved states; a new folder synced from empty; a folder that is gone
 * and a sync state Exchange refuses each load everything again while the copy serves; a restart
 * from the snapshot resuming from its states; listed mailboxes read by impersonation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EwsSource } from '../../../src/sources/ews/index.js';
import type { SourceLogger } from '../../../src/sources/source-descriptor.js';
import { CONTOSO, generatedContacts } from '../../fakes/ews/index.js';
import { ewsReplica } from '../../support/ews-replica.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';
import { startEwsFixture, type EwsFixture } from './ews-fixture.js';

const signal = new AbortController().signal;
let fixture: EwsFixture;
let ews: EwsSource;

// Every test changes the mailboxes, so each gets a freshly seeded fake.
beforeEach(async () => {
  fixture = await startEwsFixture();
  ews = fixture.source();
});

afterEach(async () => {
  await ews.close();
  await fixture.fake.close();
});

function syncCalls(): string[] {
  return fixture.fake.log.operations('SyncFolderItems').map((entry) => entry.body);
}

function folderStates(cursor: string | undefined): Record<string, Record<string, string>> {
  return (JSON.parse(cursor!) as { mailboxes: Record<string, Record<string, string>> }).mailboxes;
}

describe('ews contacts replica', () => {
  it('loads the Contacts folder and its user folders by SyncFolderItems, the system folders left out', async () => {
    const { fake, ids } = fixture;
    fake.log.clear();
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    expect(engine.size).toBe(13);
    expect(fake.store.contacts(ids.recipientCache).length).toBeGreaterThan(0);
    expect(Object.keys(folderStates(engine.cursor)[''] ?? {}).sort()).toEqual(
      [ids.aliceContacts, ids.suppliers, ids.euSuppliers].sort(),
    );
    // No FindItem load: the states come from the load itself.
    expect(fake.log.operations('FindItem')).toHaveLength(0);
    const [first] = syncCalls();
    expect(first).toContain('<m:MaxChangesReturned>512</m:MaxChangesReturned>');
    expect(first).toContain('<m:SyncState></m:SyncState>');
    // The Contacts folder by its distinguished id: its name follows the mailbox's language.
    expect(fake.log.operations('GetFolder')[0]?.body).toContain('<t:DistinguishedFolderId Id="contacts"');
    for (const key of ['BusinessPhone', 'BusinessPhone2', 'MobilePhone', 'BusinessFax', 'HomePhone'])
      expect(first).toContain(`FieldURI="contacts:PhoneNumber" FieldIndex="${key}"`);
    expect(first).toContain('FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress3"');
    // Keys ContactSchema has no property for are asked for too.
    expect(first).toContain('FieldURI="contacts:PhoneNumber" FieldIndex="Callback"');
    expect(first).toContain('FieldURI="contacts:PhysicalAddress:City" FieldIndex="Business"');
  });

  it("maps the contacts to AD's names: numbers in any format, the SMTP address past a legacy DN", async () => {
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    // Jörg Müller: BusinessPhone '+49 30 1234-0001', BusinessPhone2 '030 12340002', EmailAddress1 a legacy DN.
    expect(names(engine, '(telephoneNumber=030 12340001)')).toEqual(['Jörg Müller']);
    expect(names(engine, '(otherTelephone=+49 30 12340002)')).toEqual(['Jörg Müller']);
    expect(names(engine, '(mobile=+49 170 1234567)')).toEqual(['Jörg Müller']);
    expect(names(engine, '(mail=joerg.mueller@contoso.com)')).toEqual(['Jörg Müller']);
    expect(names(engine, '(&(objectClass=contact)(sn=muller))')).toEqual(['Jörg Müller']);
    expect(names(engine, '(facsimileTelephoneNumber=+33 1 23 45 67 00)')).toEqual(['François Lefèvre']);
    expect(names(engine, '(&(homePhone=089 765432)(pager=*7654*))')).toEqual(['Ümit Öztürk']);
    expect(names(engine, '(&(company=Nordic Design AB)(title=Art Director)(l=Stockholm))')).toEqual([
      'Zoë Ångström',
    ]);
    expect(names(engine, '(department=Vertrieb)')).toEqual(['Jörg Müller']);
  });

  it('reads every phone key, those ContactSchema lacks too', async () => {
    const { fake, ids } = fixture;
    fake.store.createContact(ids.suppliers, {
      displayName: 'Rückruf Zentrale',
      phoneNumbers: { Callback: '030 555 0001', Isdn: '030 555 0002', Telex: '030 555 0003' },
    });
    const records = [];
    for await (const record of ews.search({}, signal)) records.push(record);
    const callback = records.find((record) => record.fields.DisplayName?.[0] === 'Rückruf Zentrale');
    expect(callback?.fields).toMatchObject({
      Callback: ['030 555 0001'],
      Isdn: ['030 555 0002'],
      Telex: ['030 555 0003'],
    });
  });

  it('asks at most 512 changes a call', async () => {
    const { fake, ids } = fixture;
    const bulk = fake.store.createFolder(ids.aliceContacts, {
      displayName: 'Bulk',
      folderClass: 'IPF.Contact',
    }).id;
    for (const contact of generatedContacts(1100)) fake.store.createContact(bulk, contact);
    fake.log.clear();
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    expect(engine.size).toBe(13 + 1100);
    expect(syncCalls().filter((body) => body.includes(bulk))).toHaveLength(3);
  });

  it('applies creates, updates and deletes from the saved sync states', async () => {
    const { fake, ids } = fixture;
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    const before = folderStates(engine.cursor);
    fake.store.createContact(ids.suppliers, {
      displayName: 'Zeta Zulieferer',
      surname: 'Zulieferer',
      phoneNumbers: { BusinessPhone: '+49 40 555 0100' },
    });
    const [eu] = fake.store.contacts(ids.euSuppliers);
    fake.store.deleteContact(eu!.id);
    const carol = fake.store
      .contacts(ids.aliceContacts)
      .find((contact) => contact.data.displayName === 'Carol Client')!;
    fake.store.updateContact(carol.id, { phoneNumbers: { BusinessPhone: '+49 30 7777' } });
    fake.log.clear();
    const outcome = await engine.sync(signal);
    expect(outcome?.applied).toEqual({ upserts: 2, deletions: 1 });
    expect(engine.size).toBe(13);
    expect(names(engine, '(telephoneNumber=040 5550100)')).toEqual(['Zeta Zulieferer']);
    expect(names(engine, '(telephoneNumber=030 7777)')).toEqual(['Carol Client']);
    expect(names(engine, '(cn=Łukasz*)')).toEqual([]);
    // Each folder asked from its own saved state, none from empty.
    const after = folderStates(engine.cursor);
    for (const body of syncCalls()) expect(body).toContain('<m:SyncState>H4sI');
    expect(Object.keys(after[''] ?? {})).toEqual(Object.keys(before[''] ?? {}));
    const quiet = await engine.sync(signal);
    expect(quiet?.applied).toEqual({ upserts: 0, deletions: 0 });
  });

  it('syncs a new user folder from empty, and leaves a new system folder out', async () => {
    const { fake, ids } = fixture;
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    const team = fake.store.createFolder(ids.suppliers, {
      displayName: 'Team',
      folderClass: 'IPF.Contact',
    }).id;
    fake.store.createContact(team, {
      displayName: 'Tina Team',
      phoneNumbers: { MobilePhone: '0171 2223334' },
    });
    const hidden = fake.store.createFolder(ids.aliceContacts, {
      displayName: 'Quick Contacts',
      folderClass: 'IPF.Contact.MOC.QuickContacts',
    }).id;
    fake.store.createContact(hidden, { displayName: 'Quentin Quick' });
    const outcome = await engine.sync(signal);
    expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });
    expect(names(engine, '(mobile=+49 171 2223334)')).toEqual(['Tina Team']);
    expect(names(engine, '(cn=Quentin*)')).toEqual([]);
    expect(Object.keys(folderStates(engine.cursor)[''] ?? {})).toContain(team);
  });

  it('a folder that is gone loads everything again, its contacts removed', async () => {
    const { fake, ids } = fixture;
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    fake.store.deleteFolder(ids.euSuppliers);
    await engine.sync(signal);
    expect(engine.size).toBe(12);
    expect(names(engine, '(cn=Łukasz*)')).toEqual([]);
    expect(Object.keys(folderStates(engine.cursor)[''] ?? {})).not.toContain(ids.euSuppliers);
  });

  it('a sync state Exchange refuses loads everything again while the copy serves', async () => {
    const { fake, ids } = fixture;
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    fake.syncStates.invalidateAll();
    fake.store.createContact(ids.suppliers, { displayName: 'Nach Verfall', surname: 'Verfall' });
    fake.log.clear();
    await engine.sync(signal);
    expect(engine.size).toBe(14);
    expect(names(engine, '(sn=Verfall)')).toEqual(['Nach Verfall']);
    // The refused state, then every folder from empty.
    const bodies = syncCalls();
    expect(bodies.filter((body) => body.includes('<m:SyncState></m:SyncState>'))).toHaveLength(3);
    const again = await engine.sync(signal);
    expect(again?.applied).toEqual({ upserts: 0, deletions: 0 });
  });

  it('restarts from its snapshot and resumes from the saved sync states', async () => {
    const { fake, ids } = fixture;
    const file = join(mkdtempSync(join(tmpdir(), 'dirbridge-ews-snapshot-')), 'exchange.snapshot');
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    await engine.save(file, 'ews-1');
    fake.store.createContact(ids.aliceContacts, { displayName: 'After Restart', surname: 'Restart' });
    const restarted = ewsReplica(fixture.source());
    const header = await restarted.restore(file, 'ews-1');
    expect(folderStates(header.cursor)).toEqual(folderStates(engine.cursor));
    expect(restarted.size).toBe(13);
    fake.log.clear();
    const outcome = await restarted.sync(signal);
    expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });
    expect(syncCalls().every((body) => body.includes('<m:SyncState>H4sI'))).toBe(true);
    expect(names(restarted, '(sn=Restart)')).toEqual(['After Restart']);
  });

  it('leaves out a listed mailbox Exchange does not have, with one warning, and reads it once it exists', async () => {
    const warnings: string[] = [];
    const logger: SourceLogger = { warn: (_obj, msg) => warnings.push(msg), info: () => {}, error: () => {} };
    const listed = fixture.source(
      {
        username: CONTOSO.service.signIn,
        password: CONTOSO.service.password,
        mailboxes: ['later@contoso.com', CONTOSO.alice.smtp],
      },
      logger,
    );
    const engine = ewsReplica(listed);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(13);
      await engine.sync(signal);
      expect(warnings).toEqual([
        'Exchange has no mailbox later@contoso.com (ErrorNonExistentMailbox); the other mailboxes are served, and later@contoso.com is asked for again every round',
      ]);
      const later = fixture.fake.store.addMailbox({ smtp: 'later@contoso.com', displayName: 'Later' });
      fixture.fake.store.createContact(later.contactsId, { displayName: 'Late Contact', surname: 'Late' });
      const outcome = await engine.sync(signal);
      expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });
      expect(names(engine, '(sn=Late)')).toEqual(['Late Contact']);
    } finally {
      await listed.close();
    }
  });

  it('reads listed mailboxes by impersonation, each with its own states', async () => {
    const listed = fixture.source({
      username: CONTOSO.service.signIn,
      password: CONTOSO.service.password,
      mailboxes: [CONTOSO.alice.smtp, CONTOSO.joerg.smtp],
    });
    const engine = ewsReplica(listed);
    try {
      await engine.sync(signal);
      const joergs = fixture.fake.store.contacts(fixture.ids.joergContacts).length;
      expect(engine.size).toBe(13 + joergs);
      expect(Object.keys(folderStates(engine.cursor))).toEqual([CONTOSO.alice.smtp, CONTOSO.joerg.smtp]);
      fixture.fake.store.createContact(fixture.ids.joergContacts, {
        displayName: 'Neu Kontakt',
        surname: 'Kontakt',
      });
      const outcome = await engine.sync(signal);
      expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });
    } finally {
      await listed.close();
    }
  });
});
