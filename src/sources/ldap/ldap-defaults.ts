/** The generic ldap source's defaults that are more than a word: the config schema shows them. */

/** People of a generic directory: inetOrgPerson entries, or AD-style users. */
export const DEFAULT_USERS_FILTER = '(|(objectClass=inetOrgPerson)(objectClass=user))';
export const DEFAULT_CONTACTS_FILTER = '(objectClass=contact)';
/** Attributes that hold telephone numbers, widened as numbers when a search is pushed down. */
export const DEFAULT_PHONE_FIELDS: readonly string[] = [
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'facsimileTelephoneNumber',
  'homePhone',
  'otherTelephone',
  'pager',
];
