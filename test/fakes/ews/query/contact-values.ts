/**
 * The value of a property path (FieldURI, or IndexedFieldURI with its FieldIndex) on a stored contact,
 * for restrictions and sort orders.
 */
import {
  fileAsOf,
  subjectOf,
  type AddressKey,
  type AddressPart,
  type ContactData,
  type EmailKey,
  type ImKey,
  type PhoneKey,
  type StoredContact,
} from '../store/contact.js';
import type { PropertyPath } from './property-path.js';

const SCALARS: Readonly<Record<string, (data: ContactData) => string | undefined>> = {
  'item:Subject': subjectOf,
  'contacts:FileAs': fileAsOf,
  'contacts:DisplayName': (data) => data.displayName,
  'contacts:GivenName': (data) => data.givenName,
  'contacts:MiddleName': (data) => data.middleName,
  'contacts:Surname': (data) => data.surname,
  'contacts:Initials': (data) => data.initials,
  'contacts:Nickname': (data) => data.nickname,
  'contacts:CompanyName': (data) => data.companyName,
  'contacts:Department': (data) => data.department,
  'contacts:JobTitle': (data) => data.jobTitle,
  'contacts:OfficeLocation': (data) => data.officeLocation,
  'contacts:Manager': (data) => data.manager,
  'contacts:AssistantName': (data) => data.assistantName,
  'contacts:Notes': (data) => data.notes,
};

export function contactValue(contact: StoredContact, path: PropertyPath): string | undefined {
  const data = contact.data;
  if (path.uri === 'item:ItemClass') return 'IPM.Contact';
  const scalar = SCALARS[path.uri];
  if (scalar !== undefined) return scalar(data);
  if (path.index === undefined) return undefined;
  if (path.uri === 'contacts:EmailAddress') return data.emailAddresses?.[path.index as EmailKey];
  if (path.uri === 'contacts:PhoneNumber') return data.phoneNumbers?.[path.index as PhoneKey];
  if (path.uri === 'contacts:ImAddress') return data.imAddresses?.[path.index as ImKey];
  const part = /^contacts:PhysicalAddress:(\w+)$/.exec(path.uri)?.[1];
  if (part !== undefined) return data.physicalAddresses?.[path.index as AddressKey]?.[part as AddressPart];
  return undefined;
}

/** The text a full-text (AQS) search sees: names, company, job, addresses, numbers. */
export function searchableText(contact: StoredContact): string[] {
  const data = contact.data;
  return [
    data.displayName,
    data.givenName,
    data.middleName,
    data.surname,
    data.nickname,
    data.companyName,
    data.department,
    data.jobTitle,
    data.officeLocation,
    ...Object.values(data.emailAddresses ?? {}),
    ...Object.values(data.phoneNumbers ?? {}),
  ].filter((value): value is string => value !== undefined && value !== '');
}
