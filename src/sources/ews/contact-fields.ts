/**
 * The fields of a contact record, named after the EWS ContactSchema properties they come from:
 * the plain properties, every phone key, the three e-mail addresses and the parts of the three
 * postal addresses, and the few fields dirbridge derives. Free of ews-javascript-api, so what a
 * source says about its fields costs no load of the library.
 */
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
] as const;

/** Numbers with no presented attribute of their own, gathered in the derived `otherPhones`. */
export const OTHER_PHONE_KEYS = [
  'BusinessPhone2',
  'OtherTelephone',
  'AssistantPhone',
  'RadioPhone',
  'TtyTddPhone',
] as const satisfies readonly (typeof PHONE_KEYS)[number][];

export const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;

export const ADDRESS_KEYS = ['Business', 'Home', 'Other'] as const;
export const ADDRESS_PARTS = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'] as const;

/** `BusinessAddressCity` and so on: the field (and ContactSchema property) of an address part. */
export function addressField(
  key: (typeof ADDRESS_KEYS)[number],
  part: (typeof ADDRESS_PARTS)[number],
): string {
  return `${key}Address${part}`;
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
