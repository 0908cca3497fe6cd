/** The `domino` source type: HCL/Lotus Domino's LDAP service, on the generic ldap source. */
export { DOMINO_SOURCE } from './descriptor.js';
export { createDominoSource } from './create-domino-source.js';
export {
  DOMINO_CONTACTS_FILTER,
  DOMINO_ID_ATTRIBUTE,
  DOMINO_PHONE_FIELDS,
  DOMINO_USERS_FILTER,
} from './domino-defaults.js';
export { DOMINO_DEFAULT_MAP } from './default-map.js';
