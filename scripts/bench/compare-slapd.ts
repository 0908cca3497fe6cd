/**
 * The OpenLDAP side of `npm run bench:compare`: a slapd (mdb) loaded with the bench's phonebook,
 * indexed as a phone directory would be, and a second slapd with back-ldap in front of it. Both run
 * in the foreground as this process's children (TEST-BACKENDS.md), on free loopback ports, each its
 * own process so that the CPU each spends can be read from /proc apart.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { installSlapd, launchSlapdOnFreePorts, stopChild } from '../test-backends/slapd-daemon.js';
import { ensureTestCa } from '../test-backends/test-ca.js';
import { PERSON_COLUMNS } from './phonebook.js';

export const SLAPD_SUFFIX = 'dc=example,dc=test';
export const PEOPLE_BASE = `ou=people,${SLAPD_SUFFIX}`;
export const SERVICE_DN = `cn=dirbridge,${SLAPD_SUFFIX}`;
export const SERVICE_PASSWORD = 'svc-Bench-42';

/**
 * AD's ipPhone, department and company (their OIDs), so the phonebook's columns fit a stock slapd
 * with the same names as the file source's, and the answers of both carry the same attributes.
 */
const SCHEMA = `attributetype ( 1.2.840.113556.1.4.721 NAME 'ipPhone'
  EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.2.840.113556.1.2.146 NAME 'company'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.4203.666.11.77.2 NAME 'dirbridgeBenchPerson' AUXILIARY
  MAY ( ipPhone $ department $ company ) )
`;

export interface RunningSlapd {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface SlapdPair {
  /** slapd with the mdb database. */
  readonly direct: RunningSlapd;
  /** slapd with back-ldap, forwarding everything (binds too) to `direct`. */
  readonly proxy: RunningSlapd;
  stop(): Promise<void>;
}

/** The phonebook CSV as rows of column -> value. */
export function phonebookRows(csv: string): Record<string, string>[] {
  return parse<Record<string, string>>(csv, { columns: true, skip_empty_lines: true });
}

function ldifLine(name: string, value: string): string {
  // Plain only when LDIF allows it (RFC 2849 SAFE-STRING); anything else, accents too, in base64.
  const safe = /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** The people as LDIF under `ou=people`, `uid=<id>` each, multi-valued cells split on `|`. */
export function peopleLdif(rows: readonly Record<string, string>[]): string {
  const head = [
    `dn: ${SLAPD_SUFFIX}`,
    'objectClass: dcObject',
    'objectClass: organization',
    'dc: example',
    'o: Example',
    '',
    `dn: ${SERVICE_DN}`,
    'objectClass: organizationalRole',
    'objectClass: simpleSecurityObject',
    'cn: dirbridge',
    `userPassword: ${ssha(SERVICE_PASSWORD)}`,
    '',
    `dn: ${PEOPLE_BASE}`,
    'objectClass: organizationalUnit',
    'ou: people',
    '',
  ];
  const people = rows.map((row) => {
    const lines = [
      `dn: uid=${row.id},${PEOPLE_BASE}`,
      'objectClass: inetOrgPerson',
      'objectClass: dirbridgeBenchPerson',
      `uid: ${row.id}`,
    ];
    for (const attribute of PERSON_COLUMNS) {
      for (const value of (row[attribute] ?? '').split('|')) {
        if (value !== '') lines.push(ldifLine(attribute, value));
      }
    }
    return `${lines.join('\n')}\n`;
  });
  return `${head.join('\n')}\n${people.join('\n')}`;
}

function tlsLines(): string[] {
  // launchSlapd opens an LDAPS port as well: it needs a certificate even though the bench uses ldap://.
  const ca = ensureTestCa();
  return [
    `TLSCACertificateFile ${ca.caCert}`,
    `TLSCertificateFile ${ca.serverCert}`,
    `TLSCertificateKeyFile ${ca.serverKey}`,
  ];
}

function schemaLines(folder: string): string[] {
  writeFileSync(join(folder, 'bench.schema'), SCHEMA);
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${join(folder, 'bench.schema')}`,
    'modulepath /usr/lib/ldap',
  ];
}

async function launch(folder: string, conf: string): Promise<RunningSlapd> {
  const started = await launchSlapdOnFreePorts({ conf, log: join(folder, 'slapd.log') });
  const child: ChildProcess = started.child;
  return {
    url: `ldap://127.0.0.1:${started.ldapPort}`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

/** slapd (mdb) loaded with `ldif` by slapadd, then back-ldap in front of it. */
export async function startSlapdPair(folder: string, ldif: string): Promise<SlapdPair> {
  installSlapd();
  const mdbFolder = join(folder, 'slapd-mdb');
  mkdirSync(join(mdbFolder, 'data'), { recursive: true, mode: 0o700 });
  const mdbConf = join(mdbFolder, 'slapd.conf');
  writeFileSync(
    mdbConf,
    [
      ...schemaLines(mdbFolder),
      'moduleload back_mdb',
      `pidfile ${join(mdbFolder, 'slapd.pid')}`,
      ...tlsLines(),
      // No server-side limit: the clients' sizeLimit (50 for phones) and page size decide.
      'sizelimit unlimited',
      'access to dn.base="" by * read',
      'access to dn.base="cn=Subschema" by * read',
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by users read by * none',
      'database mdb',
      // mdb's default map is 10 MiB: far too small for 100,000 people.
      'maxsize 8589934592',
      `suffix "${SLAPD_SUFFIX}"`,
      `directory ${join(mdbFolder, 'data')}`,
      'index objectClass eq',
      'index cn,sn,givenName,telephoneNumber,mobile eq,sub',
      'index mail eq',
      '',
    ].join('\n'),
  );
  const ldifFile = join(mdbFolder, 'people.ldif');
  writeFileSync(ldifFile, ldif);
  execFileSync('slapadd', ['-q', '-f', mdbConf, '-l', ldifFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const direct = await launch(mdbFolder, mdbConf);

  const proxyFolder = join(folder, 'slapd-back-ldap');
  mkdirSync(proxyFolder, { recursive: true });
  const proxyConf = join(proxyFolder, 'slapd.conf');
  writeFileSync(
    proxyConf,
    [
      ...schemaLines(proxyFolder),
      'moduleload back_ldap',
      `pidfile ${join(proxyFolder, 'slapd.pid')}`,
      ...tlsLines(),
      'sizelimit unlimited',
      'database ldap',
      `suffix "${SLAPD_SUFFIX}"`,
      `uri "${direct.url}/"`,
      '',
    ].join('\n'),
  );
  let proxy: RunningSlapd;
  try {
    proxy = await launch(proxyFolder, proxyConf);
  } catch (error) {
    await direct.stop();
    throw error;
  }
  return {
    direct,
    proxy,
    stop: async () => {
      await proxy.stop();
      await direct.stop();
    },
  };
}
