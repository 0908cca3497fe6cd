/**
 * Public contact folders of the ews source against the EWS fake: found by their path below the
 * public folder root, listed by FindItem (never SyncFolderItems, which Exchange refuses on public
 * folders) every round, with only contacts whose change key changed or that are gone passed on to
 * the replica; check's step for each, a missing folder and one that holds no contacts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EwsSource } from '../../../src/sources/ews/index.js';
import { ewsReplica } from '../../support/ews-replica.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';
import { startEwsFixture, type EwsFixture } from './ews-fixture.js';

const signal = new AbortController().signal;
const PATHS = ['Firmenkontakte', '/Shared Contacts/Partners/'];
let fixture: EwsFixture;
let ews: EwsSource;

beforeEach(async () => {
  fixture = await startEwsFixture();
  ews = fixture.source({ publicFolders: PATHS });
});

afterEach(async () => {
  await ews.close();
  await fixture.fake.close();
});

describe('public contact folders', () => {
  it('are listed by FindItem with the mailbox contacts, and only changes are passed on', async () => {
    const { fake, ids } = fixture;
    const publicCount = fake.store.contacts(ids.publicContacts).length;
    const partnerCount = fake.store.contacts(ids.partners).length;
    fake.log.clear();
    const engine = ewsReplica(ews);
    await engine.sync(signal);
    expect(engine.size).toBe(13 + publicCount + partnerCount);
    const synced = fake.log.operations('SyncFolderItems').map((entry) => entry.body);
    expect(synced.some((body) => body.includes(ids.publicContacts) || body.includes(ids.partners))).toBe(
      false,
    );
    const cursor = JSON.parse(engine.cursor!) as { publicFolders: Record<string, Record<string, string>> };
    expect(Object.keys(cursor.publicFolders)).toEqual(['Firmenkontakte', 'Shared Contacts/Partners']);
    expect(Object.keys(cursor.publicFolders.Firmenkontakte!)).toHaveLength(publicCount);

    const [first, second] = fake.store.contacts(ids.publicContacts);
    fake.store.updateContact(first!.id, { displayName: 'Geänderte Firma', surname: 'Geändert' });
    fake.store.deleteContact(second!.id);
    fake.store.createContact(ids.partners, { displayName: 'Neuer Partner', surname: 'Partner-Neu' });
    expect((await engine.sync(signal))?.applied).toEqual({ upserts: 2, deletions: 1 });
    expect(names(engine, '(sn=Geändert)')).toEqual(['Geänderte Firma']);
    expect(names(engine, '(sn=Partner-Neu)')).toEqual(['Neuer Partner']);
    expect(engine.size).toBe(13 + publicCount + partnerCount);
    expect((await engine.sync(signal))?.applied).toEqual({ upserts: 0, deletions: 0 });
  });

  it('check counts each, and names a missing folder and one without contacts', async () => {
    const { fake, ids } = fixture;
    const report = await ews.check();
    expect(report.ok).toBe(true);
    expect(report.steps.find((step) => step.step === 'public folder Firmenkontakte')?.detail).toBe(
      `${fake.store.contacts(ids.publicContacts).length} contacts (listed in full each round)`,
    );
    const wrong = fixture.source({ publicFolders: ['Nope', 'Company Announcements'] });
    try {
      const failed = await wrong.check();
      expect(failed.steps.filter((step) => !step.ok)).toEqual([
        { step: 'public folder Nope', ok: false, detail: 'there is no public folder Nope' },
        {
          step: 'public folder Company Announcements',
          ok: false,
          detail: 'public folder Company Announcements holds IPF.Note items, not contacts (IPF.Contact)',
        },
      ]);
      await expect(ewsReplica(wrong).sync(signal)).rejects.toThrow(
        'source exchange: there is no public folder Nope',
      );
    } finally {
      await wrong.close();
    }
  });

  it('are each listed once', () => {
    expect(() => fixture.source({ publicFolders: ['Firmenkontakte', ' Firmenkontakte/'] })).toThrow(
      'publicFolders: Firmenkontakte is listed twice',
    );
    expect(() => fixture.source({ publicFolders: ['/'] })).toThrow('publicFolders: "/" names no folder');
  });
});
