/**
 * The objects the fake serves, in Graph v1.0's own property names and JSON shapes: the directory's
 * user and orgContact (Entra ID), and a mailbox's contact folder and personal contact (Exchange).
 * Nulls are explicit, as Graph returns them; collections are arrays, never null.
 */

export interface OnPremisesExtensionAttributes {
  readonly extensionAttribute1: string | null;
  readonly extensionAttribute2: string | null;
  readonly extensionAttribute3: string | null;
  readonly extensionAttribute4: string | null;
  readonly extensionAttribute5: string | null;
  readonly extensionAttribute6: string | null;
  readonly extensionAttribute7: string | null;
  readonly extensionAttribute8: string | null;
  readonly extensionAttribute9: string | null;
  readonly extensionAttribute10: string | null;
  readonly extensionAttribute11: string | null;
  readonly extensionAttribute12: string | null;
  readonly extensionAttribute13: string | null;
  readonly extensionAttribute14: string | null;
  readonly extensionAttribute15: string | null;
}

export interface GraphUser {
  readonly id: string;
  readonly accountEnabled: boolean;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly mailNickname: string | null;
  readonly otherMails: readonly string[];
  readonly proxyAddresses: readonly string[];
  readonly businessPhones: readonly string[];
  readonly mobilePhone: string | null;
  readonly faxNumber: string | null;
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly companyName: string | null;
  readonly officeLocation: string | null;
  readonly preferredLanguage: string | null;
  readonly employeeId: string | null;
  readonly streetAddress: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly postalCode: string | null;
  readonly country: string | null;
  readonly usageLocation: string | null;
  readonly userType: 'Member' | 'Guest';
  readonly createdDateTime: string;
  readonly onPremisesExtensionAttributes: OnPremisesExtensionAttributes;
}

export interface PhysicalAddress {
  readonly street: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly postalCode: string | null;
  readonly countryOrRegion: string | null;
}

export interface OrgContactPhone {
  readonly type:
    | 'home'
    | 'business'
    | 'mobile'
    | 'other'
    | 'assistant'
    | 'homeFax'
    | 'businessFax'
    | 'otherFax'
    | 'pager'
    | 'radio';
  readonly number: string | null;
}

export interface OrgContactAddress {
  readonly city: string | null;
  readonly countryOrRegion: string | null;
  readonly officeLocation: string | null;
  readonly postalCode: string | null;
  readonly state: string | null;
  readonly street: string | null;
}

/** An organizational contact: a mail contact in the directory (`/contacts`). */
export interface OrgContact {
  readonly id: string;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly mail: string | null;
  readonly mailNickname: string | null;
  readonly companyName: string | null;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly phones: readonly OrgContactPhone[];
  readonly addresses: readonly OrgContactAddress[];
  readonly proxyAddresses: readonly string[];
  readonly imAddresses: readonly string[];
  readonly onPremisesSyncEnabled: boolean | null;
  readonly onPremisesLastSyncDateTime: string | null;
}

export interface ContactFolder {
  readonly id: string;
  readonly displayName: string;
  readonly parentFolderId: string;
}

export interface EmailAddress {
  readonly name: string | null;
  readonly address: string | null;
}

/** A personal contact in a mailbox folder, as v1.0 shapes it (no fax numbers; beta has `phones`). */
export interface MailContact {
  readonly id: string;
  readonly parentFolderId: string;
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
  readonly changeKey: string;
  readonly categories: readonly string[];
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly middleName: string | null;
  readonly surname: string | null;
  readonly nickName: string | null;
  readonly title: string | null;
  readonly fileAs: string | null;
  readonly emailAddresses: readonly EmailAddress[];
  readonly imAddresses: readonly string[];
  readonly businessPhones: readonly string[];
  readonly homePhones: readonly string[];
  readonly mobilePhone: string | null;
  readonly companyName: string | null;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly officeLocation: string | null;
  readonly profession: string | null;
  readonly businessHomePage: string | null;
  readonly personalNotes: string | null;
  readonly businessAddress: PhysicalAddress;
  readonly homeAddress: PhysicalAddress;
  readonly otherAddress: PhysicalAddress;
}

const NO_ATTRIBUTES: OnPremisesExtensionAttributes = {
  extensionAttribute1: null,
  extensionAttribute2: null,
  extensionAttribute3: null,
  extensionAttribute4: null,
  extensionAttribute5: null,
  extensionAttribute6: null,
  extensionAttribute7: null,
  extensionAttribute8: null,
  extensionAttribute9: null,
  extensionAttribute10: null,
  extensionAttribute11: null,
  extensionAttribute12: null,
  extensionAttribute13: null,
  extensionAttribute14: null,
  extensionAttribute15: null,
};

export function extensionAttributes(
  values: Partial<OnPremisesExtensionAttributes> = {},
): OnPremisesExtensionAttributes {
  return { ...NO_ATTRIBUTES, ...values };
}

export type NewUser = Partial<Omit<GraphUser, 'userPrincipalName' | 'onPremisesExtensionAttributes'>> & {
  readonly userPrincipalName: string;
  readonly onPremisesExtensionAttributes?: Partial<OnPremisesExtensionAttributes>;
};

/** A complete user from the properties a test cares about; everything else null or empty. */
export function userFrom(fields: NewUser): Omit<GraphUser, 'id'> & { readonly id?: string } {
  return {
    accountEnabled: true,
    displayName: null,
    givenName: null,
    surname: null,
    mail: null,
    mailNickname: null,
    otherMails: [],
    proxyAddresses: [],
    businessPhones: [],
    mobilePhone: null,
    faxNumber: null,
    jobTitle: null,
    department: null,
    companyName: null,
    officeLocation: null,
    preferredLanguage: null,
    employeeId: null,
    streetAddress: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    usageLocation: null,
    userType: 'Member',
    createdDateTime: '2021-01-04T09:00:00Z',
    ...fields,
    onPremisesExtensionAttributes: extensionAttributes(fields.onPremisesExtensionAttributes),
  };
}

export type NewOrgContact = Partial<Omit<OrgContact, 'id'>> & { readonly id?: string };

export function orgContactFrom(fields: NewOrgContact): Omit<OrgContact, 'id'> & { readonly id?: string } {
  return {
    displayName: null,
    givenName: null,
    surname: null,
    mail: null,
    mailNickname: null,
    companyName: null,
    department: null,
    jobTitle: null,
    phones: [],
    addresses: [],
    proxyAddresses: [],
    imAddresses: [],
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    ...fields,
  };
}

export const NO_ADDRESS: PhysicalAddress = {
  street: null,
  city: null,
  state: null,
  postalCode: null,
  countryOrRegion: null,
};

export type NewMailContact = Partial<
  Omit<MailContact, 'id' | 'parentFolderId' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'>
> & { readonly id?: string };

/**
 * A group (`/groups/{id}`): a few of Graph's properties, and its direct members (user and group
 * object ids) in the order they were added. `members` is the fake's own bookkeeping, never written
 * out: Graph serves membership through `/members` and `/transitiveMembers`, not as a property.
 */
export interface GraphGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly mail: string | null;
  readonly mailEnabled: boolean;
  readonly mailNickname: string;
  readonly securityEnabled: boolean;
  readonly groupTypes: readonly string[];
  readonly createdDateTime: string;
  readonly members: readonly string[];
}

export type NewGroup = Partial<Omit<GraphGroup, 'displayName'>> & { readonly displayName: string };

export function groupFrom(fields: NewGroup): Omit<GraphGroup, 'id'> & { readonly id?: string } {
  return {
    description: null,
    mail: null,
    mailEnabled: false,
    mailNickname: fields.displayName.replace(/[^A-Za-z0-9]/g, '') || 'group',
    securityEnabled: true,
    groupTypes: [],
    createdDateTime: '2021-01-04T09:00:00Z',
    members: [],
    ...fields,
  };
}
