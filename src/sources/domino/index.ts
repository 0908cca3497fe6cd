/**
 * The `domino` source type: HCL/Lotus Domino's LDAP service. It is the generic ldap source with
 * Domino's shape: DNs without `dc=` searched from the empty base, people of class dominoPerson (or
 * inetOrgPerson), no contacts, `dominoUNID` as the id (the DN where a person has none), and the
 * Notes items mapped (default-map.ts). Replica mode is its default: Domino indexes only name and
 * mail attributes, so number lookups are answered from the local copy; in live mode only name and
 * mail conditions go down, never as "contains", which Domino runs as a prefix search. Sign-on
 * resolves a person's name to its DN first (domino-login-names.ts).
 */
import type { SourceConfig } from '../../config/types.js';
import { createLdapSource, type LdapSource, type LdapSourceContext } from '../ldap/index.js';
import { DEFAULT_PHONE_FIELDS } from '../ldap/ldap-settings.js';
import { DominoLoginNames } from './domino-login-names.js';

export const DOMINO_ID_ATTRIBUTE = 'dominoUNID';
/** dominoPerson is an inetOrgPerson: the second covers servers that present people only so. */
export const DOMINO_USERS_FILTER = '(|(objectClass=dominoPerson)(objectClass=inetOrgPerson))';
/** Domino's directory holds no contacts of the PBX's kind: a filter that matches nothing. */
export const DOMINO_CONTACTS_FILTER = '(!(objectClass=*))';
/** The Notes items that hold numbers, besides the LDAP names. */
const DOMINO_PHONE_FIELDS = [
  ...DEFAULT_PHONE_FIELDS,
  'OfficePhoneNumber',
  'CellPhoneNumber',
  'OfficeFAXPhoneNumber',
  'PhoneNumber',
];
/** What Domino's views index: names and mail. Nothing else is pushed down in live mode. */
const DOMINO_INDEXED = [
  'cn',
  'sn',
  'givenName',
  'displayName',
  'uid',
  'ShortName',
  'mail',
  'InternetAddress',
  'FirstName',
  'LastName',
  'FullName',
];

/** Builds a domino source from its config (Domino defaults where unset; nothing is contacted yet). */
export function createDominoSource(config: SourceConfig, context: LdapSourceContext = {}): LdapSource {
  const idAttribute = config.idAttribute ?? DOMINO_ID_ATTRIBUTE;
  return createLdapSource(
    {
      ...config,
      base: config.base ?? '',
      idAttribute,
      usersFilter: config.usersFilter ?? DOMINO_USERS_FILTER,
      contactsFilter: config.contactsFilter ?? DOMINO_CONTACTS_FILTER,
      phoneFields: config.phoneFields ?? DOMINO_PHONE_FIELDS,
    },
    context,
    {
      modes: ['replica', 'live'],
      // The config loader fills in the schema's default, so the default is told by its name.
      dnAsFallbackId:
        typeof idAttribute === 'string' && idAttribute.toLowerCase() === DOMINO_ID_ATTRIBUTE.toLowerCase(),
      pushdownLimits: { attributes: DOMINO_INDEXED, prefixOnly: true },
      loginNames: ({ reader, bases, scope }) => new DominoLoginNames(bases, scope, reader),
    },
  );
}

export { DOMINO_DEFAULT_MAP } from './default-map.js';
