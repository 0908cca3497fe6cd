/**
 * A contact as it is about to be written: a mailbox or public folder item, or a GAL entry as
 * ResolveNames returns it (with Culture, ContactSource, Alias and `SMTP:`-prefixed addresses, no id).
 * One renderer writes both, so both follow the same schema order.
 */
import {
  fileAsOf,
  subjectOf,
  type AddressKey,
  type EmailKey,
  type ImKey,
  type PhoneKey,
  type PhysicalAddress,
  type StoredContact,
} from '../store/contact.js';
import type { GalEntry } from '../store/gal.js';

export interface ItemRef {
  readonly id: string;
  readonly changeKey: string;
}

export interface ContactView {
  readonly itemId?: ItemRef;
  readonly parentFolderId?: ItemRef;
  readonly itemClass?: string;
  readonly subject?: string;
  readonly created?: Date;
  readonly culture?: string;
  readonly lastModified?: Date;
  readonly fileAs?: string;
  readonly displayName?: string;
  readonly givenName?: string;
  readonly initials?: string;
  readonly middleName?: string;
  readonly nickname?: string;
  readonly companyName?: string;
  readonly emailAddresses: readonly (readonly [EmailKey, string])[];
  readonly physicalAddresses: readonly (readonly [AddressKey, PhysicalAddress])[];
  readonly phoneNumbers: readonly (readonly [PhoneKey, string])[];
  readonly assistantName?: string;
  readonly contactSource?: 'ActiveDirectory' | 'Store';
  readonly department?: string;
  readonly imAddresses: readonly (readonly [ImKey, string])[];
  readonly jobTitle?: string;
  readonly manager?: string;
  readonly officeLocation?: string;
  readonly surname?: string;
  readonly alias?: string;
  readonly notes?: string;
}

export function storedContactView(contact: StoredContact, parentChangeKey: string): ContactView {
  const data = contact.data;
  return {
    itemId: { id: contact.id, changeKey: contact.changeKey },
    parentFolderId: { id: contact.folderId, changeKey: parentChangeKey },
    itemClass: 'IPM.Contact',
    subject: subjectOf(data),
    created: contact.created,
    lastModified: contact.lastModified,
    fileAs: fileAsOf(data),
    displayName: data.displayName,
    givenName: data.givenName,
    initials: data.initials,
    middleName: data.middleName,
    nickname: data.nickname,
    companyName: data.companyName,
    emailAddresses: entries(data.emailAddresses),
    physicalAddresses: entries(data.physicalAddresses),
    phoneNumbers: entries(data.phoneNumbers),
    assistantName: data.assistantName,
    department: data.department,
    imAddresses: entries(data.imAddresses),
    jobTitle: data.jobTitle,
    manager: data.manager,
    officeLocation: data.officeLocation,
    surname: data.surname,
    notes: data.notes,
  };
}

/** The first three proxy addresses, primary first, keep their routing prefix (`SMTP:`, `smtp:`, `sip:`). */
export function galContactView(entry: GalEntry): ContactView {
  const addresses = [...entry.proxyAddresses].sort((a, b) => rank(a) - rank(b)).slice(0, 3);
  const emailKeys: readonly EmailKey[] = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'];
  return {
    culture: entry.culture ?? 'en-US',
    displayName: entry.displayName,
    givenName: entry.givenName,
    initials: entry.initials,
    companyName: entry.companyName,
    emailAddresses: addresses.map((address, index) => [emailKeys[index]!, address] as const),
    physicalAddresses:
      entry.businessAddress === undefined ? [] : [['Business', entry.businessAddress] as const],
    phoneNumbers: entries(entry.phoneNumbers),
    contactSource: 'ActiveDirectory',
    department: entry.department,
    imAddresses: [],
    jobTitle: entry.jobTitle,
    officeLocation: entry.officeLocation,
    surname: entry.surname,
    alias: entry.alias,
  };
}

/** Primary SMTP first, then other SMTP addresses, then everything else, each in stored order. */
function rank(address: string): number {
  if (address.startsWith('SMTP:')) return 0;
  return address.toLowerCase().startsWith('smtp:') ? 1 : 2;
}

function entries<K extends string, V>(dictionary: Partial<Record<K, V>> | undefined): (readonly [K, V])[] {
  if (dictionary === undefined) return [];
  const result: (readonly [K, V])[] = [];
  for (const key of Object.keys(dictionary) as K[]) {
    const value = dictionary[key];
    if (value !== undefined && value !== '') result.push([key, value] as const);
  }
  return result;
}
