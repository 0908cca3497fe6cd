/**
 * A private OpenLDAP slapd for tests (TEST-BACKENDS.md): its own config and mdb database in
 * `.test-run/slapd-<name>/`, suffix `dc=example,dc=test`, a service account, plain LDAP and LDAPS
 * (certificate from the test CA) on free loopback ports, loaded with slapadd from the LDIF a test
 * gives. Never the system service: the packages are installed with service starts forbidden, and
 * the daemon runs in the foreground as this process's child, so stop() is a kill.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installSlapd, launchSlapd, launchSlapdOnFreePorts, stopChild } from './slapd-daemon.js';
import { ensureTestCa } from './test-ca.js';

export const SLAPD_SUFFIX = 'dc=example,dc=test';
export const SLAPD_SERVICE_DN = `cn=dirbridge,${SLAPD_SUFFIX}`;
export const SLAPD_SERVICE_PASSWORD = 'svc-Secret-42';
/** The database's rootdn: what a test writes to the directory as (never dirbridge). */
export const SLAPD_ROOT_DN = `cn=admin,${SLAPD_SUFFIX}`;
export const SLAPD_ROOT_PASSWORD = 'admin-Secret-42';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface SlapdOptions {
  /** Names the instance's folder, `.test-run/slapd-<name>/`. */
  readonly name: string;
  /** Entries under the suffix (the suffix entry and the service account are added before them). */
  readonly ldif: string;
  /**
   * Also serve slapd's monitor (`cn=Monitor`, readable by the rootdn only), so a test can count
   * what the backend answered, e.g. the entries it sent (test/e2e/support/slapd-monitor.ts).
   */
  readonly monitor?: boolean;
}

export interface Slapd {
  readonly folder: string;
  readonly ldapUrl: string;
  readonly ldapsUrl: string;
  /** The CA that signed the LDAPS certificate. */
  readonly caCert: string;
  readonly suffix: string;
  readonly serviceDn: string;
  readonly servicePassword: string;
  readonly rootDn: string;
  readonly rootPassword: string;
  /** Runs `action` on a plain LDAP connection bound as the rootdn (adds, changes, deletions). */
  asRoot<T>(action: (client: Client) => Promise<T>): Promise<T>;
  /** Freezes the daemon (SIGSTOP): connections are accepted by the kernel but never answered. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  /** Starts it again after stop(): same ports, same data (a backend that comes back). */
  restart(): Promise<void>;
}

/** Small schema: AD's ipPhone (its OID) and contact class, so AD-shaped data fits a stock slapd. */
const SCHEMA = `attributetype ( 1.2.840.113556.1.4.721 NAME 'ipPhone'
  EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 )
objectclass ( 1.3.6.1.4.1.4203.666.11.77.1 NAME 'dirbridgeTestPhones' AUXILIARY MAY ( ipPhone ) )
objectclass ( 1.2.840.113556.1.5.15 NAME 'contact' SUP organizationalPerson STRUCTURAL
  MAY ( mail $ displayName $ givenName $ ipPhone $ mobile ) )
`;

export async function startSlapd(options: SlapdOptions): Promise<Slapd> {
  installSlapd();
  const folder = join(REPO, '.test-run', `slapd-${options.name}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'data'), { recursive: true, mode: 0o700 });
  const ca = ensureTestCa();
  writeFileSync(join(folder, 'test.schema'), SCHEMA);
  const conf = join(folder, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${join(folder, 'test.schema')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${join(folder, 'slapd.pid')}`,
      `TLSCACertificateFile ${ca.caCert}`,
      `TLSCertificateFile ${ca.serverCert}`,
      `TLSCertificateKeyFile ${ca.serverKey}`,
      // Unpaged searches stop at 1000 entries; paged ones may read everything in pages of <= 500.
      'sizelimit size.soft=1000 size.hard=1000 size.pr=500 size.prtotal=unlimited',
      'access to dn.base="" by * read',
      'access to dn.base="cn=Subschema" by * read',
      'access to attrs=userPassword by self write by anonymous auth by * none',
      `access to * by dn.exact="${SLAPD_SERVICE_DN}" read by * none`,
      ...(options.monitor
        ? ['database monitor', `access to * by dn.exact="${SLAPD_ROOT_DN}" read by * none`]
        : []),
      'database mdb',
      `suffix "${SLAPD_SUFFIX}"`,
      `rootdn "${SLAPD_ROOT_DN}"`,
      `rootpw ${SLAPD_ROOT_PASSWORD}`,
      `directory ${join(folder, 'data')}`,
      'index objectClass eq',
      'index cn,sn,givenName,mail,telephoneNumber,mobile eq,sub',
      '',
    ].join('\n'),
  );
  const base = [
    `dn: ${SLAPD_SUFFIX}`,
    'objectClass: dcObject',
    'objectClass: organization',
    'dc: example',
    'o: Example',
    '',
    `dn: ${SLAPD_SERVICE_DN}`,
    'objectClass: organizationalRole',
    'objectClass: simpleSecurityObject',
    'cn: dirbridge',
    `userPassword: ${SLAPD_SERVICE_PASSWORD}`,
    '',
  ].join('\n');
  const ldif = join(folder, 'seed.ldif');
  writeFileSync(ldif, `${base}\n${options.ldif.trim()}\n`);
  execFileSync('slapadd', ['-q', '-f', conf, '-l', ldif], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = join(folder, 'slapd.log');
  const started = await launchSlapdOnFreePorts({ conf, log });
  const { ldapPort, ldapsPort } = started;
  let child = started.child;
  const ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
  const ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
  const run = (): Promise<ChildProcess> => launchSlapd({ conf, ldapPort, ldapsPort, log });
  return {
    folder,
    ldapUrl,
    ldapsUrl,
    caCert: ca.caCert,
    suffix: SLAPD_SUFFIX,
    serviceDn: SLAPD_SERVICE_DN,
    servicePassword: SLAPD_SERVICE_PASSWORD,
    rootDn: SLAPD_ROOT_DN,
    rootPassword: SLAPD_ROOT_PASSWORD,
    asRoot: (action) => asRoot(ldapUrl, action),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: () => {
      child.kill('SIGCONT');
      return stopChild(child);
    },
    restart: async () => {
      if (child.exitCode === null && child.signalCode === null) throw new Error('slapd is running');
      child = await run();
    },
  };
}

async function asRoot<T>(url: string, action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url, timeout: 10_000, connectTimeout: 5_000 });
  try {
    await client.bind(SLAPD_ROOT_DN, SLAPD_ROOT_PASSWORD);
    return await action(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
