/**
 * The `ad` source type: Active Directory. It is the generic ldap source with AD's defaults
 * (objectGUID as the id, AD's person and contact filters), AD's default map, AD's sign-on names
 * (`user@<UPN suffix>`, `NETBIOS\\user`) and plain words for AD's bind diagnostics.
 */
import type { SourceDescriptor } from '../source-descriptor.js';
import { AD_DEFAULT_MAP } from './default-map.js';
import { AD_SETTINGS } from './settings-schema.js';

export const AD_SOURCE: SourceDescriptor = {
  type: 'ad',
  description:
    "Active Directory (or a Samba AD DC): the `ldap` source's settings and behaviour with AD's defaults. As a replica (the default) it follows changes by USN: every `changeInterval` it asks the domain controller for entries whose `uSNChanged` passed the last poll's `highestCommittedUSN` (without the source's filter, so a person disabled or moved away is seen and removed), and the groups a `memberOf` condition names; another domain controller (a new `invocationId`) lists everything again. Entries are identified by `objectGUID` (presented as their `entryUUID`), users are person entries of class `user` (not computer accounts), contacts entries of class `contact`; search references (such as AD's to `CN=Configuration`) are skipped. Default map: each presented attribute from the AD attribute of the same name (`cn`, `displayName`, `givenName`, `sn`, `mail`, `telephoneNumber`, `ipPhone`, `mobile`, `facsimileTelephoneNumber`, `homePhone`, `otherTelephone`, `pager`, `department`, `title`, `company`, `physicalDeliveryOfficeName`, `preferredLanguage`, `userPrincipalName`, `sAMAccountName`, ...), `o` from `company` and `uid` from `sAMAccountName`. Use `filter: \"(!(userAccountControl:1.2.840.113556.1.4.803:=2))\"` to leave out disabled accounts.",
  settings: AD_SETTINGS,
  pathSettings: ['tls.ca'],
  defaultMap: AD_DEFAULT_MAP,
  load: async () => (await import('./create-ad-source.js')).createAdSource,
};
