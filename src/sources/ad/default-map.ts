/**
 * The Active Directory source's default map. The presented schema uses AD's attribute names, so
 * most attributes come from the AD attribute of the same name; the rest are filled by meaning:
 * `o` (organisation, which Snom phones search) from `company`, and `uid` (the login in LDAP-style
 * maps) from `sAMAccountName`. Config's `map` overrides any of them.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';

const SAME_NAME = [
  'cn',
  'displayName',
  'givenName',
  'sn',
  'initials',
  'mail',
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'facsimileTelephoneNumber',
  'homePhone',
  'otherTelephone',
  'pager',
  'department',
  'title',
  'company',
  'physicalDeliveryOfficeName',
  'l',
  'description',
  'preferredLanguage',
  'userPrincipalName',
  'sAMAccountName',
] as const;

export const AD_DEFAULT_MAP: FieldMapSpec = {
  ...Object.fromEntries(SAME_NAME.map((name) => [name, name])),
  o: 'company',
  uid: 'sAMAccountName',
};
