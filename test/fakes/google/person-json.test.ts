/**
 * Person shapes (CLOUD-APIS.md §2.2) and the seed data behind them: canonicalForm present when a
 * number is readable and absent otherwise, empty collections left out, fields limited to the mask,
 * and generated people as varied as real directories.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { PeopleCollection } from './people-collection.js';
import { PersonIds } from './person-ids.js';
import { renderDeleted, renderPerson } from './person-json.js';
import { computeCanonicalForm, canonicalForm } from './phone-canonical-form.js';
import { directoryPerson, personalContact, SEED_REGION } from './seed-people.js';

function collection(): PeopleCollection {
  return new PeopleCollection(new FakeClock(), new PersonIds(), 'CONTACT');
}

describe('renderPerson', () => {
  const contacts = collection();
  const record = contacts.add({
    names: [{ givenName: 'Jörg', familyName: 'Müller' }],
    phoneNumbers: [
      { value: '030 1234567', type: 'work' },
      { value: '4711', type: 'workFax' },
      { value: '+1 (415) 555-0132', type: 'googleVoice' },
      { value: '0171 2345678', type: 'Zentrale' },
    ],
    emailAddresses: [],
    externalIds: [{ value: 'EMP-1', type: 'organization' }],
  });

  it('renders the values Google derives, and canonicalForm only where a number reads', () => {
    const person = renderPerson(record, {
      fields: new Set(['names', 'phoneNumbers', 'externalIds']),
      region: 'DE',
    });
    expect(person.resourceName).toMatch(/^people\/c\d+$/);
    expect(person.etag).toMatch(/^%Eg/);
    expect(person.names?.[0]).toMatchObject({
      displayName: 'Jörg Müller',
      displayNameLastFirst: 'Müller, Jörg',
      givenName: 'Jörg',
      familyName: 'Müller',
      metadata: { primary: true, source: { type: 'CONTACT', id: record.sourceId } },
    });
    expect(record.sourceId).toBe(BigInt(record.resourceName.slice('people/c'.length)).toString(16));
    expect(
      person.phoneNumbers?.map(({ value, canonicalForm: e164, type, formattedType }) => [
        value,
        e164,
        type,
        formattedType,
      ]),
    ).toEqual([
      ['030 1234567', '+49301234567', 'work', 'Work'],
      ['4711', undefined, 'workFax', 'Work Fax'],
      ['+1 (415) 555-0132', '+14155550132', 'googleVoice', 'Google Voice'],
      ['0171 2345678', '+491712345678', 'Zentrale', 'Zentrale'],
    ]);
    expect(person.phoneNumbers?.[1]).not.toHaveProperty('canonicalForm');
    expect(person.externalIds?.[0]).toMatchObject({
      value: 'EMP-1',
      type: 'organization',
      formattedType: 'Organization',
    });
  });

  it('reads national numbers in the domain’s region', () => {
    const vienna = collection().add({ phoneNumbers: [{ value: '01 2345678', type: 'work' }] });
    const fields = new Set(['phoneNumbers']);
    expect(renderPerson(vienna, { fields, region: 'AT' }).phoneNumbers?.[0]?.canonicalForm).toBe(
      '+4312345678',
    );
    expect(renderPerson(vienna, { fields, region: 'DE' }).phoneNumbers?.[0]?.canonicalForm).toBeUndefined();
  });

  it('leaves out fields outside the mask and empty collections', () => {
    const person = renderPerson(record, {
      fields: new Set(['emailAddresses', 'organizations', 'names']),
      region: 'DE',
    });
    expect(Object.keys(person).sort()).toEqual(['etag', 'names', 'resourceName']);
  });

  it('renders a deletion with identity and metadata.deleted only', () => {
    contacts.delete(record.resourceName);
    const gone = renderDeleted({ ...record, version: record.version + 1 });
    expect(gone).toEqual({
      resourceName: record.resourceName,
      etag: expect.any(String) as unknown,
      metadata: {
        sources: [expect.objectContaining({ type: 'CONTACT', id: record.sourceId }) as unknown],
        objectType: 'PERSON',
        deleted: true,
      },
    });
  });
});

describe('seed data', () => {
  const people = Array.from({ length: 400 }, (_, i) => directoryPerson(i, 'example.com'));

  it('is the same for the same index and seed', () => {
    expect(directoryPerson(123, 'example.com')).toEqual(people[123]);
    expect(directoryPerson(123, 'example.com', 2)).not.toEqual(people[123]);
  });

  it('primes canonical forms that agree with libphonenumber', () => {
    const values = [...people, ...Array.from({ length: 100 }, (_, i) => personalContact(i))].flatMap(
      (person) => person.phoneNumbers ?? [],
    );
    for (const { value } of values) {
      expect([value, canonicalForm(value, SEED_REGION)]).toEqual([
        value,
        computeCanonicalForm(value, SEED_REGION),
      ]);
    }
  });

  it('mixes accented names, number forms with and without canonicalForm, locales and ids', () => {
    const names = people
      .flatMap((person) => person.names ?? [])
      .map((name) => `${name.givenName} ${name.familyName}`);
    expect(names.some((name) => /[^ -~]/.test(name))).toBe(true);
    const phones = people.flatMap((person) => person.phoneNumbers ?? []);
    expect(phones.some((phone) => phone.value.startsWith('+'))).toBe(true);
    expect(phones.some((phone) => phone.value.startsWith('0'))).toBe(true);
    expect(phones.some((phone) => canonicalForm(phone.value, SEED_REGION) === undefined)).toBe(true);
    expect(new Set(phones.map((phone) => phone.type))).toEqual(
      new Set(['work', 'mobile', 'workMobile', 'workFax', 'home', 'other', 'googleVoice', 'pager']),
    );
    expect(new Set(people.map((person) => person.locales?.[0]?.value)).size).toBeGreaterThan(5);
    const emails = people.map((person) => person.emailAddresses?.[0]?.value);
    expect(new Set(emails).size).toBe(people.length);
    expect(emails.every((email) => /^[a-z.0-9]+@example\.com$/.test(email ?? ''))).toBe(true);
    expect(people.some((person) => person.externalIds?.some((id) => id.type !== 'organization'))).toBe(true);
  });
});
