/**
 * The views dirbridge ships, one per fixed PBX map in the seed's import guide (DOMAIN.md "Default
 * field maps"), so the PBX imports with its own defaults and still gets each field by meaning. Names
 * the PBX reads under the presented name are listed too (they rename nothing), so each view reads as
 * the PBX's whole map; the password fields are governed by `sensitive`, never by a view.
 */
import type { ViewDefinition } from './view-definition.js';

/** AD map: Extension <- telephoneNumber, Office <- ipPhone, the reverse of the presented meanings. */
const SEED_AD: ViewDefinition = {
  cn: 'cn',
  displayName: 'displayName',
  userPrincipalName: 'userPrincipalName',
  sAMAccountName: 'sAMAccountName',
  telephoneNumber: 'ipPhone',
  ipPhone: 'telephoneNumber',
  mobile: 'mobile',
  facsimileTelephoneNumber: 'facsimileTelephoneNumber',
  mail: 'mail',
  department: 'department',
  preferredLanguage: 'preferredLanguage',
};

/**
 * Domino map: Department <- ou. The presented `ou` (an LDAP source's organizational unit, a mount's
 * name) is shown as `department` in exchange, so that no presented attribute hides behind `ou`.
 */
const SEED_DOMINO: ViewDefinition = {
  cn: 'cn',
  userPrincipalName: 'userPrincipalName',
  ipPhone: 'ipPhone',
  facsimileTelephoneNumber: 'facsimileTelephoneNumber',
  telephoneNumber: 'telephoneNumber',
  mail: 'mail',
  mobile: 'mobile',
  preferredLanguage: 'preferredLanguage',
  ou: 'department',
  department: 'ou',
};

/**
 * Office 365 map, in Microsoft Graph's names: Extension <- businessPhones, Office <- officeLocation
 * (the office number, as the PBX's Office field means), Mobile <- mobilePhone. `surname` is spelled
 * as Graph spells it (the schema knows it as an alias of `sn`).
 */
const SEED_OFFICE365: ViewDefinition = {
  businessPhones: 'ipPhone',
  displayName: 'displayName',
  mail: 'mail',
  givenName: 'givenName',
  jobTitle: 'title',
  mobilePhone: 'mobile',
  officeLocation: 'telephoneNumber',
  preferredLanguage: 'preferredLanguage',
  surname: 'sn',
  userPrincipalName: 'userPrincipalName',
  department: 'department',
};

export const SHIPPED_VIEWS: Readonly<Record<string, ViewDefinition>> = {
  'seed-ad': SEED_AD,
  'seed-domino': SEED_DOMINO,
  'seed-office365': SEED_OFFICE365,
};
