/**
 * The `ad` source type: Active Directory, searched live. It is the generic ldap source with AD's
 * defaults (objectGUID as the id, AD's person and contact filters) and AD's default map; every
 * other setting, and anything the config sets, is the ldap source's.
 */
import type { SourceConfig } from '../../config/types.js';
import { createLdapSource, type LdapSource, type LdapSourceContext } from '../ldap/index.js';

export const AD_ID_ATTRIBUTE = 'objectGUID';
/** Person entries of class user: people, not computer accounts (which are users too). */
export const AD_USERS_FILTER = '(&(objectCategory=person)(objectClass=user))';
export const AD_CONTACTS_FILTER = '(objectClass=contact)';

/** Builds an ad source from its config (AD defaults where unset; nothing is contacted yet). */
export function createAdSource(config: SourceConfig, context: LdapSourceContext = {}): LdapSource {
  return createLdapSource(
    {
      ...config,
      idAttribute: config.idAttribute ?? AD_ID_ATTRIBUTE,
      usersFilter: config.usersFilter ?? AD_USERS_FILTER,
      contactsFilter: config.contactsFilter ?? AD_CONTACTS_FILTER,
    },
    context,
  );
}

export { AD_DEFAULT_MAP } from './default-map.js';
