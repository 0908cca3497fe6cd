/**
 * Graph's JSON objects as records in the source's own field names: each property a field (strings
 * as they are, numbers and booleans written out, lists as several values, nulls left out), plus the
 * derived fields of graph-properties.ts: a contact's postal address goes under a user's property
 * names, so one map serves both. The record's id is the object id, its UUID where the id is
 * one (users' and organisational contacts' ids are GUIDs; a mailbox contact's id is Exchange's long
 * item id, from which the directory derives the entry's UUID).
 */
import type { SourceRecord } from '../source.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Fields = Record<string, string[]>;

export function userRecord(user: Readonly<Record<string, unknown>>): SourceRecord | undefined {
  const fields = scalarFields(user);
  splitBusinessPhones(fields);
  const extensions = user.onPremisesExtensionAttributes;
  if (typeof extensions === 'object' && extensions !== null) {
    for (const [name, value] of Object.entries(extensions)) {
      if (typeof value === 'string' && value !== '') fields[name] = [value];
    }
  }
  return record(user, fields, 'user');
}

/** An organisational contact, its phones by type under a user's property names. */
export function orgContactRecord(contact: Readonly<Record<string, unknown>>): SourceRecord | undefined {
  const fields = scalarFields(contact);
  const byType = new Map<string, string[]>();
  for (const phone of listOf(contact.phones)) {
    const { type, number } = phone as { type?: unknown; number?: unknown };
    if (typeof type === 'string' && typeof number === 'string' && number !== '')
      byType.set(type, [...(byType.get(type) ?? []), number]);
  }
  const business = byType.get('business') ?? [];
  if (business.length > 0) {
    fields.businessPhones = business;
    fields.firstBusinessPhone = [business[0]!];
    if (business.length > 1) fields.otherBusinessPhones = business.slice(1);
  }
  if (byType.has('mobile')) fields.mobilePhone = byType.get('mobile')!;
  if (byType.has('businessFax')) fields.faxNumber = byType.get('businessFax')!;
  const [address] = listOf(contact.addresses) as { officeLocation?: unknown }[];
  if (typeof address?.officeLocation === 'string' && address.officeLocation !== '')
    fields.officeLocation = [address.officeLocation];
  addPostalAddress(fields, address);
  return record(contact, fields, 'contact');
}

/**
 * A personal contact from a mailbox folder: its first e-mail address as `mail` and all of them as
 * `emailAddresses`, its office numbers split as a user's, and the mailbox it is kept in.
 */
export function mailboxContactRecord(
  contact: Readonly<Record<string, unknown>>,
  mailbox: string,
): SourceRecord | undefined {
  const fields = scalarFields(contact);
  const addresses = listOf(contact.emailAddresses).flatMap((entry) => {
    const address = (entry as { address?: unknown } | null)?.address;
    return typeof address === 'string' && address !== '' ? [address] : [];
  });
  if (addresses.length > 0) {
    fields.emailAddresses = addresses;
    fields.mail = [addresses[0]!];
  }
  splitBusinessPhones(fields);
  // The business address, else the home one, whole: a street is never paired with another address's city.
  addPostalAddress(fields, [contact.businessAddress, contact.homeAddress].find(holdsAddress));
  fields.mailbox = [mailbox];
  return record(contact, fields, 'contact');
}

/** The first office number apart from the others, so AD's telephoneNumber/otherTelephone map them. */
function splitBusinessPhones(fields: Fields): void {
  const phones = fields.businessPhones ?? [];
  if (phones.length > 0) fields.firstBusinessPhone = [phones[0]!];
  if (phones.length > 1) fields.otherBusinessPhones = phones.slice(1);
}

/** A contact's address parts (Graph's physicalAddress and physicalOfficeAddress) -> a user's names. */
const ADDRESS_PARTS: readonly (readonly [part: string, field: string])[] = [
  ['street', 'streetAddress'],
  ['city', 'city'],
  ['state', 'state'],
  ['postalCode', 'postalCode'],
  ['countryOrRegion', 'country'],
];

function holdsAddress(address: unknown): boolean {
  if (typeof address !== 'object' || address === null) return false;
  const parts = address as Record<string, unknown>;
  return ADDRESS_PARTS.some(([part]) => text(parts[part]).length > 0);
}

function addPostalAddress(fields: Fields, address: unknown): void {
  if (!holdsAddress(address)) return;
  const parts = address as Record<string, unknown>;
  for (const [part, field] of ADDRESS_PARTS) {
    const values = text(parts[part]);
    if (values.length > 0) fields[field] = values;
  }
}

function record(
  object: Readonly<Record<string, unknown>>,
  fields: Fields,
  kind: 'user' | 'contact',
): SourceRecord | undefined {
  const id = object.id;
  if (typeof id !== 'string' || id === '') return undefined;
  return { id, ...(GUID.test(id) ? { uuid: id.toLowerCase() } : {}), kind, fields };
}

/** Every property that holds text, a number, a boolean or a list of them. */
function scalarFields(object: Readonly<Record<string, unknown>>): Fields {
  const fields: Fields = {};
  for (const [name, value] of Object.entries(object)) {
    if (name.startsWith('@')) continue;
    const values = (Array.isArray(value) ? value : [value]).flatMap(text);
    if (values.length > 0) fields[name] = values;
  }
  return fields;
}

function text(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [];
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
