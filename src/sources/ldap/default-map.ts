/**
 * The generic LDAP source's default map: each presented attribute from the LDAP attribute of the
 * same name (inetOrgPerson and AD's phone attributes). Config's `map` overrides any of them; the
 * Active Directory source will bring its own.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';

const SAME_NAME = [
  'cn',
  'sn',
  'givenName',
  'displayName',
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
  'preferredLanguage',
  'initials',
  'ou',
  'o',
  'l',
  'description',
  'userPrincipalName',
  'sAMAccountName',
  'uid',
] as const;

export const LDAP_DEFAULT_MAP: FieldMapSpec = Object.fromEntries(SAME_NAME.map((name) => [name, name]));
