/**
 * GetFolder and FindFolder through the real library: binding the Contacts folder (its name follows
 * the mailbox language), listing subfolders with their FolderClass (user folders IPF.Contact, hidden
 * system folders IPF.Contact.*), and public folders (deep traversal refused).
 */
import {
  BasePropertySet,
  ContactsFolder,
  EffectiveRights,
  Folder,
  FolderId,
  FolderSchema,
  FolderTraversal,
  FolderView,
  PropertySet,
  SearchFilter,
  ServiceError,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsFake } from './ews-fake.js';
import { exchangeService, rejectionOf } from './library-client.js';
import { CONTOSO } from './seed/contoso-accounts.js';
import { seedContoso, type ContosoIds } from './seed/contoso-seed.js';

let fake: EwsFake;
let ids: ContosoIds;
let alice: ExchangeService;

beforeAll(async () => {
  fake = await EwsFake.start();
  ids = seedContoso(fake);
  alice = exchangeService(fake, {
    kind: 'basic',
    user: CONTOSO.alice.signIn,
    password: CONTOSO.alice.password,
  });
});

afterAll(() => fake.close());

const LISTING = new PropertySet(BasePropertySet.IdOnly, [
  FolderSchema.DisplayName,
  FolderSchema.FolderClass,
  FolderSchema.TotalCount,
  FolderSchema.ChildFolderCount,
]);

async function listFolders(
  service: ExchangeService,
  parent: FolderId | WellKnownFolderName,
  traversal: FolderTraversal,
) {
  const view = new FolderView(100);
  view.Traversal = traversal;
  view.PropertySet = LISTING;
  const results = await service.FindFolders(parent as FolderId, view);
  return results.Folders.map((folder) => ({
    name: folder.DisplayName,
    folderClass: folder.FolderClass,
    total: folder.TotalCount,
  }));
}

describe('GetFolder', () => {
  it('binds the Contacts folder with its name, class and count, and the server version', async () => {
    const folder = await Folder.Bind(alice, WellKnownFolderName.Contacts);
    expect(folder).toBeInstanceOf(ContactsFolder);
    expect([folder.DisplayName, folder.FolderClass, folder.TotalCount, folder.ChildFolderCount]).toEqual([
      'Contacts',
      'IPF.Contact',
      10,
      7,
    ]);
    expect(folder.Id.UniqueId).toBe(ids.aliceContacts);
    expect(alice.ServerInfo.MajorVersion).toBe(15);
    expect(alice.ServerInfo.VersionString).toBe('V2017_07_11');
  });

  it('names the Contacts folder in the mailbox language', async () => {
    const joerg = exchangeService(fake, {
      kind: 'basic',
      user: CONTOSO.joerg.signIn,
      password: CONTOSO.joerg.password,
    });
    const folder = await Folder.Bind(joerg, WellKnownFolderName.Contacts, LISTING);
    expect([folder.DisplayName, folder.TotalCount]).toEqual(['Kontakte', 2]);
  });

  it('rejects an id that is not an Exchange id, and one it does not hold', async () => {
    const malformed = await rejectionOf(Folder.Bind(alice, new FolderId('not-an-id')));
    expect(malformed.serviceError).toBe(ServiceError.ErrorInvalidIdMalformed);
    const missing = await rejectionOf(Folder.Bind(alice, new FolderId('AAMkAGI2bm90aGVyZQA=')));
    expect(missing.serviceError).toBe(ServiceError.ErrorFolderNotFound);
    expect(missing.message).toBe('The specified folder could not be found in the store.');
  });
});

describe('FindFolder', () => {
  it('lists the Contacts subtree deep, user folders as IPF.Contact and system folders as IPF.Contact.*', async () => {
    const folders = await listFolders(alice, WellKnownFolderName.Contacts, FolderTraversal.Deep);
    expect(folders).toEqual([
      { name: 'Recipient Cache', folderClass: 'IPF.Contact.RecipientCache', total: 1 },
      {
        name: '{06967759-274D-40B2-A3EB-D7F9E73727D7}',
        folderClass: 'IPF.Contact.MOC.QuickContacts',
        total: 0,
      },
      {
        name: '{A9E2BC46-B3A0-4243-B315-60D991004455}',
        folderClass: 'IPF.Contact.MOC.ImContactList',
        total: 0,
      },
      { name: 'Companies', folderClass: 'IPF.Contact.Company', total: 0 },
      { name: 'GAL Contacts', folderClass: 'IPF.Contact.GalContacts', total: 0 },
      { name: 'Organizational Contacts', folderClass: 'IPF.Contact.OrganizationalContacts', total: 0 },
      { name: 'Suppliers', folderClass: 'IPF.Contact', total: 2 },
      { name: 'EU', folderClass: 'IPF.Contact', total: 1 },
    ]);
    expect(
      folders.filter((folder) => folder.folderClass === 'IPF.Contact').map((folder) => folder.name),
    ).toEqual(['Suppliers', 'EU']);
  });

  it('filters by FolderClass server-side', async () => {
    const view = new FolderView(100);
    view.Traversal = FolderTraversal.Deep;
    view.PropertySet = LISTING;
    const filter = new SearchFilter.IsEqualTo(FolderSchema.FolderClass, 'IPF.Contact');
    const results = await alice.FindFolders(WellKnownFolderName.Contacts, filter, view);
    expect(results.Folders.map((folder) => folder.DisplayName)).toEqual(['Suppliers', 'EU']);
    expect(results.TotalCount).toBe(2);
  });

  it('lists only children when shallow', async () => {
    const folders = await listFolders(alice, new FolderId(ids.suppliers), FolderTraversal.Shallow);
    expect(folders).toEqual([{ name: 'EU', folderClass: 'IPF.Contact', total: 1 }]);
  });

  it('lists public folders shallow and refuses deep traversal there', async () => {
    const folders = await listFolders(alice, WellKnownFolderName.PublicFoldersRoot, FolderTraversal.Shallow);
    expect(folders.map((folder) => [folder.name, folder.folderClass])).toEqual([
      ['Firmenkontakte', 'IPF.Contact'],
      ['Shared Contacts', 'IPF.Contact'],
      ['Company Announcements', 'IPF.Note'],
    ]);
    const deep = await rejectionOf(
      listFolders(alice, WellKnownFolderName.PublicFoldersRoot, FolderTraversal.Deep),
    );
    expect(deep.serviceError).toBe(ServiceError.ErrorInvalidOperation);
    expect(deep.message).toBe('Deep traversal queries are not allowed on public folders.');
  });

  it('binds a public folder with read-only rights', async () => {
    const folder = await Folder.Bind(alice, new FolderId(ids.publicContacts));
    expect([folder.DisplayName, folder.TotalCount]).toEqual(['Firmenkontakte', 3]);
    expect(folder.EffectiveRights).toBe(EffectiveRights.Read);
  });
});
