/**
 * SyncFolderItems through the real library: a full enumeration in batches, then creates, updates and
 * deletes made between rounds reported exactly once, the ItemShape honoured, an invalid sync state
 * (ErrorInvalidSyncStateData) and a public folder refused.
 */
import {
  BasePropertySet,
  ChangeType,
  ContactSchema,
  FolderId,
  ItemId,
  PhoneNumberKey,
  PropertySet,
  ServiceError,
  SyncFolderItemsScope,
  WellKnownFolderName,
  type ChangeCollection,
  type ExchangeService,
  type ItemChange,
} from 'ews-javascript-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asContact, phoneOf } from './contact-reading.js';
import { EwsFake } from './ews-fake.js';
import { exchangeService, rejectionOf } from './library-client.js';
import { basicAuthorization, closeAgent, envelope, postSoap } from './raw-soap.js';
import { CONTOSO } from './seed/contoso-accounts.js';
import { seedContoso, type ContosoIds } from './seed/contoso-seed.js';

const C = ContactSchema;
const SHAPE = new PropertySet(BasePropertySet.IdOnly, [C.DisplayName, C.MobilePhone]);

let fake: EwsFake;
let ids: ContosoIds;
let service: ExchangeService;

// Every test changes the data, so each gets a freshly seeded fake.
beforeEach(async () => {
  fake = await EwsFake.start();
  ids = seedContoso(fake);
  service = exchangeService(fake, {
    kind: 'basic',
    user: CONTOSO.alice.signIn,
    password: CONTOSO.alice.password,
  });
});

afterEach(async () => {
  await closeAgent(fake);
  await fake.close();
});

interface Round {
  readonly changes: { type: ChangeType; id: string; name: string | undefined }[];
  readonly more: boolean;
  readonly state: string;
}

async function syncRound(
  folder: FolderId,
  state: string,
  batch: number,
  shape: PropertySet = SHAPE,
  ignored: ItemId[] = [],
): Promise<Round> {
  const collection: ChangeCollection<ItemChange> = await service.SyncFolderItems(
    folder,
    shape,
    ignored,
    batch,
    SyncFolderItemsScope.NormalItems,
    state,
  );
  return {
    changes: collection.GetEnumerator().map((change) => ({
      type: change.ChangeType,
      id: change.ItemId.UniqueId,
      name: change.ChangeType === ChangeType.Delete ? undefined : asContact(change.Item).DisplayName,
    })),
    more: collection.MoreChangesAvailable,
    state: collection.SyncState,
  };
}

async function syncToEnd(
  folder: FolderId,
  state: string,
  batch: number,
): Promise<{ rounds: Round[]; state: string }> {
  const rounds: Round[] = [];
  let current = state;
  for (;;) {
    const round = await syncRound(folder, current, batch);
    rounds.push(round);
    current = round.state;
    if (!round.more) return { rounds, state: current };
  }
}

describe('SyncFolderItems', () => {
  it('enumerates the folder in batches, then reports nothing new', async () => {
    const contacts = new FolderId(WellKnownFolderName.Contacts);
    const { rounds, state } = await syncToEnd(contacts, '', 4);
    expect(rounds.map((round) => [round.changes.length, round.more])).toEqual([
      [4, true],
      [4, true],
      [2, false],
    ]);
    const all = rounds.flatMap((round) => round.changes);
    expect(all.every((change) => change.type === ChangeType.Create)).toBe(true);
    expect(new Set(all.map((change) => change.id)).size).toBe(10);
    expect(state).toMatch(/^H4sI/);
    const again = await syncRound(contacts, state, 4);
    expect([again.changes, again.more]).toEqual([[], false]);
  });

  it('reports creates, updates and deletes made between rounds exactly once', async () => {
    const folder = new FolderId(ids.suppliers);
    const { rounds, state } = await syncToEnd(folder, '', 512);
    const [fabrikam, wingtip] = rounds[0]!.changes;
    const created = fake.store.createContact(ids.suppliers, {
      displayName: 'Zeta Zulieferer',
      phoneNumbers: { MobilePhone: '0171 999' },
    });
    fake.store.updateContact(fabrikam!.id, { displayName: 'Fabrikam Supplies GmbH' });
    fake.store.deleteContact(wingtip!.id);
    const next = await syncRound(folder, state, 512);
    expect(next.changes).toEqual([
      { type: ChangeType.Create, id: created.id, name: 'Zeta Zulieferer' },
      { type: ChangeType.Update, id: fabrikam!.id, name: 'Fabrikam Supplies GmbH' },
      { type: ChangeType.Delete, id: wingtip!.id, name: undefined },
    ]);
    const quiet = await syncRound(folder, next.state, 512);
    expect(quiet.changes).toEqual([]);
    // An old state stays usable and replays the changes since it, as Exchange's does.
    const replay = await syncRound(folder, state, 512);
    expect(replay.changes.map((change) => change.type)).toEqual([
      ChangeType.Create,
      ChangeType.Update,
      ChangeType.Delete,
    ]);
  });

  it('reports a contact moved between folders as a delete here and a create there', async () => {
    const from = new FolderId(ids.suppliers);
    const to = new FolderId(ids.euSuppliers);
    const fromState = (await syncToEnd(from, '', 512)).state;
    const toState = (await syncToEnd(to, '', 512)).state;
    const moving = fake.store.contacts(ids.suppliers)[1]!;
    const moved = fake.store.moveContact(moving.id, ids.euSuppliers);
    expect(moved.id).not.toBe(moving.id);
    expect((await syncRound(from, fromState, 512)).changes).toEqual([
      { type: ChangeType.Delete, id: moving.id, name: undefined },
    ]);
    expect((await syncRound(to, toState, 512)).changes).toEqual([
      { type: ChangeType.Create, id: moved.id, name: 'Wingtip Parts' },
    ]);
  });

  it('splits changes across batches without losing or repeating one', async () => {
    const folder = new FolderId(ids.suppliers);
    const { state } = await syncToEnd(folder, '', 512);
    const made = [1, 2, 3, 4, 5].map(
      (n) => fake.store.createContact(ids.suppliers, { displayName: `New ${n}` }).id,
    );
    const first = await syncRound(folder, state, 2);
    fake.store.updateContact(made[0]!, { displayName: 'New 1 renamed' });
    fake.store.deleteContact(made[4]!);
    const { rounds } = await syncToEnd(folder, first.state, 2);
    const seen = [...first.changes, ...rounds.flatMap((round) => round.changes)];
    expect(seen.map((change) => [change.type, change.name])).toEqual([
      [ChangeType.Create, 'New 1'],
      [ChangeType.Create, 'New 2'],
      [ChangeType.Create, 'New 3'],
      [ChangeType.Create, 'New 4'],
      [ChangeType.Update, 'New 1 renamed'],
    ]);
  });

  it('returns the properties of the ItemShape', async () => {
    const full = await syncRound(new FolderId(ids.euSuppliers), '', 10, SHAPE);
    const idOnly = await service.SyncFolderItems(
      new FolderId(ids.aliceContacts),
      PropertySet.IdOnly,
      [],
      3,
      SyncFolderItemsScope.NormalItems,
      '',
    );
    expect(full.changes[0]?.name).toBe('Łukasz Żółć');
    const item = asContact(idOnly._getItem(0).Item);
    expect(() => item.DisplayName).toThrow();
    fake.store.updateContact(fake.store.contacts(ids.euSuppliers)[0]!.id, {
      phoneNumbers: { MobilePhone: '+48 600 100 200' },
    });
    const collection = await service.SyncFolderItems(
      new FolderId(ids.euSuppliers),
      SHAPE,
      [],
      10,
      SyncFolderItemsScope.NormalItems,
      full.state,
    );
    expect(phoneOf(asContact(collection._getItem(0).Item), PhoneNumberKey.MobilePhone)).toBe(
      '+48 600 100 200',
    );
  });

  it('leaves out ignored items and counts them as synced', async () => {
    const folder = new FolderId(ids.suppliers);
    const first = fake.store.contacts(ids.suppliers)[0]!;
    const round = await syncRound(folder, '', 10, SHAPE, [new ItemId(first.id)]);
    expect(round.changes.map((change) => change.name)).toEqual(['Wingtip Parts']);
    expect((await syncRound(folder, round.state, 10)).changes).toEqual([]);
  });

  it('refuses a sync state it did not issue, or one issued for another folder', async () => {
    const garbage = await rejectionOf(
      syncRound(new FolderId(ids.suppliers), 'H4sIAAAAAAAEAGNgYGBgBGIOAAA=', 10),
    );
    expect(garbage.serviceError).toBe(ServiceError.ErrorInvalidSyncStateData);
    expect(garbage.message).toBe('Synchronization state data is corrupt or otherwise invalid.');
    const { state } = await syncToEnd(new FolderId(ids.suppliers), '', 10);
    const elsewhere = await rejectionOf(syncRound(new FolderId(ids.euSuppliers), state, 10));
    expect(elsewhere.serviceError).toBe(ServiceError.ErrorInvalidSyncStateData);
    fake.syncStates.invalidateAll();
    const forgotten = await rejectionOf(syncRound(new FolderId(ids.suppliers), state, 10));
    expect(forgotten.serviceError).toBe(ServiceError.ErrorInvalidSyncStateData);
  });

  it('refuses a public folder', async () => {
    const refused = await rejectionOf(syncRound(new FolderId(ids.publicContacts), '', 10));
    expect(refused.serviceError).toBe(ServiceError.ErrorInvalidOperation);
  });

  it('answers MaxChangesReturned outside 1..512 with a schema-validation fault', async () => {
    const request = envelope(
      '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId>' +
        '<t:DistinguishedFolderId Id="contacts"></t:DistinguishedFolderId></m:SyncFolderId>' +
        '<m:MaxChangesReturned>513</m:MaxChangesReturned></m:SyncFolderItems>',
    );
    const authorization = basicAuthorization(CONTOSO.alice.signIn, CONTOSO.alice.password);
    const answer = await postSoap(fake, request, { authorization });
    expect(answer.status).toBe(500);
    expect(answer.body).toContain('a:ErrorSchemaValidation');
    expect(answer.body).toContain('The MaxInclusive constraint failed.');
    // Without a SyncState element (what the library sends for a null state) it is a first sync.
    const first = await postSoap(fake, request.replace('>513<', '>5<'), { authorization });
    expect(first.body.match(/<t:Create>/g)).toHaveLength(5);
    expect(first.body).toContain('<m:IncludesLastItemInRange>false</m:IncludesLastItemInRange>');
    // The library itself refuses before sending anything (CLOUD-APIS §5).
    expect(() =>
      service.SyncFolderItems(
        new FolderId(ids.suppliers),
        SHAPE,
        [],
        513,
        SyncFolderItemsScope.NormalItems,
        '',
      ),
    ).toThrow();
  });
});
