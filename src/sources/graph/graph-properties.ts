/**
 * The properties of Graph's users and organisational contacts that dirbridge reads, with one line
 * each for `dirbridge fields` (Graph's $metadata is megabytes of CSDL: a static list serves better,
 * CLOUD-APIS.md §1.5), and the fields a record derives from them so that AD-style maps work: the
 * first business phone apart from the others, the fifteen extension attributes one by one, and an
 * organisational contact's phones by type under a user's property names.
 */

export interface PropertyInfo {
  readonly name: string;
  readonly description: string;
}

export const USER_PROPERTIES: readonly PropertyInfo[] = [
  { name: 'id', description: 'the object id: the stable id of the entry' },
  { name: 'displayName', description: 'the name shown in the address book' },
  { name: 'givenName', description: 'first name' },
  { name: 'surname', description: 'last name' },
  { name: 'mail', description: 'primary SMTP address' },
  { name: 'userPrincipalName', description: 'the sign-in name (user@domain)' },
  { name: 'mailNickname', description: 'the mail alias' },
  { name: 'onPremisesSamAccountName', description: 'the sAMAccountName of a user synchronised from AD' },
  { name: 'businessPhones', description: 'office numbers (Entra ID keeps one)' },
  { name: 'mobilePhone', description: 'mobile number' },
  { name: 'faxNumber', description: 'fax number (returned only when asked for)' },
  { name: 'jobTitle', description: 'job title' },
  { name: 'department', description: 'department (returned only when asked for)' },
  { name: 'companyName', description: 'company (returned only when asked for)' },
  { name: 'officeLocation', description: 'office (room or building)' },
  { name: 'preferredLanguage', description: 'preferred language, as an ISO 639-1 code with country (en-US)' },
  { name: 'streetAddress', description: 'street address' },
  { name: 'city', description: 'city' },
  { name: 'postalCode', description: 'postal code' },
  { name: 'state', description: 'state or province' },
  { name: 'country', description: 'country or region' },
  { name: 'employeeId', description: 'employee number' },
  { name: 'otherMails', description: 'other e-mail addresses' },
  { name: 'proxyAddresses', description: 'every address the mailbox receives at (smtp:, SIP:, ...)' },
  { name: 'accountEnabled', description: 'whether the account may sign in (true/false)' },
  { name: 'userType', description: 'Member or Guest' },
  {
    name: 'onPremisesExtensionAttributes',
    description: 'extensionAttribute1-15 of a user synchronised from AD (each a field of its own)',
  },
];

export const ORG_CONTACT_PROPERTIES: readonly PropertyInfo[] = [
  { name: 'id', description: 'the object id: the stable id of the entry' },
  { name: 'displayName', description: 'the name shown in the address book' },
  { name: 'givenName', description: 'first name' },
  { name: 'surname', description: 'last name' },
  { name: 'mail', description: 'e-mail address' },
  { name: 'mailNickname', description: 'the mail alias' },
  { name: 'companyName', description: 'company' },
  { name: 'department', description: 'department' },
  { name: 'jobTitle', description: 'job title' },
  {
    name: 'phones',
    description:
      'numbers by type: business, mobile, businessFax (fields businessPhones, mobilePhone, faxNumber)',
  },
  {
    name: 'addresses',
    description:
      'postal addresses: the first gives officeLocation, streetAddress, city, state, postalCode and country',
  },
  { name: 'proxyAddresses', description: 'every address the contact receives at' },
];

/** A mailbox's personal contacts (Outlook's `contact`: v1.0 has no fax number). */
export const MAILBOX_CONTACT_PROPERTIES: readonly PropertyInfo[] = [
  {
    name: 'id',
    description:
      "Exchange's immutable item id: a long string, not a GUID (the entry's UUID is derived from it), kept when the contact moves to another folder of its mailbox",
  },
  { name: 'displayName', description: 'the name shown in the address book' },
  { name: 'givenName', description: 'first name' },
  { name: 'surname', description: 'last name' },
  { name: 'emailAddresses', description: "the contact's e-mail addresses (the first is also `mail`)" },
  { name: 'businessPhones', description: 'office numbers (the first also firstBusinessPhone)' },
  { name: 'homePhones', description: 'home numbers' },
  { name: 'mobilePhone', description: 'mobile number' },
  { name: 'companyName', description: 'company' },
  { name: 'department', description: 'department' },
  { name: 'jobTitle', description: 'job title' },
  { name: 'officeLocation', description: 'office (room or building)' },
  {
    name: 'businessAddress',
    description:
      'business address: streetAddress, city, state, postalCode and country (else the home address)',
  },
  { name: 'homeAddress', description: 'home address, used when there is no business address' },
  {
    name: 'mailbox',
    description: 'the mailbox a personal contact is kept in, as mailboxContacts.mailboxes names it',
  },
];

/** The mailbox contact properties a folder's delta asks for (`mailbox` is dirbridge's own). */
export const MAILBOX_CONTACT_SELECTION: readonly string[] = MAILBOX_CONTACT_PROPERTIES.map(
  (p) => p.name,
).filter((name) => name !== 'mailbox');

/** Fields a record derives from its properties, and what each holds. */
export const DERIVED_FIELDS: readonly (PropertyInfo & { readonly from: string })[] = [
  { name: 'firstBusinessPhone', from: 'businessPhones', description: 'the first office number' },
  { name: 'otherBusinessPhones', from: 'businessPhones', description: 'the office numbers after the first' },
  ...Array.from({ length: 15 }, (_, i) => ({
    name: `extensionAttribute${i + 1}`,
    from: 'onPremisesExtensionAttributes',
    description: `onPremisesExtensionAttributes.extensionAttribute${i + 1} (e.g. an extension, for ipPhone)`,
  })),
];

const USER_PROPERTY_NAMES = new Map(USER_PROPERTIES.map((p) => [p.name.toLowerCase(), p.name]));
const DERIVED_FROM = new Map(DERIVED_FIELDS.map((f) => [f.name.toLowerCase(), f.from]));

/**
 * The user properties to `$select` for the fields a map reads (every known one when it reads any
 * field), plus `id`: Graph returns department, faxNumber and companyName only when selected.
 */
export function userSelection(
  fields: readonly string[] | undefined,
  extra: readonly string[] = [],
): string[] {
  const wanted = fields ?? USER_PROPERTIES.map((p) => p.name);
  const selected = new Set(['id']);
  for (const field of [...wanted, ...extra]) {
    const key = field.toLowerCase();
    const property = DERIVED_FROM.get(key) ?? USER_PROPERTY_NAMES.get(key);
    // A field no user has (a contact's, a typo in the map) is not asked of Graph: it would refuse it.
    if (property !== undefined) selected.add(property);
  }
  return [...selected];
}

export const ORG_CONTACT_SELECTION: readonly string[] = ORG_CONTACT_PROPERTIES.map((p) => p.name);
