/**
 * The Domino source's default map (DOMAIN.md, "Default field maps"): each presented attribute from
 * the LDAP name Domino gives the item, or else from the Notes item itself where only that is filled
 * (`OfficePhoneNumber` for `telephoneNumber`, `CellPhoneNumber` for `mobile`, ...). `ipPhone` and
 * `userPrincipalName` exist only where a Domino admin added those items: the login falls back to the
 * Internet address. The WEB and SIP passwords are passed on as they are, for the accounts config
 * allows to read them. Config's `map` overrides any entry.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';

export const DOMINO_DEFAULT_MAP: FieldMapSpec = {
  cn: 'cn',
  sn: ['sn', 'LastName'],
  givenName: ['givenName', 'FirstName'],
  displayName: 'displayName',
  mail: ['mail', 'InternetAddress'],
  telephoneNumber: ['telephoneNumber', 'OfficePhoneNumber'],
  ipPhone: 'ipPhone',
  mobile: ['mobile', 'CellPhoneNumber'],
  facsimileTelephoneNumber: ['facsimileTelephoneNumber', 'OfficeFAXPhoneNumber'],
  homePhone: ['homePhone', 'PhoneNumber'],
  department: ['ou', 'Department'],
  title: ['title', 'JobTitle'],
  company: ['o', 'CompanyName'],
  physicalDeliveryOfficeName: ['physicalDeliveryOfficeName', 'Location'],
  preferredLanguage: 'preferredLanguage',
  userPrincipalName: ['userPrincipalName', 'mail', 'InternetAddress'],
  sAMAccountName: ['uid', 'ShortName'],
  uid: ['uid', 'ShortName'],
  userPassword: ['userPassword', 'HTTPPassword'],
  wuserPasswordSip: 'wuserPasswordSip',
};
