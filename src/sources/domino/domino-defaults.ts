/** Domino's shape as defaults for the ldap source's settings: the config schema shows them. */
import { DEFAULT_PHONE_FIELDS } from '../ldap/ldap-defaults.js';

export const DOMINO_ID_ATTRIBUTE = 'dominoUNID';
/** dominoPerson is an inetOrgPerson: the second covers servers that present people only so. */
export const DOMINO_USERS_FILTER = '(|(objectClass=dominoPerson)(objectClass=inetOrgPerson))';
/** Domino's directory holds no contacts of the PBX's kind: a filter that matches nothing. */
export const DOMINO_CONTACTS_FILTER = '(!(objectClass=*))';
/** The Notes items that hold numbers, besides the LDAP names. */
export const DOMINO_PHONE_FIELDS: readonly string[] = [
  ...DEFAULT_PHONE_FIELDS,
  'OfficePhoneNumber',
  'CellPhoneNumber',
  'OfficeFAXPhoneNumber',
  'PhoneNumber',
];
