/** The `ad` source type: Active Directory, on the generic ldap source. */
export { AD_SOURCE } from './descriptor.js';
export { createAdSource } from './create-ad-source.js';
export { AD_ID_ATTRIBUTE, AD_USERS_FILTER } from './ad-defaults.js';
export { AD_DEFAULT_MAP } from './default-map.js';
