/**
 * A contact as a record: its EWS item id as the stable id, kind contact, and its fields under the
 * names of contact-properties.ts. The library throws when an unloaded property is read, and
 * `_getItem` throws on a missing dictionary key (CLOUD-APIS §3.2), so every read here is one that
 * cannot: a guarded getter, and the dictionaries' TryGetValue.
 */
import {
  Contact,
  EmailAddressKey,
  PhoneNumberKey,
  PhysicalAddressKey,
  type EmailAddress,
  type Item,
  type PhysicalAddressEntry,
} from 'ews-javascript-api';
import type { SourceRecord } from '../source.js';
import {
  ADDRESS_KEYS,
  ADDRESS_PARTS,
  addressField,
  EMAIL_KEYS,
  OTHER_PHONE_KEYS,
  PHONE_KEYS,
  TEXT_PROPERTIES,
} from './contact-fields.js';

/** Where a contact is kept, for its `mailbox` and `folder` fields. */
export interface ContactPlace {
  /** The mailbox's SMTP address when it is a listed one (impersonated). */
  readonly mailbox?: string;
  readonly folder: string;
}

export function contactRecord(item: Item, place: ContactPlace): SourceRecord | undefined {
  if (!(item instanceof Contact)) return undefined; // a distribution list kept among the contacts
  const id = loaded(() => item.Id.UniqueId);
  if (typeof id !== 'string' || id === '') return undefined;
  const fields = contactFields(item);
  if (place.mailbox) fields.mailbox = [place.mailbox];
  if (place.folder) fields.folder = [place.folder];
  return { id, kind: 'contact', fields };
}

/** A contact's properties as fields, whether a mailbox item or an address book entry. */
export function contactFields(item: Contact): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  const put = (name: string, value: unknown): void => {
    const text = typeof value === 'string' ? value.trim() : '';
    if (text) fields[name] = [text];
  };
  for (const name of TEXT_PROPERTIES)
    put(
      name,
      loaded(() => (item as unknown as Record<string, unknown>)[name]),
    );
  const addresses = loaded(() => item.EmailAddresses);
  for (const key of EMAIL_KEYS)
    put(key, withoutRoutingPrefix(entryOf<EmailAddress>(addresses, EmailAddressKey[key])?.Address));
  const smtp = EMAIL_KEYS.map((key) => fields[key]?.[0]).find(
    (address) => address !== undefined && isSmtp(address),
  );
  put('smtpAddress', smtp);
  const phones = loaded(() => item.PhoneNumbers);
  for (const key of PHONE_KEYS) put(key, entryOf<string>(phones, PhoneNumberKey[key]));
  const others = OTHER_PHONE_KEYS.flatMap((key) => fields[key] ?? []);
  if (others.length > 0) fields.otherPhones = others;
  const physical = loaded(() => item.PhysicalAddresses);
  for (const key of ADDRESS_KEYS) {
    const entry = entryOf<PhysicalAddressEntry>(physical, PhysicalAddressKey[key]) as unknown as
      Record<string, unknown> | undefined;
    if (entry === undefined) continue;
    for (const part of ADDRESS_PARTS)
      put(
        addressField(key, part),
        loaded(() => entry[part]),
      );
  }
  return fields;
}

/** A property's value as a string, or undefined when it is not loaded, empty or not a string. */
function loaded<T>(read: () => T): T | undefined {
  try {
    const value = read();
    return value === null ? undefined : value;
  } catch {
    return undefined;
  }
}

/** A dictionary's entry, or undefined when the dictionary is not loaded or has no such key. */
function entryOf<T>(
  dictionary: { TryGetValue(key: number, out: { outValue: T }): boolean } | undefined,
  key: number,
): T | undefined {
  const out = { outValue: undefined as unknown as T };
  return dictionary?.TryGetValue(key, out) === true ? (out.outValue ?? undefined) : undefined;
}

/** Exchange writes directory addresses with their routing type (`SMTP:alice@contoso.com`). */
export function withoutRoutingPrefix(address: string | undefined): string | undefined {
  return address?.replace(/^smtp:/i, '');
}

/** An Internet address, not an Exchange legacy DN (`/o=Contoso/ou=.../cn=Recipients/cn=...`). */
function isSmtp(address: string): boolean {
  return !address.startsWith('/') && /^[^@\s]+@[^@\s]+$/.test(address);
}
