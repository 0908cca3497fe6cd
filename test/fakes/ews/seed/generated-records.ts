/**
 * Many records, deterministically: the n-th contact or GAL person is always the same, so paging and
 * limit tests can seed thousands and know what comes back.
 */
import type { ContactData } from '../store/contact.js';
import type { GalEntry } from '../store/gal.js';

const GIVEN = ['Anna', 'Ben', 'Chloé', 'David', 'Emre', 'Fatma', 'Günther', 'Hélène', 'Igor', 'Jana'];
const FAMILY = [
  'Schmidt',
  'Šimek',
  'Larsen',
  'Nowak',
  'García',
  'Rossi',
  'Dubois',
  'Yılmaz',
  'Ødegaard',
  'Kowalski',
];
const COMPANY = ['Fabrikam', 'Northwind Traders', 'Litware', 'Adventure Works', 'Woodgrove Bank'];

/** Contact number `n` (from 0): a name, a company, an address and two numbers in different styles. */
export function generatedContact(n: number): ContactData {
  const given = GIVEN[n % GIVEN.length]!;
  const family = `${FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length]!}${n >= 100 ? ` ${Math.floor(n / 100)}` : ''}`;
  const digits = String(n).padStart(4, '0');
  return {
    displayName: `${given} ${family}`,
    givenName: given,
    surname: family,
    companyName: COMPANY[n % COMPANY.length],
    emailAddresses: { EmailAddress1: `contact${digits}@example.com` },
    phoneNumbers: { BusinessPhone: `+49 30 555-${digits}`, MobilePhone: `0171 55${digits}` },
  };
}

export function generatedContacts(count: number, first = 0): ContactData[] {
  return Array.from({ length: count }, (_, index) => generatedContact(first + index));
}

/** `count` GAL mailboxes whose surnames all start with `surnamePrefix` (to overflow ResolveNames' 100). */
export function generatedGalPeople(count: number, surnamePrefix: string): GalEntry[] {
  return Array.from({ length: count }, (_, n) => {
    const digits = String(n).padStart(3, '0');
    const surname = `${surnamePrefix}${digits}`;
    const alias = `${surnamePrefix.toLowerCase()}${digits}`;
    return {
      kind: 'user',
      displayName: `Test ${surname}`,
      givenName: 'Test',
      surname,
      alias,
      proxyAddresses: [`SMTP:${alias}@contoso.com`],
      phoneNumbers: { BusinessPhone: `+49 30 9999-${digits}` },
    };
  });
}
