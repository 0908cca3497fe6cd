/** How a domino source is built from its config: loaded only when a config has a domino source. */
import type { SourceConfig } from '../../config/types.js';
import { ldapFamilySource, type LdapSourceContext } from '../ldap/create-ldap-source.js';
import type { LdapSource } from '../ldap/ldap-source.js';
import { validSettings } from '../valid-settings.js';
import { DOMINO_SOURCE } from './descriptor.js';
import { DOMINO_ID_ATTRIBUTE } from './domino-defaults.js';
import { DominoLoginNames } from './domino-login-names.js';

/** What Domino's views index: names and mail. Nothing else is pushed down in live mode. */
const DOMINO_INDEXED = [
  'cn',
  'sn',
  'givenName',
  'displayName',
  'uid',
  'ShortName',
  'mail',
  'InternetAddress',
  'FirstName',
  'LastName',
  'FullName',
];

/** Builds a domino source from its config (checked and defaulted; nothing is contacted yet). */
export function createDominoSource(config: SourceConfig, context: LdapSourceContext = {}): LdapSource {
  const settled = validSettings(DOMINO_SOURCE, config);
  const idAttribute = settled.idAttribute as string;
  return ldapFamilySource(settled, context, {
    // A person without the dominoUNID item is identified by its DN.
    dnAsFallbackId: idAttribute.toLowerCase() === DOMINO_ID_ATTRIBUTE.toLowerCase(),
    pushdownLimits: { attributes: DOMINO_INDEXED, prefixOnly: true },
    loginNames: ({ reader, bases, scope }) => new DominoLoginNames(bases, scope, reader),
  });
}
