/** The generic `ldap` source type: any LDAP directory, searched live. */
import type { SourceConfig } from '../../config/types.js';
import { ldapSourceSettings } from './ldap-settings.js';
import { LdapSource } from './ldap-source.js';
import type { LdapSourceLogger, LdapSourceOptions } from './ldap-source.js';

export interface LdapSourceContext {
  readonly logger?: LdapSourceLogger;
  /** The directory's `defaultCountry`, how national numbers are read when widening number searches. */
  readonly defaultCountry?: string;
}

/** Builds an ldap source from its config (settings defaulted and checked; nothing is contacted yet). */
export function createLdapSource(
  config: SourceConfig,
  context: LdapSourceContext = {},
  options: LdapSourceOptions = {},
): LdapSource {
  return new LdapSource(ldapSourceSettings(config, context.defaultCountry), context.logger, options);
}

export { LDAP_DEFAULT_MAP } from './default-map.js';
export { LdapSource } from './ldap-source.js';
export type { LdapSourceLogger, LdapSourceOptions, LoginNamesContext } from './ldap-source.js';
export { ldapSourceSettings } from './ldap-settings.js';
export type { LdapSourceSettings } from './ldap-settings.js';
export { PushdownFilter, nationalDigits, numberPrefixOf, ACCENTABLE_LETTERS } from './pushdown-filter.js';
export { guidToUuid, uuidToGuid } from './ldap-entry.js';
