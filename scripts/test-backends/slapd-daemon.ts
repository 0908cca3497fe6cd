/**
 * Running a private OpenLDAP slapd (TEST-BACKENDS.md), shared by the test backends built on it
 * (slapd.ts, slapd-domino.ts): installing the packages without starting the system service, free
 * loopback ports, starting a daemon in the foreground and waiting until it listens, stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { ensureDebianPackages } from './debian-packages.js';

const POLICY_RC = '/usr/sbin/policy-rc.d';
const LISTEN_TIMEOUT_MS = 15_000;

/** Installs slapd and ldap-utils if missing, with service starts forbidden while apt runs. */
export function installSlapd(): void {
  const needed = [
    { command: 'slapd', pkg: 'slapd' },
    { command: 'ldapsearch', pkg: 'ldap-utils' },
  ];
  const createdPolicy = process.getuid?.() === 0 && !existsSync(POLICY_RC);
  if (createdPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    ensureDebianPackages(needed);
  } finally {
    if (createdPolicy) rmSync(POLICY_RC, { force: true });
  }
}

/** Distinct free loopback ports, held open together so the kernel cannot hand one out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenAnywhere()));
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function listenAnywhere(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const START_ATTEMPTS = 3;

/** slapd stopped before it listened (a port taken meanwhile, or a bad config). */
class SlapdExited extends Error {}

/**
 * Starts slapd on free ports. A port is only free until slapd binds it, and tests running
 * alongside open listeners all the time: a start whose daemon exits at once is retried on new ports.
 */
export async function launchSlapdOnFreePorts(
  launch: Omit<SlapdLaunch, 'ldapPort' | 'ldapsPort'>,
): Promise<{ child: ChildProcess; ldapPort: number; ldapsPort: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const [ldapPort = 0, ldapsPort = 0] = await freePorts(2);
    try {
      return { child: await launchSlapd({ ...launch, ldapPort, ldapsPort }), ldapPort, ldapsPort };
    } catch (error) {
      if (!(error instanceof SlapdExited) || attempt === START_ATTEMPTS) throw error;
    }
  }
}

export interface SlapdLaunch {
  readonly conf: string;
  /** Plain LDAP and LDAPS on 127.0.0.1. */
  readonly ldapPort: number;
  readonly ldapsPort: number;
  /** Where the daemon's output goes; read back into the error when it fails to start. */
  readonly log: string;
  /** Outlives this process (for a command line that starts it and exits). */
  readonly detached?: boolean;
}

/**
 * Starts slapd in the foreground (`-d 0`) as this process's child, so stop() is a kill and a failed
 * start shows its exit code; resolves once both ports accept connections.
 */
export async function launchSlapd(launch: SlapdLaunch): Promise<ChildProcess> {
  const urls = `ldap://127.0.0.1:${launch.ldapPort}/ ldaps://127.0.0.1:${launch.ldapsPort}/`;
  const out = openSync(launch.log, 'a');
  const child = spawn('slapd', ['-f', launch.conf, '-h', urls, '-d', '0'], {
    stdio: ['ignore', out, out],
    detached: launch.detached ?? false,
  });
  closeSync(out);
  if (launch.detached) child.unref();
  const output = (): string => (existsSync(launch.log) ? readFileSync(launch.log, 'utf8') : '');
  await waitForPort(launch.ldapPort, child, output);
  await waitForPort(launch.ldapsPort, child, output);
  return child;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new SlapdExited(`slapd exited with ${child.exitCode}:\n${output()}`);
    if (await accepts(port)) return;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`slapd did not listen on ${port} within 15 s:\n${output()}`);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Stops the slapd a pid file names if it still runs with this config (one a crashed run or the
 * command line left behind); a reused pid of another program is left alone. True if one was stopped.
 */
export async function stopRecordedSlapd(pidFile: string, conf: string): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isSlapdWith(pid, conf)) return false;
  process.kill(pid, 'SIGTERM');
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50)) {
    if (!isAlive(pid)) return true;
  }
  process.kill(pid, 'SIGKILL');
  return true;
}

function isSlapdWith(pid: number, conf: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (args[0] ?? '').endsWith('slapd') && args.includes(conf);
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
