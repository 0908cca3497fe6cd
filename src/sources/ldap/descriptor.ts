/** The generic `ldap` source type: any LDAP directory, searched live or copied into a replica. */
import type { SourceConfig } from '../../config/types.js';
import type { SourceDescriptor } from '../source-descriptor.js';
import { validSettings } from '../valid-settings.js';
import { LDAP_DEFAULT_MAP } from './default-map.js';
import { readLdapSettings, type LdapSourceSettings } from './ldap-settings.js';
import { LdapSource, type LdapSourceLogger, type LdapSourceOptions } from './ldap-source.js';
import { LDAP_SETTINGS } from './settings-schema.js';

export interface LdapSourceContext {
  readonly logger?: LdapSourceLogger;
  /** The directory's `defaultCountry`, how national numbers are read when widening number searches. */
  readonly defaultCountry?: string;
}

export const LDAP_SOURCE: SourceDescriptor = {
  type: 'ldap',
  description:
    "Any LDAP directory (OpenLDAP, 389 DS, Domino's LDAP service, AD through plain LDAP), copied into a replica (the default) that follows changes by `modifyTimestamp`, or searched live: every search translated into an LDAP filter, widened where the backend's matching differs from dirbridge's (accents in names, number formats; dirbridge decides what matches; mail and logins compare alike on both and go down as written), and paged to the backend. Default map: each presented attribute from the LDAP attribute of the same name.",
  settings: LDAP_SETTINGS,
  pathSettings: ['tls.ca'],
  defaultMap: LDAP_DEFAULT_MAP,
  create: (config, context) => createLdapSource(config, context),
};

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
