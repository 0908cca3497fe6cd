/**
 * FindItem and GetItem through the real library: paging with the indexed property set the ews
 * source will use, AQS and restrictions, the 1000-per-page cap, and LoadPropertiesForItems as one
 * batched GetItem.
 */
import {
  BasePropertySet,
  ComparisonMode,
  Contact,
  ContactSchema,
  ContainmentMode,
  EmailAddressKey,
  FolderId,
  ItemView,
  LogicalOperator,
  PhoneNumberKey,
  PhysicalAddressKey,
  PropertySet,
  SearchFilter,
  SortDirection,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf, asContact, emailOf, phoneOf } from './contact-reading.js';
import { EwsFake } from './ews-fake.js';
import { exchangeService } from './library-client.js';
import { CONTOSO } from './seed/contoso-accounts.js';
import { JOERG_LEGACY_DN } from './seed/contoso-contacts.js';
import { seedContoso, type ContosoIds } from './seed/contoso-seed.js';
import { generatedContacts } from './seed/generated-records.js';

const C = ContactSchema;
const DIRECTORY_PROPERTIES = new PropertySet(BasePropertySet.IdOnly, [
  C.DisplayName,
  C.GivenName,
  C.Surname,
  C.CompanyName,
  C.Department,
  C.JobTitle,
  C.EmailAddress1,
  C.EmailAddress2,
  C.EmailAddress3,
  C.BusinessPhone,
  C.BusinessPhone2,
  C.MobilePhone,
  C.BusinessFax,
  C.HomePhone,
  C.BusinessAddressCity,
  C.BusinessAddressPostalCode,
]);

let fake: EwsFake;
let ids: ContosoIds;
let service: ExchangeService;

beforeAll(async () => {
  fake = await EwsFake.start();
  ids = seedContoso(fake);
  service = exchangeService(fake, {
    kind: 'basic',
    user: CONTOSO.alice.signIn,
    password: CONTOSO.alice.password,
  });
});

afterAll(() => fake.close());

async function allContacts(folder: FolderId | WellKnownFolderName, pageSize: number): Promise<Contact[][]> {
  const pages: Contact[][] = [];
  let offset = 0;
  for (;;) {
    const view = new ItemView(pageSize, offset);
    view.PropertySet = DIRECTORY_PROPERTIES;
    const results = await service.FindItems(folder as FolderId, view);
    pages.push(results.Items.map(asContact));
    if (!results.MoreAvailable) return pages;
    offset = results.NextPageOffset;
  }
}

describe('FindItem', () => {
  it('pages through the Contacts folder with indexed properties', async () => {
    const pages = await allContacts(WellKnownFolderName.Contacts, 4);
    expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
    const contacts = pages.flat();
    expect(contacts.map((contact) => contact.DisplayName)).toEqual([
      'Carol Client',
      'Dave Dealer & Sons',
      'Eve Example',
      'Zoë Ångström',
      'François Lefèvre',
      'José Núñez',
      'Jörg Müller',
      'Ümit Öztürk',
      'Bob Brown',
      'Reception Desk',
    ]);
    const bob = contacts.find((contact) => contact.DisplayName === 'Bob Brown')!;
    expect(phoneOf(bob, PhoneNumberKey.BusinessPhone)).toBe('(425) 555-0100');
    expect(phoneOf(bob, PhoneNumberKey.MobilePhone)).toBe('+1.425.555.0101');
    expect(phoneOf(bob, PhoneNumberKey.HomePhone)).toBeUndefined();
    expect(emailOf(bob, EmailAddressKey.EmailAddress3)).toBe('bbrown@tailspintoys.example');
    expect(addressOf(bob, PhysicalAddressKey.Business)?.City).toBe('Redmond');
    expect(addressOf(bob, PhysicalAddressKey.Business)?.PostalCode).toBe('98052');
    const joerg = contacts.find((contact) => contact.Surname === 'Müller')!;
    expect(emailOf(joerg, EmailAddressKey.EmailAddress1)).toBe(JOERG_LEGACY_DN);
    expect(phoneOf(joerg, PhoneNumberKey.BusinessPhone2)).toBe('030 12340002');
  });

  it('reports the total and the next offset as Exchange does', async () => {
    const view = new ItemView(3, 0);
    view.PropertySet = DIRECTORY_PROPERTIES;
    const first = await service.FindItems(WellKnownFolderName.Contacts, view);
    expect([first.TotalCount, first.MoreAvailable, first.NextPageOffset]).toEqual([10, true, 3]);
    const last = await service.FindItems(WellKnownFolderName.Contacts, new ItemView(3, 9));
    expect([last.Items.length, last.MoreAvailable, last.NextPageOffset]).toEqual([1, false, null]);
  });

  it('sorts by display name when asked to', async () => {
    const view = new ItemView(3, 0);
    view.PropertySet = DIRECTORY_PROPERTIES;
    view.OrderBy.Add(C.DisplayName, SortDirection.Descending);
    const results = await service.FindItems(WellKnownFolderName.Contacts, view);
    expect(results.Items.map((item) => asContact(item).DisplayName)).toEqual([
      'Zoë Ångström',
      'Ümit Öztürk',
      'Reception Desk',
    ]);
  });

  it('finds display-name prefixes by AQS, ignoring case and accents', async () => {
    const results = await service.FindItems(WellKnownFolderName.Contacts, 'jorg', new ItemView(10));
    expect(results.Items.map((item) => asContact(item).DisplayName)).toEqual(['Jörg Müller']);
    const byCompany = await service.FindItems(WellKnownFolderName.Contacts, 'tailspin', new ItemView(10));
    expect(byCompany.TotalCount).toBe(1);
  });

  it('matches a quoted AQS phrase by whole words, with a trailing * by prefix', async () => {
    const count = async (query: string): Promise<number> =>
      (await service.FindItems(WellKnownFolderName.Contacts, query, new ItemView(10))).TotalCount;
    expect(await count('"bob brown"')).toBe(1);
    expect(await count('"bob bro"')).toBe(0);
    expect(await count('"bob bro"*')).toBe(1);
    expect(await count('bob OR zoe')).toBe(2);
  });

  it('filters by restriction (Contains, IsEqualTo, Or)', async () => {
    const names = async (filter: SearchFilter): Promise<string[]> =>
      (await service.FindItems(WellKnownFolderName.Contacts, filter, new ItemView(10))).Items.map(
        (item) => asContact(item).DisplayName,
      );
    const prefix = (mode: ComparisonMode): SearchFilter =>
      new SearchFilter.ContainsSubstring(C.DisplayName, 'jo', ContainmentMode.Prefixed, mode);
    expect(await names(prefix(ComparisonMode.IgnoreCase))).toEqual(['José Núñez']);
    expect(await names(prefix(ComparisonMode.IgnoreCaseAndNonSpacingCharacters))).toEqual([
      'José Núñez',
      'Jörg Müller',
    ]);
    const either = new SearchFilter.SearchFilterCollection(LogicalOperator.Or, [
      new SearchFilter.IsEqualTo(C.CompanyName, 'fabrikam'),
      new SearchFilter.IsEqualTo(C.Surname, 'Example'),
    ]);
    const results = await service.FindItems(WellKnownFolderName.Contacts, either, new ItemView(10));
    expect(results.Items.map((item) => asContact(item).DisplayName)).toEqual(['Carol Client', 'Eve Example']);
  });

  it('reads a public contacts folder by id', async () => {
    const pages = await allContacts(new FolderId(ids.publicContacts), 100);
    expect(pages.flat().map((contact) => contact.DisplayName)).toEqual([
      'Contoso Zentrale',
      'Pförtner Haus B',
      'Störungsannahme IT',
    ]);
  });

  it('caps a page at 1000 and says more are available', async () => {
    const bulk = fake.store.createFolder(ids.aliceContacts, {
      displayName: 'Bulk',
      folderClass: 'IPF.Contact',
    }).id;
    for (const contact of generatedContacts(1100)) fake.store.createContact(bulk, contact);
    const view = new ItemView(2000, 0);
    view.PropertySet = PropertySet.IdOnly;
    const first = await service.FindItems(new FolderId(bulk), view);
    expect([first.Items.length, first.TotalCount, first.MoreAvailable, first.NextPageOffset]).toEqual([
      1000,
      1100,
      true,
      1000,
    ]);
    view.Offset = first.NextPageOffset;
    const rest = await service.FindItems(new FolderId(bulk), view);
    expect([rest.Items.length, rest.MoreAvailable]).toEqual([100, false]);
    fake.store.deleteFolder(bulk);
    // The library parses 1100 contacts here: generous on a loaded machine.
  }, 20_000);
});

describe('GetItem', () => {
  it('LoadPropertiesForItems sends one batched GetItem and fills the dictionaries', async () => {
    const found = await service.FindItems(WellKnownFolderName.Contacts, new ItemView(5));
    fake.log.clear();
    await service.LoadPropertiesForItems(
      found.Items,
      new PropertySet(BasePropertySet.IdOnly, [
        C.DisplayName,
        C.EmailAddresses,
        C.PhoneNumbers,
        C.PhysicalAddresses,
      ]),
    );
    const requests = fake.log.operations();
    expect(requests.map((entry) => entry.operation)).toEqual(['GetItem']);
    expect(requests[0]!.body.match(/<t:ItemId /g)).toHaveLength(5);
    const zoe = found.Items.map(asContact).find((contact) => contact.DisplayName === 'Zoë Ångström')!;
    expect(phoneOf(zoe, PhoneNumberKey.MobilePhone)).toBe('070-123 45 67');
    expect(addressOf(zoe, PhysicalAddressKey.Business)?.Street).toBe('Götgatan 12');
    const dave = found.Items.map(asContact).find((contact) => contact.DisplayName === 'Dave Dealer & Sons')!;
    expect(emailOf(dave, EmailAddressKey.EmailAddress2)).toBe('d.dealer@home.example');
  });
});
