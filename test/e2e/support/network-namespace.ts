/**
 * A network namespace of the test's own, joined to the host by a veth pair on a /30 in 10.200.0.0/16,
 * so a client can reach dirbridge from an address that is not loopback. Traffic stays on that pair:
 * nothing is routed anywhere else. Needs root (and iproute2, installed when missing).
 */
import { execFileSync } from 'node:child_process';
import { ensureDebianPackages } from '../../../scripts/test-backends/debian-packages.js';
import { runTool, type ToolResult } from './ldap-utils.js';

export interface NetworkNamespace {
  readonly name: string;
  /** The host side of the pair: where dirbridge listens. */
  readonly hostAddress: string;
  /** The namespace side: the client's address as dirbridge sees it. */
  readonly clientAddress: string;
  /** Runs a command inside the namespace. */
  run(command: string, args: readonly string[]): Promise<ToolResult>;
  remove(): void;
}

const PREFIX = 'dirbridge-e2e-';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function createNetworkNamespace(): NetworkNamespace {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'This test needs root: it creates a network namespace and a veth pair (ip netns, ip link).',
    );
  }
  ensureDebianPackages([{ command: 'ip', pkg: 'iproute2' }]);
  removeStaleNamespaces();
  const name = `${PREFIX}${process.pid}`;
  const hostLink = `dbh${process.pid}`;
  const clientLink = `dbn${process.pid}`;
  const subnet = freeSubnet();
  const namespace: NetworkNamespace = {
    name,
    hostAddress: `10.200.${subnet}.1`,
    clientAddress: `10.200.${subnet}.2`,
    run: (command, args) => runTool('ip', ['netns', 'exec', name, command, ...args]),
    remove: () => removeNamespace(name, hostLink),
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', clientLink);
    ip('link', 'set', clientLink, 'netns', name);
    ip('addr', 'add', `${namespace.hostAddress}/30`, 'dev', hostLink);
    ip('link', 'set', hostLink, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${namespace.clientAddress}/30`, 'dev', clientLink);
    ip('netns', 'exec', name, 'ip', 'link', 'set', clientLink, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    namespace.remove();
    throw error;
  }
  return namespace;
}

/** Deleting the namespace deletes its end of the pair, and with it the host's end. */
function removeNamespace(name: string, hostLink?: string): void {
  try {
    ip('netns', 'del', name);
  } catch {
    // Already gone, or never made.
  }
  if (hostLink === undefined) return;
  try {
    ip('link', 'del', hostLink);
  } catch {
    // Gone with the namespace, as expected.
  }
}

/** Namespaces left by runs that were killed before their clean-up ran. */
function removeStaleNamespaces(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const match = new RegExp(`^${PREFIX}(\\d+)`).exec(line);
    if (match && !isAlive(Number(match[1]))) removeNamespace(`${PREFIX}${match[1]}`, `dbh${match[1]}`);
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

/** A 10.200.N.0/30 no interface of this host uses yet (parallel runs each take their own). */
function freeSubnet(): number {
  const used = ip('-4', '-o', 'addr', 'show');
  const start = process.pid % 250;
  for (let i = 0; i < 250; i++) {
    const candidate = (start + i) % 250;
    if (!used.includes(`10.200.${candidate}.`)) return candidate;
  }
  throw new Error('no free 10.200.N.0/30 subnet for the test namespace');
}
