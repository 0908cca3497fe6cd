/**
 * The graph source's default map: the seed's Office 365 fields under AD's attribute names, so a
 * PBX's AD map imports Microsoft 365 people unchanged. The first office number is the
 * telephoneNumber, the others otherTelephone; a contact's postal address has a user's field names
 * (graph-records.ts). An extension kept in an extension attribute is mapped
 * in config, e.g. `map: { ipPhone: extensionAttribute1 }`.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';

export const GRAPH_DEFAULT_MAP: FieldMapSpec = {
  cn: 'displayName',
  displayName: 'displayName',
  givenName: 'givenName',
  sn: 'surname',
  mail: 'mail',
  userPrincipalName: 'userPrincipalName',
  sAMAccountName: ['onPremisesSamAccountName', 'mailNickname'],
  uid: ['onPremisesSamAccountName', 'mailNickname'],
  telephoneNumber: 'firstBusinessPhone',
  otherTelephone: 'otherBusinessPhones',
  mobile: 'mobilePhone',
  homePhone: 'homePhones',
  facsimileTelephoneNumber: 'faxNumber',
  title: 'jobTitle',
  department: 'department',
  company: 'companyName',
  o: 'companyName',
  physicalDeliveryOfficeName: 'officeLocation',
  streetAddress: 'streetAddress',
  l: 'city',
  st: 'state',
  postalCode: 'postalCode',
  co: 'country',
  preferredLanguage: 'preferredLanguage',
};
