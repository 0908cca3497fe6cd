/**
 * A contact as the fake stores it: the properties of EWS ContactItemType that a phone directory reads,
 * with the dictionary keys Exchange uses (EmailAddress1..3, the 19 PhoneNumberKey values,
 * Business/Home/Other addresses, ImAddress1..3). Dictionary entries are written in the order they
 * were stored: Exchange's own order is not published, and the captured responses only show that
 * BusinessPhone, MobilePhone, BusinessFax, HomePhone come in that order.
 */
export const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
export type EmailKey = (typeof EMAIL_KEYS)[number];

/** The PhoneNumberKeyType enumeration. */
export const PHONE_KEYS = [
  'AssistantPhone',
  'BusinessFax',
  'BusinessPhone',
  'BusinessPhone2',
  'Callback',
  'CarPhone',
  'CompanyMainPhone',
  'HomeFax',
  'HomePhone',
  'HomePhone2',
  'Isdn',
  'MobilePhone',
  'OtherFax',
  'OtherTelephone',
  'Pager',
  'PrimaryPhone',
  'RadioPhone',
  'Telex',
  'TtyTddPhone',
] as const;
export type PhoneKey = (typeof PHONE_KEYS)[number];

export const ADDRESS_KEYS = ['Business', 'Home', 'Other'] as const;
export type AddressKey = (typeof ADDRESS_KEYS)[number];

/** In the element order of PhysicalAddressDictionaryEntryType. */
export const ADDRESS_PARTS = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];
export type PhysicalAddress = Partial<Record<AddressPart, string>>;

export const IM_KEYS = ['ImAddress1', 'ImAddress2', 'ImAddress3'] as const;
export type ImKey = (typeof IM_KEYS)[number];

export interface ContactData {
  readonly displayName?: string;
  readonly givenName?: string;
  readonly middleName?: string;
  readonly surname?: string;
  readonly initials?: string;
  readonly nickname?: string;
  /** Defaults to "Surname, GivenName" as Outlook files a new contact. */
  readonly fileAs?: string;
  readonly companyName?: string;
  readonly department?: string;
  readonly jobTitle?: string;
  readonly officeLocation?: string;
  readonly manager?: string;
  readonly assistantName?: string;
  readonly notes?: string;
  readonly emailAddresses?: Partial<Record<EmailKey, string>>;
  readonly phoneNumbers?: Partial<Record<PhoneKey, string>>;
  readonly physicalAddresses?: Partial<Record<AddressKey, PhysicalAddress>>;
  readonly imAddresses?: Partial<Record<ImKey, string>>;
}

export interface StoredContact {
  readonly id: string;
  readonly changeKey: string;
  readonly folderId: string;
  readonly data: ContactData;
  readonly created: Date;
  readonly lastModified: Date;
  /** The store's change number of this item's latest create or update. */
  readonly changeNumber: number;
}

export function fileAsOf(data: ContactData): string | undefined {
  if (data.fileAs !== undefined) return data.fileAs;
  if (data.surname !== undefined && data.givenName !== undefined) return `${data.surname}, ${data.givenName}`;
  return data.surname ?? data.displayName ?? data.givenName;
}

/** Subject of a contact item: Exchange keeps it equal to the display name. */
export function subjectOf(data: ContactData): string | undefined {
  return data.displayName;
}
