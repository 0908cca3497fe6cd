/** Graph objects as records: a contact's postal address under a user's field names. */
import { describe, expect, it } from 'vitest';
import {
  mailboxContactRecord,
  orgContactRecord,
  userRecord,
} from '../../../src/sources/graph/graph-records.js';

const ID = '4d3c2b1a-0000-4000-8000-000000000001';
const address = (street: string | null, city: string | null) => ({
  street,
  city,
  state: null,
  postalCode: city === null ? null : '10115',
  countryOrRegion: city === null ? null : 'DE',
});

describe('graph records', () => {
  it("keep a user's address properties as they are", () => {
    const user = userRecord({ id: ID, streetAddress: 'Unter den Linden 1', city: 'Berlin', country: 'DE' });
    expect(user?.fields).toMatchObject({
      streetAddress: ['Unter den Linden 1'],
      city: ['Berlin'],
      country: ['DE'],
    });
  });

  it("give an organisational contact's first address a user's names", () => {
    const contact = orgContactRecord({
      id: ID,
      addresses: [
        { officeLocation: 'Haus B', ...address('Hauptstraße 3', 'Berlin') },
        address('Elsewhere 9', 'Köln'),
      ],
    });
    expect(contact?.fields).toEqual({
      id: [ID],
      officeLocation: ['Haus B'],
      streetAddress: ['Hauptstraße 3'],
      city: ['Berlin'],
      postalCode: ['10115'],
      country: ['DE'],
    });
  });

  it("take a mailbox contact's business address, else its home address, never parts of both", () => {
    const business = mailboxContactRecord(
      { id: 'AAMk1', businessAddress: address(null, 'Berlin'), homeAddress: address('Home 1', 'Köln') },
      'ada@contoso.com',
    );
    expect(business?.fields).toMatchObject({ city: ['Berlin'], country: ['DE'] });
    expect(business?.fields.streetAddress).toBeUndefined();
    const home = mailboxContactRecord(
      { id: 'AAMk2', businessAddress: address(null, null), homeAddress: address('Home 1', 'Köln') },
      'ada@contoso.com',
    );
    expect(home?.fields).toMatchObject({ streetAddress: ['Home 1'], city: ['Köln'] });
    const none = mailboxContactRecord({ id: 'AAMk3', businessAddress: null }, 'ada@contoso.com');
    expect(Object.keys(none?.fields ?? {}).sort()).toEqual(['id', 'mailbox']);
  });
});
