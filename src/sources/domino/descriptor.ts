/**
 * The `domino` source type: HCL/Lotus Domino's LDAP service. It is the generic ldap source with
 * Domino's shape: DNs without `dc=` searched from the empty base, people of class dominoPerson (or
 * inetOrgPerson), no contacts, `dominoUNID` as the id (the DN where a person has none), and the
 * Notes items mapped (default-map.ts). Replica mode is its default: Domino indexes only name and
 * mail attributes, so number lookups are answered from the local copy; in live mode only name and
 * mail conditions go down, never as "contains", which Domino runs as a prefix search. Sign-on
 * resolves a person's name to its DN first (domino-login-names.ts).
 */
import type { SourceDescriptor } from '../source-descriptor.js';
import { DOMINO_DEFAULT_MAP } from './default-map.js';
import { DOMINO_SETTINGS } from './settings-schema.js';

export const DOMINO_SOURCE: SourceDescriptor = {
  type: 'domino',
  description:
    "HCL/Lotus Domino's LDAP service: the `ldap` source's settings with Domino's shape. DNs have no `dc=` (`cn=Anna Schmidt,ou=Berlin,o=Acme`) and are searched from the empty base (`base` default `\"\"`); people are `dominoPerson` (or `inetOrgPerson`) entries; there are no contacts; entries are identified by `dominoUNID`, or by their DN where a person has none. Default map: LDAP names first, Notes items where only they are filled: `telephoneNumber` <- telephoneNumber | OfficePhoneNumber, `mobile` <- mobile | CellPhoneNumber, `facsimileTelephoneNumber` <- facsimileTelephoneNumber | OfficeFAXPhoneNumber, `department` <- ou | Department, `userPrincipalName` <- userPrincipalName | mail | InternetAddress, `sAMAccountName` and `uid` <- uid | ShortName, `ipPhone` <- ipPhone (where the Domino admin added it), `userPassword` <- userPassword | HTTPPassword (WEB password) and `wuserPasswordSip` (SIP password), shown only to accounts whose `sensitive` list names them. Default mode `replica`: Domino indexes only name and mail attributes, so number lookups are answered from the local copy; in `live` mode only name and mail conditions are sent, as prefixes (mail as written, names widened for accents). With `signOn: true` a bind as a person's common name (any `cn` value), short name, Internet address, `userPrincipalName`, DN or presented DN is resolved to the person's DN with the service account and bound with the password; a name two people share is refused (49) and logged.",
  settings: DOMINO_SETTINGS,
  pathSettings: ['tls.ca'],
  defaultMap: DOMINO_DEFAULT_MAP,
  load: async () => (await import('./create-domino-source.js')).createDominoSource,
};
