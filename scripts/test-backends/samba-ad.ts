/**
 * A real Active Directory for the end-to-end tests: a Samba AD DC (LDAP service only) on
 * 127.0.0.2, provisioned into `.test-run/samba-ad/` and seeded with the users of DOMAIN.md's bind
 * table, two contacts and 2,500 users for paging (recipe: /work/shared/TEST-BACKENDS.md). A
 * provisioned and seeded folder (marker `seeded.json`) is reused, so later runs start in about a
 * second. Must run as root (Samba's ports are fixed); installs its Debian packages when missing.
 *
 *   npx tsx scripts/test-backends/samba-ad.ts start|stop|status [folder]
 *
 * The locked-out user (`locked`) has a password policy (PSO) of its own with a lockout threshold of
 * 3: a test locks it with three wrong binds, after first unlocking it (`lockoutTime: 0` as
 * Administrator) because a reused DC may still hold it locked from an earlier run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Attribute, Change, Client } from 'ldapts';
import { ensureTestCa } from './test-ca.js';

/**
 * Samba's ports are fixed, so two DCs side by side need two loopback addresses: a second checkout
 * running its own tests sets DIRBRIDGE_TEST_AD_ADDRESS (127.0.0.3, say) and its own folder.
 */
export const SAMBA_AD_ADDRESS = process.env.DIRBRIDGE_TEST_AD_ADDRESS ?? '127.0.0.2';
export const SAMBA_AD_BASE_DN = 'DC=example,DC=test';
const REALM = 'EXAMPLE.TEST';
const DOMAIN = 'EXAMPLE';
const ADMIN_PASSWORD = 'Passw0rd!Admin';
const ADMIN_DN = `CN=Administrator,CN=Users,${SAMBA_AD_BASE_DN}`;
/** Bump when the seed changes: a folder seeded with another version is provisioned afresh. */
const SEED_VERSION = 3;
export const PAGING_USERS = 2500;
/** The service account dirbridge searches with: an ordinary domain user, no admin rights. */
const SERVICE_ACCOUNT = { sam: 'svc-dirbridge', password: 'Quiet#Reader-4096' } as const;
const PAGING_OU = `OU=Paging,${SAMBA_AD_BASE_DN}`;
const CONTACTS_OU = `OU=Contacts,${SAMBA_AD_BASE_DN}`;
/**
 * Samba's log level: errors, plus one `Auth: [LDAP,simple bind/TLS] user [...]\[<name>] ... status
 * [NT_STATUS_...] ... mapped to|became [EXAMPLE]\[<sam>]` line per simple bind that reaches its
 * authentication (failures are logged from level 2, successes from 3), so tests can tell whether and
 * how often a bind through dirbridge reached the DC.
 */
const SAMBA_LOG_LEVEL = '1 auth_audit:3';

export function defaultSambaAdFolder(): string {
  return fileURLToPath(new URL('../../.test-run/samba-ad', import.meta.url));
}

export interface SambaAdUser {
  readonly sAMAccountName: string;
  readonly userPrincipalName: string;
  readonly dn: string;
  readonly password: string;
  /** What the user is for: the `data XXX` code a simple bind gets, or `success`. */
  readonly bindResult: string;
}

export interface SambaAdContact {
  readonly dn: string;
  readonly cn: string;
}

/** Everything a test needs to reach the DC; plain data, so it can pass through vitest's `provide`. */
export interface SambaAdInfo {
  /** `ldaps://127.0.0.2:636` */
  readonly url: string;
  /** `ldap://127.0.0.2:389`, for StartTLS (simple binds without TLS get 8 strongerAuthRequired). */
  readonly startTlsUrl: string;
  /** The test CA that issued the DC's certificate (SANs dc1.example.test, 127.0.0.2, ...). */
  readonly caFile: string;
  readonly baseDn: string;
  readonly realm: string;
  readonly netbiosDomain: string;
  readonly adminDn: string;
  readonly adminPassword: string;
  /** A low-privilege service account (an ordinary domain user) for dirbridge's searches. */
  readonly serviceAccount: {
    readonly dn: string;
    readonly userPrincipalName: string;
    readonly password: string;
  };
  readonly users: Readonly<Record<SeededUserKey, SambaAdUser>>;
  readonly contacts: readonly SambaAdContact[];
  readonly pagingUsers: number;
  readonly folder: string;
  /** Samba's output, with one authentication audit line per simple bind it saw (SAMBA_LOG_LEVEL). */
  readonly logFile: string;
}

export interface SambaAd extends SambaAdInfo {
  /** Samba's root process, which leads its process group (for CPU figures from /proc). */
  readonly pid: number;
  /** SIGTERM to Samba's process group; resolves when it has exited. */
  readonly stop: () => Promise<void>;
}

export interface SambaAdOptions {
  /** Where to provision: default `<repo>/.test-run/samba-ad`. */
  readonly folder?: string;
  /** Provision and seed afresh even when the folder is intact. */
  readonly fresh?: boolean;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

type SeededUserKey =
  | 'alice'
  | 'disabled'
  | 'mustChange'
  | 'accountExpired'
  | 'passwordExpired'
  | 'lockedOut'
  | 'logonHours'
  | 'workstation'
  | 'utf8'
  | 'escapedCn';

interface UserSeed {
  readonly key: SeededUserKey;
  readonly sam: string;
  readonly cn: string;
  readonly password: string;
  readonly bindResult: string;
  /** samba-tool user create options. */
  readonly createOptions: readonly string[];
}

// No password contains its account name (AD's complexity rule).
const USER_SEEDS: readonly UserSeed[] = [
  {
    key: 'alice',
    sam: 'alice',
    cn: 'Alice Anderson',
    password: 'Bright#Lake-2041',
    bindResult: 'success',
    createOptions: [
      '--given-name=Alice',
      '--surname=Anderson',
      '--mail-address=alice@example.test',
      '--telephone-number=+49 30 1234567-10',
      '--department=Sales',
      '--job-title=Account Manager',
      '--company=Example GmbH',
    ],
  },
  user('disabled', 'dora', 'Dora Disabled', 'Calm#River-533', 'data 533'),
  // Options given replace the default name options: without them the CN would be `mike`.
  user('mustChange', 'mike', 'Mike Mustchange', 'Green#Field-773', 'data 773', [
    '--given-name=Mike',
    '--surname=Mustchange',
    '--must-change-at-next-login',
  ]),
  user('accountExpired', 'erin', 'Erin Expired', 'Quiet#Hill-701', 'data 701'),
  user('passwordExpired', 'peter', 'Peter Pwexpired', 'Old#Winter-532', 'data 532'),
  user('lockedOut', 'locked', 'Larry Locked', 'Stone#Bridge-775', 'data 775'),
  user('logonHours', 'nora', 'Nora Nohours', 'Late#Night-530', 'data 530'),
  user('workstation', 'walter', 'Walter Workstation', 'Other#Desk-531', 'data 531'),
  user('utf8', 'joerg', 'Jörg Müller', 'Berlin#Tor-2024', 'success', [
    '--given-name=Jörg',
    '--surname=Müller',
    '--mail-address=joerg.mueller@example.test',
  ]),
  // samba-tool cannot make a CN with a comma: created with CN=jsmith, then renamed.
  user('escapedCn', 'jsmith', 'John Smith, Jr.', 'Junior#Oak-2024', 'success', [
    '--use-username-as-cn',
    '--given-name=John',
    '--surname=Smith',
  ]),
];

function user(
  key: SeededUserKey,
  sam: string,
  cn: string,
  password: string,
  bindResult: string,
  createOptions?: readonly string[],
): UserSeed {
  const [given = cn, surname = cn] = cn.split(' ');
  return {
    key,
    sam,
    cn,
    password,
    bindResult,
    createOptions: createOptions ?? [`--given-name=${given}`, `--surname=${surname}`],
  };
}

function escapeRdnValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}

function userDn(seed: UserSeed): string {
  return `CN=${escapeRdnValue(seed.cn)},CN=Users,${SAMBA_AD_BASE_DN}`;
}

const CONTACT_SEEDS = [
  {
    cn: 'Carol Contact',
    attributes: {
      givenName: 'Carol',
      sn: 'Contact',
      telephoneNumber: '030/1234567-12',
      mobile: '+49 (170) 1234567',
      mail: 'carol@partner.example',
    },
  },
  {
    cn: 'Dave Supplier',
    attributes: {
      givenName: 'Dave',
      sn: 'Supplier',
      telephoneNumber: '+49 (30) 1234567 13',
      facsimileTelephoneNumber: '004989 7654322',
      mobile: '0171 7654321',
    },
  },
] as const;

interface Layout {
  readonly folder: string;
  readonly smbConf: string;
  readonly samLdb: string;
  readonly marker: string;
  readonly groupPidFile: string;
  readonly logDir: string;
  readonly sambaOut: string;
  readonly tlsDir: string;
}

function layout(folder: string): Layout {
  return {
    folder,
    smbConf: join(folder, 'etc', 'smb.conf'),
    samLdb: join(folder, 'private', 'sam.ldb'),
    marker: join(folder, 'seeded.json'),
    groupPidFile: join(folder, 'samba-group.pid'),
    logDir: join(folder, 'log'),
    sambaOut: join(folder, 'log', 'samba.out'),
    tlsDir: join(folder, 'tls'),
  };
}

function info(l: Layout, caFile: string): SambaAdInfo {
  const users = Object.fromEntries(
    USER_SEEDS.map((seed) => [
      seed.key,
      {
        sAMAccountName: seed.sam,
        userPrincipalName: `${seed.sam}@${REALM.toLowerCase()}`,
        dn: userDn(seed),
        password: seed.password,
        bindResult: seed.bindResult,
      },
    ]),
  ) as Record<SeededUserKey, SambaAdUser>;
  return {
    url: `ldaps://${SAMBA_AD_ADDRESS}:636`,
    startTlsUrl: `ldap://${SAMBA_AD_ADDRESS}:389`,
    caFile,
    baseDn: SAMBA_AD_BASE_DN,
    realm: REALM,
    netbiosDomain: DOMAIN,
    adminDn: ADMIN_DN,
    adminPassword: ADMIN_PASSWORD,
    serviceAccount: {
      dn: `CN=${SERVICE_ACCOUNT.sam},CN=Users,${SAMBA_AD_BASE_DN}`,
      userPrincipalName: `${SERVICE_ACCOUNT.sam}@${REALM.toLowerCase()}`,
      password: SERVICE_ACCOUNT.password,
    },
    users,
    contacts: CONTACT_SEEDS.map((c) => ({ cn: c.cn, dn: `CN=${c.cn},${CONTACTS_OU}` })),
    pagingUsers: PAGING_USERS,
    folder: l.folder,
    logFile: l.sambaOut,
  };
}

// ---------------------------------------------------------------------------------------------
// Installing

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${what} needs root (Samba listens on the fixed ports 389/636). Run as root:\n` +
        '  sudo npx tsx scripts/test-backends/samba-ad.ts start',
    );
  }
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function hasPackage(pkg: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .includes('install ok installed');
  } catch {
    return false;
  }
}

const PACKAGES = ['samba-ad-dc', 'samba-ad-provision', 'ldap-utils', 'openssl'];
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** Installs Samba AD and the LDAP tools when missing, without letting apt start any service. */
export function ensureSambaPackages(log: (line: string) => void = stderrLog): void {
  const commands = ['samba', 'samba-tool', 'ldapadd', 'ldapsearch', 'openssl'];
  const missing = PACKAGES.filter((pkg) => !hasPackage(pkg));
  if (missing.length === 0 && commands.every(hasCommand)) return;
  const toInstall = missing.length > 0 ? missing : PACKAGES;
  const command =
    'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ' +
    toInstall.join(' ');
  if (process.getuid?.() !== 0) {
    throw new Error(`The Samba AD tests need ${toInstall.join(', ')}. Install as root:\n  ${command}`);
  }
  log(`Installing ${toInstall.join(' ')}`);
  // Keep the package scripts from starting smbd/nmbd/winbind: only our own guard is removed again.
  const ownGuard = !existsSync(POLICY_RC_D);
  if (ownGuard) writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    retry(() => execFileSync('apt-get', ['update', '-o', 'DPkg::Lock::Timeout=600'], { stdio: 'inherit' }));
    execFileSync(
      'apt-get',
      ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', ...toInstall],
      { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
    );
  } catch (error) {
    throw new Error(`Installing ${toInstall.join(', ')} failed. Run as root:\n  ${command}`, {
      cause: error,
    });
  } finally {
    if (ownGuard) rmSync(POLICY_RC_D, { force: true });
  }
  const still = commands.filter((c) => !hasCommand(c));
  if (still.length > 0) throw new Error(`After installing, still missing: ${still.join(', ')}`);
}

/** apt-get update fails at once while another apt holds the lists lock: try a few times. */
function retry(action: () => void, attempts = 5): void {
  for (let attempt = 1; ; attempt++) {
    try {
      action();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      execFileSync('sleep', ['5']);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Provisioning

function isIntact(l: Layout): boolean {
  if (!existsSync(l.smbConf) || !existsSync(l.samLdb) || !existsSync(l.marker)) return false;
  try {
    const marker = JSON.parse(readFileSync(l.marker, 'utf8')) as { version?: unknown; address?: unknown };
    // A DC provisioned for another address (DIRBRIDGE_TEST_AD_ADDRESS) would listen there, not here.
    return marker.version === SEED_VERSION && marker.address === SAMBA_AD_ADDRESS;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ? { ...process.env, ...env } : process.env,
    }).toString();
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer };
    const output = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim();
    throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed:\n${output}`, { cause: error });
  }
}

function provision(l: Layout, caFile: string, certFile: string, keyFile: string): void {
  // Everything but the certificates goes: a half-provisioned folder is never patched up.
  if (existsSync(l.folder)) {
    for (const name of readdirSync(l.folder)) {
      if (name !== 'tls') rmSync(join(l.folder, name), { recursive: true, force: true });
    }
  }
  for (const dir of ['run', 'log']) mkdirSync(join(l.folder, dir), { recursive: true });
  const d = l.folder;
  run('samba-tool', [
    'domain',
    'provision',
    `--targetdir=${d}`,
    `--realm=${REALM}`,
    `--domain=${DOMAIN}`,
    '--host-name=dc1',
    '--server-role=dc',
    '--dns-backend=NONE',
    `--adminpass=${ADMIN_PASSWORD}`,
    `--option=interfaces=${SAMBA_AD_ADDRESS}/8`,
    '--option=bind interfaces only=yes',
    '--option=server services=ldap',
    // A throw-away DC: no fsync per write (Samba's own selftest setting); seeding is much faster.
    '--option=ldb:nosync=true',
    `--option=pid directory=${d}/run`,
    `--option=ncalrpc dir=${d}/run/ncalrpc`,
    `--option=winbindd socket directory=${d}/run/winbindd`,
    `--option=ntp signd socket directory=${d}/run/ntp_signd`,
    `--option=log file=${d}/log/log.%m`,
    '--option=tls enabled=yes',
    `--option=tls keyfile=${keyFile}`,
    `--option=tls certfile=${certFile}`,
    `--option=tls cafile=${caFile}`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Running

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((done) => setTimeout(done, ms));
}

/** Stops the Samba this folder's pid file names (a crashed run's), if it still runs. */
async function stopRecorded(l: Layout, timeoutMs = 15_000): Promise<boolean> {
  let stopped = false;
  // Our record of the process group first, then Samba's own pid file: a DC whose group record was
  // lost (a run killed half-way) would otherwise keep the ports, and the next start would "work"
  // against the old one.
  for (const file of [l.groupPidFile, join(l.folder, 'run', 'samba.pid')]) {
    const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
    if (Number.isInteger(pid) && pid > 1 && isAlive(pid) && isSamba(pid)) {
      await stopGroup(pid, timeoutMs);
      stopped = true;
    }
  }
  rmSync(l.groupPidFile, { force: true });
  return stopped;
}

function isSamba(pid: number): boolean {
  try {
    // Samba renames its processes ("samba: root process"); comm stays "samba".
    return readFileSync(`/proc/${String(pid)}/comm`, 'utf8').trim() === 'samba';
  } catch {
    return false;
  }
}

async function stopGroup(pid: number, timeoutMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && !isZombie(pid)) {
    if (Date.now() > deadline) {
      signalGroup(pid, 'SIGKILL');
      await sleep(200);
      return;
    }
    await sleep(50);
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function startSamba(l: Layout): ChildProcess {
  mkdirSync(l.logDir, { recursive: true });
  const out = openSync(l.sambaOut, 'w');
  try {
    const child = spawn(
      'samba',
      ['-s', l.smbConf, '-F', '-M', 'single', '--debug-stdout', '-d', SAMBA_LOG_LEVEL],
      {
        detached: true, // its own session and process group: stop() signals the whole group
        stdio: ['ignore', out, out],
      },
    );
    if (child.pid === undefined) throw new Error('samba did not start');
    writeFileSync(l.groupPidFile, `${String(child.pid)}\n`);
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

function ldapsClient(url: string, caFile: string, timeout = 5000): Client {
  return new Client({ url, timeout, connectTimeout: timeout, tlsOptions: { ca: [readFileSync(caFile)] } });
}

async function waitForLdaps(
  url: string,
  caFile: string,
  child: ChildProcess | undefined,
  l: Layout,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new Error(`samba exited (${String(child.exitCode)}) before LDAPS answered:\n${tail(l.sambaOut)}`);
    }
    const client = ldapsClient(url, caFile, 2000);
    try {
      await client.bind(ADMIN_DN, ADMIN_PASSWORD);
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.unbind().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`LDAPS on ${url} did not answer within ${String(timeoutMs)} ms:\n${tail(l.sambaOut)}`, {
        cause: lastError,
      });
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding

/** A Windows FILETIME (100 ns since 1601) for a Date. */
function fileTime(date: Date): string {
  return (BigInt(date.getTime() + 11_644_473_600_000) * 10_000n).toString();
}

function sambaTool(l: Layout, args: readonly string[]): void {
  run('samba-tool', [...args, '-s', l.smbConf]);
}

async function seed(l: Layout, ad: SambaAdInfo, log: (line: string) => void): Promise<void> {
  let started = Date.now();
  const lap = (what: string): void => {
    log(`  ${what}: ${String(Date.now() - started)} ms`);
    started = Date.now();
  };
  for (const s of USER_SEEDS) sambaTool(l, ['user', 'create', s.sam, s.password, ...s.createOptions]);
  sambaTool(l, [
    'user',
    'create',
    SERVICE_ACCOUNT.sam,
    SERVICE_ACCOUNT.password,
    '--use-username-as-cn',
    '--description=dirbridge service account (read only)',
  ]);
  sambaTool(l, [
    'domain',
    'passwordsettings',
    'pso',
    'create',
    'lockout-after-3',
    '10',
    '--account-lockout-threshold=3',
    '--account-lockout-duration=30',
    '--reset-account-lockout-after=30',
  ]);
  sambaTool(l, [
    'domain',
    'passwordsettings',
    'pso',
    'apply',
    'lockout-after-3',
    ad.users.lockedOut.sAMAccountName,
  ]);
  // Samba treats a maximum password age of a day or less as "never": 532 needs a longer one.
  sambaTool(l, [
    'domain',
    'passwordsettings',
    'pso',
    'create',
    'expires-after-30-days',
    '20',
    '--max-pwd-age=30',
  ]);
  sambaTool(l, [
    'domain',
    'passwordsettings',
    'pso',
    'apply',
    'expires-after-30-days',
    ad.users.passwordExpired.sAMAccountName,
  ]);
  lap('samba-tool users and PSOs');

  const client = ldapsClient(ad.url, ad.caFile, 30_000);
  try {
    await client.bind(ADMIN_DN, ADMIN_PASSWORD);
    const users = ad.users;
    const replace = async (dn: string, type: string, values: string[] | Buffer[]): Promise<void> => {
      await client.modify(
        dn,
        new Change({ operation: 'replace', modification: new Attribute({ type, values }) }),
      );
    };
    await client.modifyDN(
      `CN=jsmith,CN=Users,${SAMBA_AD_BASE_DN}`,
      `CN=${escapeRdnValue('John Smith, Jr.')}`,
    );
    const alice = users.alice.dn;
    await replace(alice, 'ipPhone', ['1010']);
    await replace(alice, 'mobile', ['+49 170 1234510']);
    await replace(alice, 'facsimileTelephoneNumber', ['+49 30 1234567-99']);
    await replace(alice, 'preferredLanguage', ['de']);
    await replace(alice, 'physicalDeliveryOfficeName', ['Berlin']);
    await replace(users.utf8.dn, 'telephoneNumber', ['+49 30 1234567-20']);
    await replace(users.disabled.dn, 'userAccountControl', ['514']);
    await replace(users.accountExpired.dn, 'accountExpires', [fileTime(new Date('2020-01-01T00:00:00Z'))]);
    await replace(users.logonHours.dn, 'logonHours', [Buffer.alloc(21)]);
    await replace(users.workstation.dn, 'userWorkstations', ['NOSUCHPC']);
    await client.add(CONTACTS_OU, { objectClass: ['top', 'organizationalUnit'], ou: 'Contacts' });
    for (const contact of CONTACT_SEEDS) {
      await client.add(`CN=${contact.cn},${CONTACTS_OU}`, {
        objectClass: ['top', 'person', 'organizationalPerson', 'contact'],
        cn: contact.cn,
        displayName: contact.cn,
        ...contact.attributes,
      });
    }
    await client.add(PAGING_OU, { objectClass: ['top', 'organizationalUnit'], ou: 'Paging' });
  } finally {
    await client.unbind().catch(() => undefined);
  }
  lap('LDAP modifications and contacts');

  setPwdLastSetInPast(l, ad.users.passwordExpired.dn);
  lap('pwdLastSet in the past (Samba Python bindings)');

  const ldif = join(l.folder, 'paging-users.ldif');
  const passwordFile = join(l.folder, 'run', 'admin.pw');
  writeFileSync(ldif, pagingLdif());
  writeFileSync(passwordFile, ADMIN_PASSWORD, { mode: 0o600 });
  try {
    run('ldapadd', ['-H', ad.url, '-x', '-D', ADMIN_DN, '-y', passwordFile, '-f', ldif], {
      LDAPTLS_CACERT: ad.caFile,
    });
  } finally {
    unlinkSync(passwordFile);
    rmSync(ldif, { force: true });
  }
  lap(`${String(PAGING_USERS)} paging users through ldapadd`);
}

function pagingLdif(): string {
  const entries: string[] = [];
  for (let i = 1; i <= PAGING_USERS; i++) {
    const n = String(i).padStart(4, '0');
    entries.push(
      [
        `dn: CN=Page User ${n},${PAGING_OU}`,
        'objectClass: user',
        `cn: Page User ${n}`,
        `sAMAccountName: page${n}`,
        `userPrincipalName: page${n}@example.test`,
        'givenName: Page',
        `sn: User ${n}`,
        `displayName: Page User ${n}`,
        `telephoneNumber: +49 40 555${n}`,
        // enabled without a password (NORMAL_ACCOUNT | PASSWD_NOTREQD); 546 would be disabled
        'userAccountControl: 544',
        '',
      ].join('\n'),
    );
  }
  return entries.join('\n');
}

const SET_PWD_LAST_SET = `
import sys, ldb
from samba.param import LoadParm
from samba.auth import system_session
from samba.samdb import SamDB
lp = LoadParm()
lp.load(sys.argv[1])
db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
m = ldb.Message()
m.dn = ldb.Dn(db, sys.argv[2])
m["pwdLastSet"] = ldb.MessageElement(sys.argv[3], ldb.FLAG_MOD_REPLACE, "pwdLastSet")
db.modify(m, controls=["local_oid:1.3.6.1.4.1.7165.4.3.12:0"])
`;

/** pwdLastSet 60 days ago (the user's PSO expires passwords after 30): binds get data 532. */
function setPwdLastSetInPast(l: Layout, dn: string): void {
  const past = fileTime(new Date(Date.now() - 60 * 24 * 60 * 60 * 1000));
  // /usr/bin/python3: a python3 earlier on PATH (pyenv) has no samba module.
  run('/usr/bin/python3', ['-c', SET_PWD_LAST_SET, l.smbConf, dn, past]);
}

// ---------------------------------------------------------------------------------------------
// The API

function stderrLog(line: string): void {
  process.stderr.write(`[samba-ad] ${line}\n`);
}

/** Starts (installing, provisioning and seeding first when needed) the test DC. */
export async function startSambaAd(options: SambaAdOptions = {}): Promise<SambaAd> {
  const log = options.log ?? stderrLog;
  const began = Date.now();
  ensureSambaPackages(log);
  requireRoot('Starting the Samba AD DC');
  const l = layout(resolve(options.folder ?? defaultSambaAdFolder()));
  mkdirSync(l.folder, { recursive: true, mode: 0o700 });
  if (await stopRecorded(l)) log('stopped a Samba left running by an earlier run');
  const ca = ensureTestCa(l.tlsDir, {
    extraServerNames: ['dc1.example.test', 'localhost', hostname(), '127.0.0.1', SAMBA_AD_ADDRESS],
  });
  const ad = info(l, ca.caCert);
  const reuse = !options.fresh && isIntact(l);
  if (!reuse) {
    log(`provisioning into ${l.folder}`);
    provision(l, ca.caCert, ca.serverCert, ca.serverKey);
    log(`  provisioned: ${String(Date.now() - began)} ms`);
  }
  const child = startSamba(l);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (child.pid === undefined) return Promise.resolve();
    stopped ??= stopGroup(child.pid, 15_000).then(() => {
      rmSync(l.groupPidFile, { force: true });
    });
    return stopped;
  };
  try {
    await waitForLdaps(ad.url, ad.caFile, child, l);
    if (!reuse) {
      log('seeding');
      await seed(l, ad, log);
      writeFileSync(
        l.marker,
        `${JSON.stringify({ version: SEED_VERSION, address: SAMBA_AD_ADDRESS, seededAt: new Date().toISOString() })}\n`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  log(
    `${reuse ? 'reused' : 'provisioned and seeded'} DC ready on ${ad.url} in ${String(Date.now() - began)} ms`,
  );
  return { ...ad, pid: child.pid!, stop };
}

/** Stops the DC whose folder is given (for the command line: `stop`). */
export async function stopSambaAd(folder: string = defaultSambaAdFolder()): Promise<boolean> {
  return stopRecorded(layout(resolve(folder)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command = 'status', folder] = process.argv.slice(2);
  const l = layout(resolve(folder ?? defaultSambaAdFolder()));
  if (command === 'start') {
    const ad = await startSambaAd({ folder: l.folder });
    process.stdout.write(`${JSON.stringify(ad, null, 2)}\n`);
  } else if (command === 'stop') {
    process.stdout.write((await stopSambaAd(l.folder)) ? 'stopped\n' : 'not running\n');
  } else if (command === 'status') {
    const pid = existsSync(l.groupPidFile) ? Number(readFileSync(l.groupPidFile, 'utf8').trim()) : NaN;
    const running = Number.isInteger(pid) && isAlive(pid) && isSamba(pid);
    process.stdout.write(
      `folder: ${l.folder}\nprovisioned and seeded: ${String(isIntact(l))}\n` +
        `running: ${running ? `yes (process group ${String(pid)})` : 'no'}\n`,
    );
  } else {
    process.stderr.write('usage: npx tsx scripts/test-backends/samba-ad.ts start|stop|status [folder]\n');
    process.exitCode = 2;
  }
}
