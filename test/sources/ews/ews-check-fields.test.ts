/**
 * The ews source's "import test" and "available fields" against the EWS fake: check counts each
 * contact folder's contacts by FindItem pages and gives samples in EWS names; fields lists every
 * contact property with how many sampled contacts hold it, each phone key marked in use or unused;
 * plain reads (search, get) by FindItem; and a replica round that fails (a hanging server, an HTML
 * 500) rejects with its sentence while the copy keeps serving.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EwsSource } from '../../../src/sources/ews/index.js';
import type { SourceRecord } from '../../../src/sources/source.js';
import { generatedContacts } from '../../fakes/ews/index.js';
import { ewsReplica } from '../../support/ews-replica.js';
import { startEwsFixture, type EwsFixture } from './ews-fixture.js';

const signal = new AbortController().signal;
let fixture: EwsFixture;
let ews: EwsSource;

beforeAll(async () => {
  fixture = await startEwsFixture();
  const { fake, ids } = fixture;
  const bulk = fake.store.createFolder(ids.suppliers, { displayName: 'Bulk', folderClass: 'IPF.Contact' }).id;
  for (const contact of generatedContacts(1200)) fake.store.createContact(bulk, contact);
  ews = fixture.source();
});

afterEach(() => fixture.fake.faults.clear());

afterAll(async () => {
  await ews.close();
  await fixture.fake.close();
});

describe('check', () => {
  it('counts each contact folder by FindItem pages and gives three samples in EWS names', async () => {
    fixture.fake.log.clear();
    const report = await ews.check();
    expect(report.ok).toBe(true);
    expect(report.count).toBe(1213);
    expect(report.steps[1]).toEqual({
      step: 'own mailbox',
      ok: true,
      detail: '1213 contacts in 4 contact folders (Contacts 10, Suppliers 2, EU 1, Bulk 1200)',
    });
    expect(report.steps.at(-1)).toEqual({
      step: 'changes',
      ok: true,
      detail: 'SyncFolderItems rounds every 60 s',
    });
    // Pages of 500: one for each of the three small folders, three for the bulk folder.
    const bulkPages = fixture.fake.log
      .operations('FindItem')
      .filter((entry) => entry.body.includes('MaxEntriesReturned="500"'));
    expect(bulkPages.length).toBe(3 + 3);
    expect(report.samples).toHaveLength(3);
    expect(report.samples[0]).toEqual({
      id: 'AAMkAGI2TG93AAA=',
      kind: 'contact',
      fields: {
        DisplayName: ['Carol Client'],
        GivenName: ['Carol'],
        Surname: ['Client'],
        CompanyName: ['Fabrikam'],
        Department: ['Purchasing'],
        JobTitle: ['Buyer'],
        EmailAddress1: ['carol@fabrikam.com'],
        smtpAddress: ['carol@fabrikam.com'],
        BusinessPhone: ['+49 30 1234'],
        MobilePhone: ['+49 170 1234'],
        BusinessFax: ['+49 30 1299'],
        HomePhone: ['+49 30 9999'],
        folder: ['Contacts'],
      },
    });
  });
});

describe('fields', () => {
  it('lists every contact property with its count, phone keys in use or unused', async () => {
    const fields = await ews.fields();
    const byName = new Map(fields.map((field) => [field.name, field]));
    expect(byName.get('DisplayName')?.count).toBe(1000);
    expect(byName.get('DisplayName')?.description).toBe(
      "the contact's DisplayName; in 1000 of 1000 sampled contacts",
    );
    expect(byName.get('BusinessPhone2')?.count).toBe(1);
    expect(byName.get('BusinessPhone2')?.description).toMatch(/\(phone key in use\)$/);
    expect(byName.get('TtyTddPhone')).toMatchObject({ count: 0 });
    expect(byName.get('TtyTddPhone')?.description).toMatch(/\(phone key unused\)$/);
    for (const name of [
      'EmailAddress1',
      'smtpAddress',
      'otherPhones',
      'BusinessAddressCity',
      'folder',
      'mailbox',
    ])
      expect(byName.has(name), name).toBe(true);
  });
});

describe('reads', () => {
  it('search lists every contact by FindItem, get finds one by its id', async () => {
    const records: SourceRecord[] = [];
    for await (const record of ews.search({}, signal)) records.push(record);
    expect(records).toHaveLength(1213);
    expect(new Set(records.map((record) => record.id)).size).toBe(1213);
    const joerg = records.find((record) => record.fields.DisplayName?.[0] === 'Jörg Müller')!;
    expect(await ews.get(joerg.id, signal)).toEqual(joerg);
    expect(await ews.get('AAMkNoSuchItem=', signal)).toBeUndefined();
  });
});

describe('a failed round', () => {
  it.each([
    [{ kind: 'hang' } as const, 'EWS did not answer within 1 s (timeout)'],
    [{ kind: 'html-500' } as const, 'HTTP 500 from EWS with an HTML page "500 - Internal server error."'],
  ])('rejects with its sentence and the copy keeps serving (%o)', async (fault, sentence) => {
    const impatient = fixture.source({ timeout: 1 });
    const engine = ewsReplica(impatient);
    try {
      await engine.sync(signal);
      fixture.fake.faults.inject(fault, { operation: 'SyncFolderItems' });
      await expect(engine.sync(signal)).rejects.toThrow(`source exchange: ${sentence}`);
      expect(engine.size).toBe(1213);
      await expect(engine.sync(signal)).resolves.toBeDefined();
    } finally {
      await impatient.close();
    }
  });
});
