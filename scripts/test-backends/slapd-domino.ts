/**
 * A Domino stand-in for tests (TEST-BACKENDS.md, "Domino stand-in"): a private OpenLDAP slapd with
 * the empty suffix, Domino's schema items (domino/domino.schema), Domino-like ACLs and the people of
 * domino/directory.ts, on free loopback ports over plain LDAP and LDAPS (test CA certificate, SANs
 * include 127.0.0.1). Its folder is `.test-run/slapd-domino-<name>/`, loaded afresh with slapadd on
 * every startSlapdDomino(); stop() and start() keep ports and data (a backend that goes and comes
 * back). Never the system service: the daemon runs in the foreground as this process's child.
 *
 *   npx tsx scripts/test-backends/slapd-domino.ts start|stop [name]    (default name: cli)
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from 'ldapts';
import {
  ANONYMOUS_ATTRIBUTES,
  ORGANIZATION_DN,
  PASSWORD_ATTRIBUTES,
  ROOT_DN,
  ROOT_PASSWORD,
  SERVICE_DN,
  SERVICE_PASSWORD,
  dominoDirectory,
  type DominoDirectory,
} from './domino/directory.js';
import { dominoLdif } from './domino/ldif.js';
import { dominoSlapdConf } from './domino/slapd-conf.js';
import {
  installSlapd,
  launchSlapd,
  launchSlapdOnFreePorts,
  stopChild,
  stopRecordedSlapd,
} from './slapd-daemon.js';
import { ensureTestCa } from './test-ca.js';

export type {
  DominoDirectory,
  DominoGroup,
  DominoOtherEntry,
  DominoPerson,
  DominoPersonKey,
} from './domino/directory.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMA = fileURLToPath(new URL('./domino/domino.schema', import.meta.url));

/** Everything a test needs, as plain data (it passes through vitest's provide/inject). */
export interface SlapdDominoInfo extends DominoDirectory {
  readonly name: string;
  readonly folder: string;
  readonly ldapUrl: string;
  readonly ldapsUrl: string;
  /** The test CA that signed the LDAPS certificate. */
  readonly caFile: string;
  /** namingContexts and the base Domino clients search from: the empty DN. */
  readonly baseDn: string;
  /** `o=Acme`: a search based here misses the flat entries at the root. */
  readonly organizationDn: string;
  /** The account dirbridge searches with: reads everything, the password items too. */
  readonly serviceDn: string;
  readonly servicePassword: string;
  /** slapd's rootdn, for modifying and deleting entries in tests. */
  readonly rootDn: string;
  readonly rootPassword: string;
  readonly anonymousAttributes: readonly string[];
  readonly passwordAttributes: readonly string[];
}

export interface SlapdDomino extends SlapdDominoInfo {
  /** SIGTERM; resolves when slapd has exited (connections are then refused). */
  stop(): Promise<void>;
  /** Starts it again after stop(): same ports, same data. */
  start(): Promise<void>;
  /** Freezes the daemon (SIGSTOP): connections are accepted by the kernel but never answered. */
  pause(): void;
  resume(): void;
  /** Runs an action on an LDAPS connection bound as the rootdn (add, modify, delete). */
  asRoot<T>(action: (client: Client) => Promise<T>): Promise<T>;
}

export interface SlapdDominoOptions {
  /** Names the instance's folder, `.test-run/slapd-domino-<name>/`. */
  readonly name: string;
  /** Let slapd outlive this process (the command line's `start`). */
  readonly detached?: boolean;
  /**
   * Also serve slapd's monitor (`cn=Monitor`, readable by the rootdn only), so a test can count the
   * operations the stand-in answered, e.g. the binds in `cn=Bind,cn=Operations,cn=Monitor`.
   */
  readonly monitor?: boolean;
}

interface Layout {
  readonly folder: string;
  readonly conf: string;
  readonly pidFile: string;
  readonly dataDir: string;
  readonly seed: string;
  readonly log: string;
}

function layout(name: string): Layout {
  const folder = join(REPO, '.test-run', `slapd-domino-${name}`);
  return {
    folder,
    conf: join(folder, 'domino.conf'),
    pidFile: join(folder, 'domino.pid'),
    dataDir: join(folder, 'data'),
    seed: join(folder, 'seed.ldif'),
    log: join(folder, 'slapd.log'),
  };
}

export async function startSlapdDomino(options: SlapdDominoOptions): Promise<SlapdDomino> {
  installSlapd();
  const l = layout(options.name);
  await stopRecordedSlapd(l.pidFile, l.conf);
  const ca = ensureTestCa();
  const directory = dominoDirectory();
  createDatabase(
    l,
    { caCert: ca.caCert, serverCert: ca.serverCert, serverKey: ca.serverKey },
    directory,
    options.monitor ?? false,
  );
  const detached = options.detached ?? false;
  const started = await launchSlapdOnFreePorts({ conf: l.conf, log: l.log, detached });
  const { ldapPort, ldapsPort } = started;
  let child = started.child;
  const info: SlapdDominoInfo = {
    ...directory,
    name: options.name,
    folder: l.folder,
    ldapUrl: `ldap://127.0.0.1:${ldapPort}`,
    ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
    caFile: ca.caCert,
    baseDn: '',
    organizationDn: ORGANIZATION_DN,
    serviceDn: SERVICE_DN,
    servicePassword: SERVICE_PASSWORD,
    rootDn: ROOT_DN,
    rootPassword: ROOT_PASSWORD,
    anonymousAttributes: ANONYMOUS_ATTRIBUTES,
    passwordAttributes: PASSWORD_ATTRIBUTES,
  };
  const launch = (): Promise<ChildProcess> =>
    launchSlapd({ conf: l.conf, ldapPort, ldapsPort, log: l.log, detached });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    ...info,
    stop: () => {
      child.kill('SIGCONT');
      return stopChild(child);
    },
    start: async () => {
      if (running()) throw new Error(`slapd-domino-${options.name} is running`);
      child = await launch();
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    asRoot: (action) => asRoot(info, action),
  };
}

/** A fresh folder with the config and the seeded database (slapadd works without a running slapd). */
function createDatabase(
  l: Layout,
  tls: { caCert: string; serverCert: string; serverKey: string },
  directory: DominoDirectory,
  monitor: boolean,
): void {
  rmSync(l.folder, { recursive: true, force: true });
  mkdirSync(l.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    l.conf,
    dominoSlapdConf({ schema: SCHEMA, pidFile: l.pidFile, dataDir: l.dataDir, monitor, ...tls }),
    {
      mode: 0o600,
    },
  );
  writeFileSync(l.seed, dominoLdif(directory), { mode: 0o600 });
  try {
    execFileSync('slapadd', ['-q', '-f', l.conf, '-l', l.seed], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`slapadd failed:\n${stderr.trim()}`, { cause: error });
  }
}

async function asRoot<T>(info: SlapdDominoInfo, action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    url: info.ldapsUrl,
    timeout: 10_000,
    connectTimeout: 5_000,
    tlsOptions: { ca: [readFileSync(info.caFile)] },
  });
  try {
    await client.bind(info.rootDn, info.rootPassword);
    return await action(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** The handle's plain data, without its functions (for vitest's provide, or JSON). */
export function slapdDominoInfo(handle: SlapdDomino): SlapdDominoInfo {
  const entries = Object.entries(handle).filter(([, value]) => typeof value !== 'function');
  return Object.fromEntries(entries) as unknown as SlapdDominoInfo;
}

/** Stops the instance the command line (or a crashed run) left running. True if one was stopped. */
export function stopSlapdDomino(name: string): Promise<boolean> {
  const l = layout(name);
  return stopRecordedSlapd(l.pidFile, l.conf);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command, name = 'cli'] = process.argv.slice(2);
  if (command === 'start') {
    const handle = await startSlapdDomino({ name, detached: true });
    process.stdout.write(`${JSON.stringify(slapdDominoInfo(handle), null, 2)}\n`);
  } else if (command === 'stop') {
    process.stdout.write((await stopSlapdDomino(name)) ? 'stopped\n' : 'not running\n');
  } else {
    process.stderr.write('usage: npx tsx scripts/test-backends/slapd-domino.ts start|stop [name]\n');
    process.exitCode = 2;
  }
}
