/**
 * The `ad` source type: Active Directory, searched live. It is the generic ldap source with AD's
 * defaults (objectGUID as the id, AD's person and contact filters) and AD's default map; every
 * other setting, and anything the config sets, is the ldap source's.
 */
import type { SourceConfig } from '../../config/types.js';
import { createLdapSource, type LdapSource, type LdapSourceContext } from '../ldap/index.js';
import { SourceError } from '../source.js';
import { AdLoginNames, type AdNamingConfig } from './ad-login-names.js';
import { explainAdBindDiagnostic } from './bind-diagnostic.js';

export const AD_ID_ATTRIBUTE = 'objectGUID';
/** Person entries of class user: people, not computer accounts (which are users too). */
export const AD_USERS_FILTER = '(&(objectCategory=person)(objectClass=user))';
export const AD_CONTACTS_FILTER = '(objectClass=contact)';

/** Builds an ad source from its config (AD defaults where unset; nothing is contacted yet). */
export function createAdSource(config: SourceConfig, context: LdapSourceContext = {}): LdapSource {
  const { upnSuffixes, netbiosName, ...ldapConfig } = config;
  const naming = namingConfig(config.name, upnSuffixes, netbiosName);
  return createLdapSource(
    {
      ...ldapConfig,
      name: config.name,
      type: config.type,
      idAttribute: config.idAttribute ?? AD_ID_ATTRIBUTE,
      usersFilter: config.usersFilter ?? AD_USERS_FILTER,
      contactsFilter: config.contactsFilter ?? AD_CONTACTS_FILTER,
    },
    context,
    {
      loginNames: ({ reader, bases }) => new AdLoginNames(bases, naming, reader),
      explainBindError: explainAdBindDiagnostic,
    },
  );
}

/** `upnSuffixes` and `netbiosName`, as the schema allows them (checked again for configs built in code). */
function namingConfig(source: string, upnSuffixes: unknown, netbiosName: unknown): AdNamingConfig {
  const fail = (message: string): never => {
    throw new SourceError(source, message);
  };
  if (
    upnSuffixes !== undefined &&
    (!Array.isArray(upnSuffixes) || !upnSuffixes.every((s) => typeof s === 'string' && /^[^@\\\s]+$/.test(s)))
  ) {
    fail('upnSuffixes must be a list of domain names such as example.test');
  }
  if (
    netbiosName !== undefined &&
    (typeof netbiosName !== 'string' || !/^[^\\/:*?"<>|.\s][^\\/:*?"<>|\s]{0,14}$/.test(netbiosName))
  ) {
    fail('netbiosName must be a NetBIOS domain name such as EXAMPLE (at most 15 characters)');
  }
  return {
    ...(upnSuffixes === undefined ? {} : { upnSuffixes: upnSuffixes as string[] }),
    ...(netbiosName === undefined ? {} : { netbiosName: netbiosName as string }),
  };
}

export { AD_DEFAULT_MAP } from './default-map.js';
