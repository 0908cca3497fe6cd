/**
 * A throw-away certificate authority for the TLS tests, made with the `openssl` command: a CA, a
 * server certificate (ECDSA P-256, SANs `localhost`, `127.0.0.1` and `::1`) and a client
 * certificate, written into a folder and reused while they are valid, so test runs do not mint new
 * keys each time. `extraServerNames` adds SANs to the server certificate (host names and IPv4
 * addresses, e.g. a Samba DC's `dc1.example.test` and `127.0.0.2`); a reused certificate without them
 * is reissued.
 *
 *   npx tsx scripts/test-backends/test-ca.ts [folder]    (default: <tmp>/dirbridge-test-ca)
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDebianPackages } from './debian-packages.js';

export interface TestCa {
  readonly folder: string;
  /** The CA certificate: what clients trust (`LDAPTLS_CACERT`, ldapts `ca`). */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** A client certificate the CA signed, for mutual TLS. */
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Reissue when the server certificate has less than this left, so a reused one never expires mid-run. */
const MIN_REMAINING_MS = 24 * 60 * 60 * 1000;

export interface TestCaOptions {
  /** More subject alternative names for the server certificate: DNS names or IPv4 addresses. */
  readonly extraServerNames?: readonly string[];
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function sanEntry(name: string): string {
  return IPV4.test(name) ? `IP:${name}` : `DNS:${name}`;
}

function serverExtensions(extraNames: readonly string[]): string {
  const sans = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'];
  for (const name of extraNames) if (!sans.includes(sanEntry(name))) sans.push(sanEntry(name));
  return [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${sans.join(', ')}`,
  ].join('\n');
}

const CLIENT_EXTENSIONS = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = clientAuth',
].join('\n');

const CA_CONFIG = [
  '[req]',
  'distinguished_name = dn',
  'x509_extensions = ca',
  'prompt = no',
  '[dn]',
  'CN = dirbridge test CA',
  '[ca]',
  'basicConstraints = critical, CA:TRUE, pathlen:0',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
].join('\n');

export function defaultTestCaFolder(): string {
  return join(tmpdir(), 'dirbridge-test-ca');
}

/** The CA and certificates in `folder`, made there first unless valid ones already exist. */
export function ensureTestCa(folder: string = defaultTestCaFolder(), options: TestCaOptions = {}): TestCa {
  const extraNames = options.extraServerNames ?? [];
  const ca = paths(resolve(folder));
  if (isUsable(ca, extraNames)) return ca;
  ensureDebianPackages([{ command: 'openssl', pkg: 'openssl' }]);
  mkdirSync(ca.folder, { recursive: true, mode: 0o700 });
  // Made in a private scratch folder and moved into place, so a concurrent run never reads half a CA
  // and keys are never readable by others, not even for a moment.
  const scratch = mkdtempSync(join(ca.folder, '.new-'));
  try {
    generate(paths(scratch), extraNames);
    for (const name of FILE_NAMES) renameSync(join(scratch, name), join(ca.folder, name));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return ca;
}

const FILE_NAMES = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem', 'client.pem', 'client-key.pem'];

function paths(folder: string): TestCa & { readonly caKey: string } {
  return {
    folder,
    caCert: join(folder, 'ca.pem'),
    caKey: join(folder, 'ca-key.pem'),
    serverCert: join(folder, 'server.pem'),
    serverKey: join(folder, 'server-key.pem'),
    clientCert: join(folder, 'client.pem'),
    clientKey: join(folder, 'client-key.pem'),
  };
}

function isUsable(ca: ReturnType<typeof paths>, extraNames: readonly string[]): boolean {
  if (!FILE_NAMES.every((name) => existsSync(join(ca.folder, name)))) return false;
  try {
    const server = new X509Certificate(readFileSync(ca.serverCert));
    const issuer = new X509Certificate(readFileSync(ca.caCert));
    const sans = (server.subjectAltName ?? '').split(', ');
    const hasNames = extraNames.every((name) =>
      sans.includes(IPV4.test(name) ? `IP Address:${name}` : `DNS:${name}`),
    );
    return (
      hasNames && server.checkIssued(issuer) && Date.parse(server.validTo) - Date.now() > MIN_REMAINING_MS
    );
  } catch {
    return false;
  }
}

function generate(ca: ReturnType<typeof paths>, extraNames: readonly string[]): void {
  const caConfig = join(ca.folder, 'ca.cnf');
  writeFileSync(caConfig, CA_CONFIG);
  newKey(ca.caKey);
  openssl(
    ['req', '-x509', '-new', '-key', ca.caKey, '-sha256', '-days', '3650'].concat([
      '-config',
      caConfig,
      '-out',
      ca.caCert,
    ]),
  );
  issue(ca, 'localhost', serverExtensions(extraNames), ca.serverKey, ca.serverCert);
  issue(ca, 'dirbridge test client', CLIENT_EXTENSIONS, ca.clientKey, ca.clientCert);
}

/** An ECDSA P-256 key, readable by its owner only. */
function newKey(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  chmodSync(file, 0o600);
}

function issue(
  ca: ReturnType<typeof paths>,
  commonName: string,
  extensions: string,
  keyFile: string,
  certFile: string,
): void {
  newKey(keyFile);
  const request = `${certFile}.csr`;
  const extensionFile = `${certFile}.ext`;
  writeFileSync(extensionFile, extensions);
  openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${commonName}`, '-out', request]);
  openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    ca.caCert,
    '-CAkey',
    ca.caKey,
    '-set_serial',
    `0x${randomSerial()}`,
    '-days',
    '825',
    '-sha256',
    '-extfile',
    extensionFile,
    '-out',
    certFile,
  ]);
}

function randomSerial(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .replace(/^[89a-f]/, '1'); // a positive serial number
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr.trim()}`, { cause: error });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ca = ensureTestCa(process.argv[2]);
  for (const [name, value] of Object.entries(ca)) process.stdout.write(`${name}: ${value}\n`);
}
