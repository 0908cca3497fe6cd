/** The generic `ldap` source type: any LDAP directory, searched live or copied into a replica. */
export { LDAP_SOURCE } from './descriptor.js';
export { createLdapSource, ldapFamilySource, ldapSourceSettings } from './create-ldap-source.js';
export type { LdapSourceContext } from './create-ldap-source.js';
export { LDAP_DEFAULT_MAP } from './default-map.js';
export { LdapSource } from './ldap-source.js';
export type { LdapSourceLogger, LdapSourceOptions, LoginNamesContext } from './ldap-source.js';
export type { LdapSourceSettings } from './ldap-settings.js';
export { PushdownFilter, nationalDigits, numberPrefixOf, ACCENTABLE_LETTERS } from './pushdown-filter.js';
export { guidToUuid, uuidToGuid } from './ldap-entry.js';
