/** How an ad source is built from its config: loaded only when a config has an ad source. */
import type { SourceConfig } from '../../config/types.js';
import { ldapFamilySource, type LdapSourceContext } from '../ldap/create-ldap-source.js';
import type { LdapSource } from '../ldap/ldap-source.js';
import { validSettings } from '../valid-settings.js';
import { AdLoginNames, type AdNamingConfig } from './ad-login-names.js';
import { explainAdBindDiagnostic } from './bind-diagnostic.js';
import { AD_SOURCE } from './descriptor.js';
import { UsnMark } from './usn-mark.js';

/** Builds an ad source from its config (checked and defaulted; nothing is contacted yet). */
export function createAdSource(config: SourceConfig, context: LdapSourceContext = {}): LdapSource {
  const settled = validSettings(AD_SOURCE, config);
  const naming: AdNamingConfig = {
    ...(settled.upnSuffixes === undefined ? {} : { upnSuffixes: settled.upnSuffixes as string[] }),
    ...(settled.netbiosName === undefined ? {} : { netbiosName: settled.netbiosName as string }),
  };
  return ldapFamilySource(settled, context, {
    loginNames: ({ reader, bases }) => new AdLoginNames(bases, naming, reader),
    explainBindError: explainAdBindDiagnostic,
    changeMark: (backend) => new UsnMark(backend),
  });
}
