/**
 * A `dirbridge serve` process for the bench: started from the built CLI with a config written into
 * the bench's folder, its log kept in a file, stopped with SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { stringify } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO, 'dist/cli.js');

/** The words of the `dirbridge` command's first line, `#!/usr/bin/env -S NAME=value … node --flag …`. */
function shebangWords(): string[] {
  return (readFileSync(CLI, 'utf8').split('\n', 1)[0] ?? '').split(/\s+/);
}

/** The Node flags the `dirbridge` command runs with: those on its first line. */
export function cliNodeFlags(): string[] {
  return shebangWords().filter((word) => word.startsWith('--'));
}

/** The environment the `dirbridge` command sets on its first line (glibc's malloc settings). */
export function cliEnvironment(): Record<string, string> {
  const assignments = shebangWords().filter((word) => /^[A-Z_][A-Z0-9_]*=/.test(word));
  return Object.fromEntries(assignments.map((word) => word.split(/=(.*)/s, 2) as [string, string]));
}

export interface Server {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  readonly startSeconds: number;
}

/** Resolves once the server says where it listens; `env` carries the config's `${env:…}` secrets. */
export async function startServer(
  folder: string,
  config: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): Promise<Server> {
  const configFile = join(folder, 'config.yaml');
  writeFileSync(configFile, stringify(config));
  const logFile = join(folder, 'dirbridge.log');
  const started = performance.now();
  // BENCH_CPU_PROF=<folder>: a V8 CPU profile of the server, written there when it stops.
  const profile = process.env.BENCH_CPU_PROF;
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  // BENCH_NODE_FLAGS="--flag …": Node or V8 flags to try on the server beyond the command's own.
  const tried = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter((flag) => flag !== '');
  const child = spawn(
    process.execPath,
    [...cliNodeFlags(), ...tried, ...profiling, CLI, 'serve', '--config', configFile],
    {
      cwd: REPO,
      env: { ...process.env, ...cliEnvironment(), ...env },
      stdio: ['ignore', 'pipe', openSync(logFile, 'w')],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving \S+ on (ldaps?:\/\/\S+)/.exec(output);
      if (match && output.includes('Try: ')) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`dirbridge exited with ${code}; see ${logFile}`)));
  });
  return { child, pid: child.pid!, url, logFile, startSeconds: (performance.now() - started) / 1000 };
}

export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/** What `dirbridge hash-password` prints for `password` (an access.accounts passwordHash). */
export function hashPassword(password: string): string {
  return execFileSync(process.execPath, [CLI, 'hash-password'], { input: password }).toString().trim();
}

/** Waits for the server's first answer to a search for anyone under `suffix`. */
export async function firstAnswer(server: Server, suffix: string): Promise<void> {
  const client = new Client({ url: server.url, timeout: 60_000 });
  try {
    const { searchEntries } = await client.search(suffix, {
      filter: '(objectClass=person)',
      sizeLimit: 1,
      attributes: ['cn'],
    });
    if (searchEntries.length === 0) throw new Error('the first search found nobody');
  } catch (error) {
    // A size limit of 1 that is reached ends in an error with the entry received: that is an answer.
    if (!(error instanceof Error) || !/size limit/i.test(error.message)) throw error;
  } finally {
    await client.unbind();
  }
}
