/**
 * slapd.conf for the Domino stand-in, as TEST-BACKENDS.md gives it: the empty suffix (namingContexts
 * is the empty DN, as on Domino), no size or time limit (Domino's default), and ACLs shaped like
 * Domino's: root DSE and schema for all, password items readable only by the service account and
 * usable for binds by anonymous, a few name fields for anonymous, everything else after a bind.
 * slapd.conf takes no comment at the end of a line, so none are put there.
 */
import {
  ANONYMOUS_ATTRIBUTES,
  PASSWORD_ATTRIBUTES,
  ROOT_DN,
  ROOT_PASSWORD,
  SERVICE_DN,
} from './directory.js';

export interface DominoConfPaths {
  readonly schema: string;
  readonly pidFile: string;
  readonly dataDir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Serve `cn=Monitor` (operation counters) to the rootdn; not part of Domino's shape. */
  readonly monitor?: boolean;
}

export function dominoSlapdConf(paths: DominoConfPaths): string {
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${paths.schema}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `pidfile ${paths.pidFile}`,
    `TLSCACertificateFile ${paths.caCert}`,
    `TLSCertificateFile ${paths.serverCert}`,
    `TLSCertificateKeyFile ${paths.serverKey}`,
    'sizelimit unlimited',
    'timelimit unlimited',
    'access to dn.base="" by * read',
    'access to dn.base="cn=Subschema" by * read',
    `access to attrs=${PASSWORD_ATTRIBUTES.join(',')}`,
    `  by dn.exact="${SERVICE_DN}" read`,
    '  by anonymous auth',
    '  by * none',
    `access to attrs=entry,${ANONYMOUS_ATTRIBUTES.join(',')}`,
    '  by * read',
    'access to * by users read by * none',
    ...(paths.monitor ? ['database monitor', `access to * by dn.exact="${ROOT_DN}" read by * none`] : []),
    'database mdb',
    'suffix ""',
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${paths.dataDir}`,
    'index objectClass,member eq',
    'index uid,ShortName,mail,InternetAddress,dominoUNID eq',
    'index cn,sn,givenName,telephoneNumber,mobile,ipPhone,OfficePhoneNumber,CellPhoneNumber eq,sub',
    '',
  ].join('\n');
}
