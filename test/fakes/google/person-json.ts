/**
 * A stored person rendered as the People API returns it (CLOUD-APIS.md §2.2): `resourceName` and
 * `etag` always, then only the fields in the mask, each value with its field metadata, the
 * derived parts Google adds (display names, `formattedType`, `canonicalForm`), and empty
 * collections left out rather than sent as `[]`.
 */
import { createHash } from 'node:crypto';
import type { people_v1 } from '@googleapis/people';
import type { CountryCode } from 'libphonenumber-js/max';
import { canonicalForm } from './phone-canonical-form.js';
import type { NameInput, PersonRecord } from './person-record.js';

type Person = people_v1.Schema$Person;
type FieldMetadata = people_v1.Schema$FieldMetadata;

/** How Google spells the standard types for an English-speaking viewer. */
const FORMATTED_TYPES: Readonly<Record<string, string>> = {
  home: 'Home',
  work: 'Work',
  mobile: 'Mobile',
  homeFax: 'Home Fax',
  workFax: 'Work Fax',
  otherFax: 'Other Fax',
  pager: 'Pager',
  workMobile: 'Work Mobile',
  workPager: 'Work Pager',
  main: 'Main',
  googleVoice: 'Google Voice',
  other: 'Other',
  account: 'Account',
  customer: 'Customer',
  network: 'Network',
  organization: 'Organization',
};

export interface RenderOptions {
  readonly fields: ReadonlySet<string>;
  readonly region: CountryCode;
}

const etags = new WeakMap<PersonRecord, string>();

/** Records are replaced on every change, so an etag computed once per record stays right. */
export function etagOf(record: PersonRecord): string {
  let etag = etags.get(record);
  if (etag === undefined) {
    const digest = createHash('sha1').update(`${record.resourceName}:${record.version}`).digest('base64');
    etag = `%Eg${digest.slice(0, 24)}`;
    etags.set(record, etag);
  }
  return etag;
}

function source(record: PersonRecord): people_v1.Schema$Source {
  return { type: record.sourceType, id: record.sourceId };
}

/** The first value of each field is the primary one, as Google marks it. */
function fieldMetadata(record: PersonRecord, index: number): FieldMetadata {
  return index === 0
    ? { primary: true, sourcePrimary: true, source: source(record) }
    : { source: source(record) };
}

function typed(type: string | undefined): { type?: string; formattedType?: string } {
  if (type === undefined) return {};
  return { type, formattedType: FORMATTED_TYPES[type] ?? type };
}

function renderName(name: NameInput, metadata: FieldMetadata): people_v1.Schema$Name {
  const joined = [name.givenName, name.familyName].filter((part) => part !== undefined).join(' ');
  const displayName = name.displayName ?? joined;
  const lastFirst =
    name.familyName !== undefined && name.givenName !== undefined
      ? `${name.familyName}, ${name.givenName}`
      : displayName;
  return {
    metadata,
    displayName,
    ...(name.familyName === undefined ? {} : { familyName: name.familyName }),
    ...(name.givenName === undefined ? {} : { givenName: name.givenName }),
    displayNameLastFirst: lastFirst,
    unstructuredName: displayName,
  };
}

function personMetadata(record: PersonRecord): people_v1.Schema$PersonMetadata {
  const withTime = record.sourceType === 'CONTACT' || record.sourceType === 'OTHER_CONTACT';
  return {
    sources: [
      {
        ...source(record),
        etag: etagOf(record),
        ...(withTime ? { updateTime: record.updateTime } : {}),
        ...(record.sourceType === 'DOMAIN_PROFILE'
          ? { profileMetadata: { objectType: 'PERSON', userTypes: ['GOOGLE_USER', 'GOOGLE_APPS_USER'] } }
          : {}),
      },
    ],
    objectType: 'PERSON',
  };
}

/** Each renderer maps one mask field to its values; an empty result is left out. */
const RENDERERS: Readonly<Record<string, (record: PersonRecord, options: RenderOptions) => unknown[]>> = {
  names: (record) => (record.data.names ?? []).map((name, i) => renderName(name, fieldMetadata(record, i))),
  emailAddresses: (record) =>
    (record.data.emailAddresses ?? []).map((email, i) => ({
      metadata: fieldMetadata(record, i),
      value: email.value,
      ...typed(email.type),
    })),
  phoneNumbers: (record, options) =>
    (record.data.phoneNumbers ?? []).map((phone, i) => {
      const canonical = canonicalForm(phone.value, options.region);
      return {
        metadata: fieldMetadata(record, i),
        value: phone.value,
        ...(canonical === undefined ? {} : { canonicalForm: canonical }),
        ...typed(phone.type),
      };
    }),
  organizations: (record) =>
    (record.data.organizations ?? []).map((org, i) => ({ metadata: fieldMetadata(record, i), ...org })),
  locales: (record) =>
    (record.data.locales ?? []).map((locale, i) => ({
      metadata: fieldMetadata(record, i),
      value: locale.value,
    })),
  externalIds: (record) =>
    (record.data.externalIds ?? []).map((id, i) => ({
      metadata: fieldMetadata(record, i),
      value: id.value,
      ...typed(id.type),
    })),
  userDefined: (record) =>
    (record.data.userDefined ?? []).map((field, i) => ({
      metadata: fieldMetadata(record, i),
      key: field.key,
      value: field.value,
    })),
};

export function renderPerson(record: PersonRecord, options: RenderOptions): Person {
  const person: Record<string, unknown> = { resourceName: record.resourceName, etag: etagOf(record) };
  if (options.fields.has('metadata')) person.metadata = personMetadata(record);
  for (const field of options.fields) {
    const values = RENDERERS[field]?.(record, options) ?? [];
    if (values.length > 0) person[field] = values;
  }
  return person;
}

/** A deletion in a sync answer: identity and `metadata.deleted`, whatever the mask. */
export function renderDeleted(record: PersonRecord): Person {
  return {
    resourceName: record.resourceName,
    etag: etagOf(record),
    metadata: { ...personMetadata(record), deleted: true },
  };
}

/** A page of a listing or a sync, deletions included. */
export function renderListed(
  people: readonly { readonly record: PersonRecord; readonly deleted: boolean }[],
  options: RenderOptions,
): Person[] {
  return people.map(({ record, deleted }) =>
    deleted ? renderDeleted(record) : renderPerson(record, options),
  );
}
