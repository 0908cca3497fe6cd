/**
 * The generated directory: the same seed gives the same people, and the people look like a real
 * tenant's (accents, mixed phone formats, extensions, users without mail, disabled users, guests).
 */
import { describe, expect, it } from 'vitest';
import { generateMailContacts, generateOrgContacts, generateUsers, mailLocalPart } from './seed-data.js';

describe('generated users', () => {
  const users = generateUsers(2000, 4);

  it('are the same for the same seed and differ for another', () => {
    expect(generateUsers(50, 4)).toEqual(users.slice(0, 50));
    expect(generateUsers(50, 5).map((user) => user.id)).not.toEqual(
      users.slice(0, 50).map((user) => user.id),
    );
  });

  it('have unique ids and user principal names', () => {
    expect(new Set(users.map((user) => user.id)).size).toBe(users.length);
    expect(new Set(users.map((user) => user.userPrincipalName.toLowerCase())).size).toBe(users.length);
    expect(
      users.every((user) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(user.id),
      ),
    ).toBe(true);
  });

  it('mix accented names, phone formats, extensions and the awkward cases', () => {
    expect(users.some((user) => /[öüéøłđ]/i.test(user.displayName ?? ''))).toBe(true);
    const phones = users.flatMap((user) => user.businessPhones);
    expect(phones.some((phone) => phone.startsWith('+49 30 1234-'))).toBe(true);
    expect(phones.some((phone) => phone.startsWith('030 1234'))).toBe(true);
    expect(phones.some((phone) => phone.startsWith('(425) 555-'))).toBe(true);
    const withExtension = users.filter(
      (user) => user.onPremisesExtensionAttributes.extensionAttribute1 !== null,
    );
    expect(withExtension.length / users.length).toBeGreaterThan(0.5);
    const extended = withExtension.find((user) => user.businessPhones.length > 0)!;
    const extension = extended.onPremisesExtensionAttributes.extensionAttribute1!;
    expect(extended.businessPhones[0]!.replace(/\D/g, '').endsWith(extension)).toBe(true);
    expect(users.some((user) => user.mail === null)).toBe(true);
    expect(users.some((user) => !user.accountEnabled)).toBe(true);
    expect(users.some((user) => user.userType === 'Guest' && user.userPrincipalName.includes('#EXT#'))).toBe(
      true,
    );
    expect(
      users.some((user) => user.faxNumber !== null && user.mobilePhone !== null && user.department !== null),
    ).toBe(true);
    expect(new Set(users.map((user) => user.preferredLanguage))).toEqual(
      new Set(['de-DE', 'en-US', 'en-GB', 'fr-FR', null]),
    );
  });

  it('fold names into mail addresses the usual way', () => {
    expect(mailLocalPart('Jörg', 'Müller')).toBe('joerg.mueller');
    expect(mailLocalPart('Łukasz', "O'Brien")).toBe('lukasz.obrien');
    expect(mailLocalPart('Ana María', 'Åström')).toBe('anamaria.astroem');
  });
});

describe('generated contacts', () => {
  it('give orgContacts typed phones and mailbox contacts v1.0 fields', () => {
    const contacts = generateOrgContacts(200, 2);
    expect(new Set(contacts.flatMap((contact) => contact.phones.map((phone) => phone.type)))).toEqual(
      new Set(['business', 'mobile', 'businessFax']),
    );
    const personal = generateMailContacts(20, 3);
    expect(personal[0]).toMatchObject({
      emailAddresses: [{ name: personal[0]!.displayName, address: expect.stringContaining('@') as string }],
      businessPhones: [expect.any(String) as string],
    });
  });
});
