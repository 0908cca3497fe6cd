/** How dirbridge checks a backend's certificate: the configured CAs (or the system's), TLS 1.2+. */
import type { ConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';
import type { LdapTlsSettings } from './ldap-settings.js';

export function backendTlsOptions(tls: LdapTlsSettings, url: string): ConnectionOptions {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    rejectUnauthorized: tls.rejectUnauthorized,
    // SNI takes names only; an IP address is still checked against the certificate's IP SANs.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    minVersion: 'TLSv1.2',
  };
}
