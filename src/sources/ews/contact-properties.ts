/**
 * The contact properties the source asks EWS for, and the field each becomes. The library refuses
 * the PhoneNumbers, EmailAddresses and PhysicalAddresses dictionaries as a whole in an item shape
 * (CLOUD-APIS §3.2), so each entry is asked for as its indexed property (`contacts:PhoneNumber`
 * with FieldIndex `BusinessPhone`, ...): every phone key, the three e-mail addresses and the parts
 * of the three postal addresses. A field is named after the ContactSchema property it comes from.
 */
import {
  BasePropertySet,
  ContactSchema,
  EmailAddressKey,
  IndexedPropertyDefinition,
  PhoneNumberKey,
  PhysicalAddressKey,
  PropertySet,
  type PropertyDefinitionBase,
} from 'ews-javascript-api';

/** Plain string properties, by their ContactSchema (and field) names. */
export const TEXT_PROPERTIES = [
  'DisplayName',
  'GivenName',
  'MiddleName',
  'Surname',
  'NickName',
  'CompanyName',
  'Department',
  'JobTitle',
  'OfficeLocation',
] as const;

/** The PhoneNumberKey values, each a field of its own (`BusinessPhone`, `MobilePhone`, ...). */
export const PHONE_KEYS = [
  'BusinessPhone',
  'BusinessPhone2',
  'MobilePhone',
  'BusinessFax',
  'HomePhone',
  'HomePhone2',
  'HomeFax',
  'OtherTelephone',
  'OtherFax',
  'Pager',
  'CompanyMainPhone',
  'AssistantPhone',
  'CarPhone',
  'PrimaryPhone',
  'RadioPhone',
  'TtyTddPhone',
  'Callback',
  'Isdn',
  'Telex',
] as const satisfies readonly (keyof typeof PhoneNumberKey)[];

/** Numbers with no presented attribute of their own, gathered in the derived `otherPhones`. */
export const OTHER_PHONE_KEYS = [
  'BusinessPhone2',
  'OtherTelephone',
  'AssistantPhone',
  'RadioPhone',
  'TtyTddPhone',
] as const satisfies readonly (typeof PHONE_KEYS)[number][];

export const EMAIL_KEYS = [
  'EmailAddress1',
  'EmailAddress2',
  'EmailAddress3',
] as const satisfies readonly (keyof typeof EmailAddressKey)[];

export const ADDRESS_KEYS = [
  'Business',
  'Home',
  'Other',
] as const satisfies readonly (keyof typeof PhysicalAddressKey)[];
export const ADDRESS_PARTS = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'] as const;

/** `BusinessAddressCity` and so on: the field (and ContactSchema property) of an address part. */
export function addressField(
  key: (typeof ADDRESS_KEYS)[number],
  part: (typeof ADDRESS_PARTS)[number],
): string {
  return `${key}Address${part}`;
}

const schema = ContactSchema as unknown as Record<string, PropertyDefinitionBase>;
/** The library's typings hide the constructor ContactSchema itself calls with (field URI, index). */
const IndexedDefinition = IndexedPropertyDefinition as unknown as new (
  uri: string,
  index: string,
) => PropertyDefinitionBase;

/**
 * ContactSchema's definition of a property; for the phone keys it has none of (Callback, Isdn and
 * Telex, though PhoneNumberKey names them), one made the way ContactSchema makes the others.
 */
function definition(name: string): PropertyDefinitionBase {
  const found = schema[name];
  if (found !== undefined) return found;
  if ((PHONE_KEYS as readonly string[]).includes(name))
    return new IndexedDefinition('contacts:PhoneNumber', name);
  throw new Error(`ews-javascript-api has no ContactSchema.${name}`);
}

/** Every field a contact record can hold, with what it means (for `fields`). */
export const CONTACT_FIELDS: readonly { readonly name: string; readonly description: string }[] = [
  ...TEXT_PROPERTIES.map((name) => ({ name, description: `the contact's ${name}` })),
  ...EMAIL_KEYS.map((name) => ({
    name,
    description: `e-mail address ${name.slice(-1)} (without the \`SMTP:\` routing prefix)`,
  })),
  {
    name: 'smtpAddress',
    description:
      'the first of EmailAddress1..3 that is an SMTP address (a contact made from a GAL entry may hold an Exchange legacy DN instead)',
  },
  ...PHONE_KEYS.map((name) => ({ name, description: `phone number of key ${name}` })),
  {
    name: 'otherPhones',
    description: `the numbers of ${OTHER_PHONE_KEYS.join(', ')}, together (for otherTelephone)`,
  },
  ...ADDRESS_KEYS.flatMap((key) =>
    ADDRESS_PARTS.map((part) => ({
      name: addressField(key, part),
      description: `${part} of the ${key.toLowerCase()} address`,
    })),
  ),
  {
    name: 'mailbox',
    description: 'the mailbox the contact is kept in (its SMTP address), when listed in `mailboxes`',
  },
  { name: 'folder', description: 'the display name of the contact folder it is kept in' },
];

/** What SyncFolderItems and FindItem ask for: the id, then every property above. */
export function contactPropertySet(): PropertySet {
  return new PropertySet(BasePropertySet.IdOnly, [
    ...TEXT_PROPERTIES.map(definition),
    ...EMAIL_KEYS.map(definition),
    ...PHONE_KEYS.map(definition),
    ...ADDRESS_KEYS.flatMap((key) => ADDRESS_PARTS.map((part) => definition(addressField(key, part)))),
  ]);
}
