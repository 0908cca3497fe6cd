/**
 * A private HAProxy (Debian's package) in TCP mode in front of dirbridge instances, for the
 * balancer test (TEST-BACKENDS.md): its config in `.test-run/haproxy-<name>/`, one frontend on a free
 * loopback port, each server health-checked over HTTP on its admin listener's `/readyz` (`option
 * httpchk`, `check port`) with the admin token as a bearer header, and a stats socket to read what
 * HAProxy thinks of each server. Runs in the foreground (`-db`) as this process's child.
 *
 * The token is not written into the config: HAProxy expands `${DIRBRIDGE_ADMIN_TOKEN}` from its
 * environment, as a production config should.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './debian-packages.js';
import { accepts, freePorts, stopChild } from './slapd-daemon.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LISTEN_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;
const POLICY_RC = '/usr/sbin/policy-rc.d';
const TOKEN_VARIABLE = 'DIRBRIDGE_ADMIN_TOKEN';

export interface BalancedServer {
  /** The server's name in HAProxy's config and stats. */
  readonly name: string;
  /** dirbridge's LDAP listener, where the traffic goes. */
  readonly ldapPort: number;
  /** Its admin listener, where the health check goes. */
  readonly adminPort: number;
}

export interface HaproxyOptions {
  /** Names the folder, `.test-run/haproxy-<name>/`. */
  readonly name: string;
  readonly servers: readonly BalancedServer[];
  /** dirbridge's `admin.token`, sent as `Authorization: Bearer …` by the health check. */
  readonly adminToken?: string;
  /** Where HAProxy's output goes (default: `haproxy.log` in its folder). */
  readonly log?: string;
  /** Health check interval; `fall` failures mark a server DOWN, `rise` successes UP again. */
  readonly checkIntervalMs?: number;
  readonly fall?: number;
  readonly rise?: number;
  /** Each connection to a server starts with a PROXY protocol header (`send-proxy-v2`) naming the client. */
  readonly sendProxy?: boolean;
}

/** One server as HAProxy's stats show it (`show stat`). */
export interface ServerState {
  readonly name: string;
  /** `UP`, `DOWN`, or a transition such as `UP 1/2` (going down) or `DOWN 1/2` (going up). */
  readonly status: string;
  /** The last check's verdict: `L7OK`, `L7STS` (wrong HTTP status), `L4CON` (refused), … */
  readonly checkStatus: string;
  /** The HTTP status the last check got, when it got one. */
  readonly checkCode: string;
  /** Connections sent to it since start. */
  readonly sessionsTotal: number;
}

export interface Haproxy {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  servers(): Promise<ServerState[]>;
  server(name: string): Promise<ServerState>;
  /** Polls the stats until `name` is as wanted; fails after `ms` (a liveness bound) with its last state. */
  until(name: string, wanted: (state: ServerState) => boolean, ms?: number): Promise<ServerState>;
  stop(): Promise<void>;
}

const BACKEND = 'dirbridge';

/** Installs HAProxy if missing, with service starts forbidden so the system one never runs. */
export function installHaproxy(): void {
  const createdPolicy = process.getuid?.() === 0 && !existsSync(POLICY_RC);
  if (createdPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    ensureDebianPackages([{ command: 'haproxy', pkg: 'haproxy' }]);
  } finally {
    if (createdPolicy) rmSync(POLICY_RC, { force: true });
  }
}

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  installHaproxy();
  const folder = join(REPO, '.test-run', `haproxy-${options.name}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const socket = join(folder, 'stats.sock');
  const log = options.log ?? join(folder, 'haproxy.log');
  for (let attempt = 1; ; attempt += 1) {
    const [port = 0] = await freePorts(1);
    const conf = join(folder, 'haproxy.cfg');
    writeFileSync(conf, haproxyConfig(options, port, socket));
    try {
      const child = await launch(conf, port, log, options.adminToken);
      const server = async (name: string): Promise<ServerState> => {
        const found = (await readServers(socket)).find((state) => state.name === name);
        if (!found) throw new Error(`haproxy has no server ${name}`);
        return found;
      };
      return {
        url: `ldap://127.0.0.1:${port}`,
        port,
        child,
        servers: () => readServers(socket),
        server,
        until: async (name, wanted, ms = 30_000) => {
          const deadline = Date.now() + ms;
          for (;;) {
            const state = await server(name);
            if (wanted(state)) return state;
            if (Date.now() > deadline)
              throw new Error(
                `haproxy server ${name} not as wanted within ${ms} ms: ${JSON.stringify(state)}`,
              );
            await sleep(50);
          }
        },
        stop: () => stopChild(child),
      };
    } catch (error) {
      if (!(error instanceof HaproxyExited) || attempt === START_ATTEMPTS) throw error;
    }
  }
}

/**
 * TCP mode (LDAP passes through untouched); a connection that cannot reach its server is retried
 * and dispatched to another (`redispatch`), so a client connecting between a crash and the check
 * that notices it still gets through.
 */
export function haproxyConfig(options: HaproxyOptions, port: number, statsSocket: string): string {
  const inter = options.checkIntervalMs ?? 200;
  const header =
    options.adminToken === undefined
      ? []
      : [`  http-check send hdr Authorization "Bearer \${${TOKEN_VARIABLE}}"`];
  return [
    'global',
    `  stats socket ${statsSocket} mode 600 level user`,
    // Every connection as one line in the output: which server, how long, how it ended.
    '  log stderr format raw local0 info',
    'defaults',
    '  mode tcp',
    '  log global',
    '  option tcplog',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout check 2s',
    '  retries 3',
    '  option redispatch 1',
    'frontend ldap',
    `  bind 127.0.0.1:${port}`,
    `  default_backend ${BACKEND}`,
    `backend ${BACKEND}`,
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    ...header,
    '  http-check expect status 200',
    `  default-server inter ${inter}ms fall ${options.fall ?? 2} rise ${options.rise ?? 2}`,
    ...options.servers.map(
      (server) =>
        `  server ${server.name} 127.0.0.1:${server.ldapPort} check port ${server.adminPort}${options.sendProxy ? ' send-proxy-v2' : ''}`,
    ),
    '',
  ].join('\n');
}

/** HAProxy stopped before it listened (its port taken meanwhile, or a bad config). */
class HaproxyExited extends Error {}

async function launch(conf: string, port: number, log: string, token?: string): Promise<ChildProcess> {
  const out = openSync(log, 'a');
  const child = spawn('haproxy', ['-f', conf, '-db'], {
    stdio: ['ignore', out, out],
    env: { ...process.env, ...(token === undefined ? {} : { [TOKEN_VARIABLE]: token }) },
  });
  closeSync(out);
  const output = (): string => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new HaproxyExited(`haproxy exited with ${child.exitCode}:\n${output()}`);
    if (await accepts(port)) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`haproxy did not listen on ${port} within 15 s:\n${output()}`);
}

/** The backend's servers from `show stat` on the stats socket (CSV, its header names the columns). */
async function readServers(socket: string): Promise<ServerState[]> {
  const csv = await ask(socket, 'show stat');
  const [header = '', ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  const columns = header.replace(/^#\s*/, '').split(',');
  const at = (row: string[], column: string): string => row[columns.indexOf(column)] ?? '';
  return rows
    .map((line) => line.split(','))
    .filter((row) => at(row, 'pxname') === BACKEND && !['FRONTEND', 'BACKEND'].includes(at(row, 'svname')))
    .map((row) => ({
      name: at(row, 'svname'),
      status: at(row, 'status'),
      checkStatus: at(row, 'check_status').replace(/^\* /, ''),
      checkCode: at(row, 'check_code'),
      sessionsTotal: Number(at(row, 'stot')),
    }));
}

/** One command on HAProxy's stats socket; it answers and closes. */
function ask(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const connection = connect(socket, () => connection.end(`${command}\n`));
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => (answer += chunk));
    connection.once('error', (error) =>
      reject(new Error(`haproxy stats socket ${socket}: ${error.message}`, { cause: error })),
    );
    connection.once('close', () => resolve(answer));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
