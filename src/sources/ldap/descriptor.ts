/** The generic `ldap` source type: any LDAP directory, searched live or copied into a replica. */
import type { SourceDescriptor } from '../source-descriptor.js';
import { LDAP_DEFAULT_MAP } from './default-map.js';
import { LDAP_SETTINGS } from './settings-schema.js';

export const LDAP_SOURCE: SourceDescriptor = {
  type: 'ldap',
  description:
    "Any LDAP directory (OpenLDAP, 389 DS, Domino's LDAP service, AD through plain LDAP), copied into a replica (the default) that follows changes by `modifyTimestamp`, or searched live: every search translated into an LDAP filter, widened where the backend's matching differs from dirbridge's (accents in names, number formats; dirbridge decides what matches; mail and logins compare alike on both and go down as written), and paged to the backend. Default map: each presented attribute from the LDAP attribute of the same name.",
  settings: LDAP_SETTINGS,
  pathSettings: ['tls.ca'],
  defaultMap: LDAP_DEFAULT_MAP,
  load: async () => (await import('./create-ldap-source.js')).createLdapSource,
};
