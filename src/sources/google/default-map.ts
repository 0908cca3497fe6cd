/**
 * The google source's default map: Google Workspace's person fields under AD's attribute names, so
 * a PBX's AD map imports Workspace people unchanged. The first work number is the telephoneNumber,
 * the other numbers without an attribute of their own otherTelephone. The employee id
 * (`employeeId`) has no attribute in the schema; map it in config where wanted.
 */
import type { FieldMapSpec } from '../../mapping/field-map.js';

export const GOOGLE_DEFAULT_MAP: FieldMapSpec = {
  cn: 'displayName',
  displayName: 'displayName',
  givenName: 'givenName',
  sn: 'familyName',
  mail: 'mail',
  telephoneNumber: 'workPhone',
  otherTelephone: 'otherPhones',
  mobile: 'mobilePhone',
  homePhone: 'homePhone',
  facsimileTelephoneNumber: 'workFax',
  pager: 'pager',
  title: 'title',
  department: 'department',
  company: 'company',
  o: 'company',
  preferredLanguage: 'preferredLanguage',
};
