/**
 * The ews source's default map: Exchange contact properties under AD's attribute names, so a PBX's
 * AD map imports mailbox contacts unchanged. Numbers without an attribute of their own (a second
 * business number, other, assistant, radio and TTY numbers: the derived `otherPhones`) go to
 * otherTelephone; the business (else home) address's parts to `streetAddress`, `l`, `st`,
 * `postalCode` and `co`, AD's names for them.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';

export const EWS_DEFAULT_MAP: FieldMapSpec = {
  cn: ['DisplayName', 'CompanyName'],
  displayName: ['DisplayName', 'CompanyName'],
  givenName: 'GivenName',
  sn: 'Surname',
  mail: 'smtpAddress',
  // Address book entries only: the alias (mailNickname).
  uid: 'Alias',
  telephoneNumber: ['BusinessPhone', 'CompanyMainPhone', 'PrimaryPhone'],
  otherTelephone: 'otherPhones',
  mobile: ['MobilePhone', 'CarPhone'],
  facsimileTelephoneNumber: ['BusinessFax', 'OtherFax'],
  homePhone: ['HomePhone', 'HomePhone2'],
  pager: 'Pager',
  title: 'JobTitle',
  department: 'Department',
  company: 'CompanyName',
  o: 'CompanyName',
  physicalDeliveryOfficeName: 'OfficeLocation',
  streetAddress: ['BusinessAddressStreet', 'HomeAddressStreet'],
  l: ['BusinessAddressCity', 'HomeAddressCity'],
  st: ['BusinessAddressState', 'HomeAddressState'],
  postalCode: ['BusinessAddressPostalCode', 'HomeAddressPostalCode'],
  co: ['BusinessAddressCountryOrRegion', 'HomeAddressCountryOrRegion'],
};
