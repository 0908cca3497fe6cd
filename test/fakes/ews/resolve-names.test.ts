/**
 * ResolveNames through the real library: ambiguous name resolution over the GAL and contacts, the
 * 100-resolution limit, multiple hits (a Warning the library accepts), no hits (Count 0, not an
 * exception), MailboxType per kind of recipient and `SMTP:`-prefixed AD addresses.
 */
import {
  EmailAddressKey,
  MailboxType,
  PhoneNumberKey,
  ResolveNameSearchLocation,
  type ExchangeService,
  type NameResolution,
} from 'ews-javascript-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOf, phoneOf } from './contact-reading.js';
import { EwsFake } from './ews-fake.js';
import { exchangeService } from './library-client.js';
import { CONTOSO } from './seed/contoso-accounts.js';
import { JOERG_LEGACY_DN } from './seed/contoso-contacts.js';
import { seedContoso } from './seed/contoso-seed.js';
import { generatedGalPeople } from './seed/generated-records.js';

let fake: EwsFake;
let alice: ExchangeService;

beforeAll(async () => {
  fake = await EwsFake.start();
  seedContoso(fake);
  for (const person of generatedGalPeople(120, 'Zulu')) fake.gal.add(person);
  alice = exchangeService(fake, {
    kind: 'basic',
    user: CONTOSO.alice.signIn,
    password: CONTOSO.alice.password,
  });
});

afterAll(() => fake.close());

async function resolve(
  name: string,
  where = ResolveNameSearchLocation.DirectoryOnly,
  full = true,
): Promise<NameResolution[]> {
  const resolutions = await alice.ResolveName(name, where, full);
  return resolutions.GetEnumerator();
}

describe('ResolveNames', () => {
  it('resolves word prefixes to several recipients with their mailbox types', async () => {
    const collection = await alice.ResolveName('al', ResolveNameSearchLocation.DirectoryOnly, true);
    expect([collection.Count, collection.IncludesAllResolutions]).toEqual([3, true]);
    const found = collection.GetEnumerator();
    expect(found.map((resolution) => [resolution.Mailbox.Name, resolution.Mailbox.MailboxType])).toEqual([
      ['Alice Anders', MailboxType.Mailbox],
      ['Alan Smithee', MailboxType.Mailbox],
      ['All Staff', MailboxType.PublicGroup],
    ]);
    const alice0 = found[0]!;
    expect(alice0.Mailbox.Address).toBe('alice@contoso.com');
    expect(emailOf(alice0.Contact, EmailAddressKey.EmailAddress1)).toBe('SMTP:alice@contoso.com');
    expect(phoneOf(alice0.Contact, PhoneNumberKey.BusinessFax)).toBe('+1 425 555 0199');
    expect([alice0.Contact.Department, alice0.Contact.Alias, alice0.Contact.Id]).toEqual([
      'R&D',
      'alice',
      null,
    ]);
  });

  it('resolves one recipient with Success, none with Count 0', async () => {
    expect((await resolve('alice')).map((resolution) => resolution.Mailbox.Name)).toEqual(['Alice Anders']);
    expect(await resolve('anders al')).toHaveLength(1);
    expect(await resolve('zzz')).toEqual([]);
  });

  it('stops at 100 resolutions and says there are more', async () => {
    const collection = await alice.ResolveName('zulu', ResolveNameSearchLocation.DirectoryOnly, false);
    expect([collection.Count, collection.IncludesAllResolutions]).toEqual([100, false]);
  });

  it('matches SMTP and secondary proxy addresses, keeps their prefixes, and is accent-sensitive like AD', async () => {
    const [joerg] = await resolve('smtp:jmueller@');
    expect(joerg?.Mailbox.Address).toBe('joerg.mueller@contoso.com');
    const keys = [
      EmailAddressKey.EmailAddress1,
      EmailAddressKey.EmailAddress2,
      EmailAddressKey.EmailAddress3,
    ];
    expect(keys.map((key) => emailOf(joerg!.Contact, key))).toEqual([
      'SMTP:joerg.mueller@contoso.com',
      'smtp:jmueller@contoso.com',
      'sip:joerg.mueller@contoso.com',
    ]);
    expect(await resolve('müller')).toHaveLength(1);
    expect(await resolve('muller')).toEqual([]);
  });

  it('returns mail contacts as Contact and leaves hidden recipients out', async () => {
    const [pat] = await resolve('pat');
    expect([pat?.Mailbox.Address, pat?.Mailbox.MailboxType]).toEqual([
      'pat@partner.example',
      MailboxType.Contact,
    ]);
    expect(await resolve('svc-dirbridge')).toEqual([]);
  });

  it('searches the Contacts folder, with the item id and the routing type of the address', async () => {
    const [bob] = await resolve('bob', ResolveNameSearchLocation.ContactsOnly);
    expect([bob?.Mailbox.MailboxType, bob?.Mailbox.RoutingType, bob?.Mailbox.Address]).toEqual([
      MailboxType.Contact,
      'SMTP',
      'bob@tailspintoys.example',
    ]);
    expect(bob?.Mailbox.Id.UniqueId).toBe(
      fake.store.contacts(fake.contactsFolderId(CONTOSO.alice.smtp))[8]!.id,
    );
    const both = await resolve('jörg', ResolveNameSearchLocation.ContactsThenDirectory);
    expect(
      both.map((resolution) => [
        resolution.Mailbox.MailboxType,
        resolution.Mailbox.RoutingType,
        resolution.Mailbox.Address,
      ]),
    ).toEqual([
      [MailboxType.Contact, 'EX', JOERG_LEGACY_DN],
      [MailboxType.Mailbox, 'SMTP', 'joerg.mueller@contoso.com'],
    ]);
  });

  it('leaves the contact data out unless asked for', async () => {
    const [alan] = await resolve('alan', ResolveNameSearchLocation.DirectoryOnly, false);
    expect(alan?.Mailbox.Name).toBe('Alan Smithee');
    expect(fake.log.operations('ResolveNames').at(-1)?.body).toContain('ReturnFullContactData="false"');
    expect(alan?.Contact).toBeFalsy();
  });
});
