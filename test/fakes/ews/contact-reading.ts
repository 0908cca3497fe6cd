/**
 * Reading dictionary values from the library's Contact the safe way: `_getItem` on a missing key
 * throws a TypeError (CLOUD-APIS §3.2), `TryGetValue` does not. A contact loaded without the
 * dictionary at all has none, which reads as undefined here too.
 */
import {
  Contact,
  type EmailAddressKey,
  type Item,
  type PhoneNumberKey,
  type PhysicalAddressEntry,
  type PhysicalAddressKey,
} from 'ews-javascript-api';

export function phoneOf(contact: Contact, key: PhoneNumberKey): string | undefined {
  const out = { outValue: null as string | null };
  return dictionaryOf(contact, 'PhoneNumbers') &&
    contact.PhoneNumbers.TryGetValue(key, out as { outValue: string })
    ? (out.outValue ?? undefined)
    : undefined;
}

export function emailOf(contact: Contact, key: EmailAddressKey): string | undefined {
  const out = { outValue: null as { Address: string } | null };
  if (!dictionaryOf(contact, 'EmailAddresses')) return undefined;
  const found = contact.EmailAddresses.TryGetValue(key, out as never);
  return found ? out.outValue?.Address : undefined;
}

export function addressOf(contact: Contact, key: PhysicalAddressKey): PhysicalAddressEntry | undefined {
  const out = { outValue: null as PhysicalAddressEntry | null };
  if (!dictionaryOf(contact, 'PhysicalAddresses')) return undefined;
  return contact.PhysicalAddresses.TryGetValue(key, out as { outValue: PhysicalAddressEntry })
    ? (out.outValue ?? undefined)
    : undefined;
}

/** Whether the contact was loaded with this dictionary (reading an unloaded property throws). */
function dictionaryOf(
  contact: Contact,
  name: 'PhoneNumbers' | 'EmailAddresses' | 'PhysicalAddresses',
): boolean {
  try {
    const loaded: unknown = contact[name];
    return loaded !== undefined && loaded !== null;
  } catch {
    return false;
  }
}

/** The item as a Contact (FindItems and sync changes are typed as Item). */
export function asContact(item: Item): Contact {
  if (!(item instanceof Contact)) throw new Error('not a contact');
  return item;
}
