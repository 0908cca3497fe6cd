/**
 * People API persons as records in the source's own field names. The id is the person's
 * `resourceName` (`people/<id>`); a domain profile is a user, a domain shared contact a contact.
 * Telephone numbers are split by type, each in its E.164 `canonicalForm` where Google gives one:
 * the first `work` number is `workPhone` (AD's telephoneNumber), further work numbers and types
 * without a field of their own are `otherPhones`.
 */
import type { people_v1 } from '@googleapis/people';
import type { SourceRecord } from '../source.js';

type Person = people_v1.Schema$Person;
type Fields = Record<string, string[]>;

/** The person fields the directory feed asks for (`readMask`). */
export const PERSON_FIELDS = [
  'names',
  'emailAddresses',
  'phoneNumbers',
  'organizations',
  'locales',
  'externalIds',
  'userDefined',
  'metadata',
] as const;

/** What "other contacts" hold (the API refuses more in their `readMask`). */
export const OTHER_CONTACT_FIELDS = ['names', 'emailAddresses', 'phoneNumbers', 'metadata'] as const;

/** Phone types with a field of their own; the rest go to `otherPhones`. */
const PHONE_FIELDS: Readonly<Record<string, string>> = {
  mobile: 'mobilePhone',
  workFax: 'workFax',
  home: 'homePhone',
  pager: 'pager',
};

export const RECORD_FIELDS: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'resourceName', description: "the person's resource name (`people/<id>`), the record's id" },
  { name: 'sourceType', description: '`DOMAIN_PROFILE` (a user) or `DOMAIN_CONTACT` (a shared contact)' },
  { name: 'displayName', description: 'names: the display name' },
  { name: 'givenName', description: 'names: the given name' },
  { name: 'familyName', description: 'names: the family name' },
  { name: 'mail', description: 'emailAddresses: the primary (else the first) address' },
  { name: 'emailAddresses', description: 'emailAddresses: every address' },
  { name: 'workPhone', description: 'phoneNumbers: the first of type work (E.164 where Google can read it)' },
  { name: 'mobilePhone', description: 'phoneNumbers: type mobile' },
  { name: 'workFax', description: 'phoneNumbers: type workFax' },
  { name: 'homePhone', description: 'phoneNumbers: type home' },
  { name: 'pager', description: 'phoneNumbers: type pager' },
  {
    name: 'otherPhones',
    description: 'phoneNumbers: further work numbers and every other type (workMobile, main, other, ...)',
  },
  { name: 'company', description: 'organizations: the name' },
  { name: 'title', description: 'organizations: the job title' },
  { name: 'department', description: 'organizations: the department' },
  { name: 'preferredLanguage', description: 'locales: the first (an IETF tag such as `de`)' },
  { name: 'employeeId', description: 'externalIds of type organization (the employee id)' },
  {
    name: 'userDefined.<key>',
    description:
      'userDefined: a custom field by its key (`userDefined.extension` for the key `extension`), e.g. to map to ipPhone',
  },
  { name: 'owner', description: 'userContacts: the user whose own contact (or other contact) this is' },
];

export function personRecord(person: Person): SourceRecord | undefined {
  const id = person.resourceName;
  if (typeof id !== 'string' || id === '') return undefined;
  const sourceType = sourceTypeOf(person);
  const fields: Fields = { resourceName: [id] };
  if (sourceType) fields.sourceType = [sourceType];
  const name = primary(person.names);
  put(fields, 'displayName', name?.displayName);
  put(fields, 'givenName', name?.givenName);
  put(fields, 'familyName', name?.familyName);
  const emails = (person.emailAddresses ?? []).flatMap((entry) => text(entry.value));
  if (emails.length > 0) {
    fields.emailAddresses = emails;
    put(fields, 'mail', primary(person.emailAddresses)?.value ?? emails[0]);
  }
  for (const phone of person.phoneNumbers ?? []) {
    const number = text(phone.canonicalForm)[0] ?? text(phone.value)[0];
    if (number === undefined) continue;
    const type = phone.type ?? '';
    if (type === 'work' && fields.workPhone === undefined) fields.workPhone = [number];
    else add(fields, PHONE_FIELDS[type] ?? 'otherPhones', number);
  }
  const organization = primary(person.organizations);
  put(fields, 'company', organization?.name);
  put(fields, 'title', organization?.title);
  put(fields, 'department', organization?.department);
  put(fields, 'preferredLanguage', person.locales?.[0]?.value);
  for (const external of person.externalIds ?? [])
    if (external.type === 'organization') put(fields, 'employeeId', external.value);
  for (const custom of person.userDefined ?? [])
    if (typeof custom.key === 'string' && custom.key !== '')
      add(fields, `userDefined.${custom.key}`, ...text(custom.value));
  return {
    id,
    ...(sourceType === 'DOMAIN_CONTACT' ? { kind: 'contact' } : sourceType ? { kind: 'user' } : {}),
    fields,
  };
}

/**
 * One of a user's own contacts: a contact whatever its source, its id the user's address and its
 * resource name (resource names are the user's own, not the domain's), and the user as `owner`.
 */
export function contactRecord(person: Person, user: string): SourceRecord | undefined {
  const record = personRecord(person);
  if (!record) return undefined;
  return {
    id: contactId(user, record.id),
    kind: 'contact',
    fields: { ...record.fields, owner: [user] },
  };
}

export function contactId(user: string, resourceName: string): string {
  return `${user.toLowerCase()}/${resourceName}`;
}

/** The phone types a person holds (for `fields`). */
export function phoneTypes(person: Person): string[] {
  return (person.phoneNumbers ?? []).map((phone) => phone.type ?? '(no type)');
}

function sourceTypeOf(person: Person): string | undefined {
  const types = (person.metadata?.sources ?? []).map((source) => source.type);
  if (types.includes('DOMAIN_PROFILE')) return 'DOMAIN_PROFILE';
  if (types.includes('DOMAIN_CONTACT')) return 'DOMAIN_CONTACT';
  return undefined;
}

/** The entry marked primary, else the first. */
function primary<T extends { metadata?: people_v1.Schema$FieldMetadata }>(
  entries: readonly T[] | undefined,
): T | undefined {
  return entries?.find((entry) => entry.metadata?.primary === true) ?? entries?.[0];
}

function put(fields: Fields, name: string, value: string | null | undefined): void {
  const values = text(value);
  if (values.length > 0 && fields[name] === undefined) fields[name] = values;
}

function add(fields: Fields, name: string, ...values: string[]): void {
  if (values.length > 0) fields[name] = [...(fields[name] ?? []), ...values];
}

function text(value: string | null | undefined): string[] {
  return typeof value === 'string' && value !== '' ? [value] : [];
}
