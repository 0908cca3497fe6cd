/** How ldap sources (and the types built on them) are built: loaded only when a config has one. */
import type { SourceConfig } from '../../config/types.js';
import { validSettings } from '../valid-settings.js';
import { LDAP_SOURCE } from './descriptor.js';
import { readLdapSettings, type LdapSourceSettings } from './ldap-settings.js';
import { LdapSource, type LdapSourceLogger, type LdapSourceOptions } from './ldap-source.js';

export interface LdapSourceContext {
  readonly logger?: LdapSourceLogger;
  /** The directory's `defaultCountry`, how national numbers are read when widening number searches. */
  readonly defaultCountry?: string;
}

/** Builds an ldap source from its config (checked and defaulted; nothing is contacted yet). */
export function createLdapSource(config: SourceConfig, context: LdapSourceContext = {}): LdapSource {
  return ldapFamilySource(validSettings(LDAP_SOURCE, config), context);
}

/**
 * An ldap source from a config a type built on it (ad, domino) has already checked against its own
 * version of the settings; `options` are that type's differences in behaviour.
 */
export function ldapFamilySource(
  config: SourceConfig,
  context: LdapSourceContext,
  options: LdapSourceOptions = {},
): LdapSource {
  return new LdapSource(readLdapSettings(config, context.defaultCountry ?? 'DE'), context.logger, options);
}

/** An ldap source's settings from its config, checked and defaulted as the loader would. */
export function ldapSourceSettings(config: SourceConfig, defaultCountry = 'DE'): LdapSourceSettings {
  return readLdapSettings(validSettings(LDAP_SOURCE, config), defaultCountry);
}
