/**
 * Runs a real dirbridge process for a test: writes the config, starts `node dist/cli.js serve`
 * (or a fixture entry point that adds test-only source types), and waits for its "serving" line.
 * Its output also goes to `.test-run/logs/`, which the teardown searches for passwords.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { recordOutput } from './process-logs.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const DEMO_CSV = join(REPO, 'config/demo-phonebook.csv');
export const SUFFIX = 'dc=dirbridge,dc=local';

export interface DirbridgeProcess {
  /** The first listener's URL, and its port. */
  readonly url: string;
  readonly port: number;
  /** Every listener's URL (`ldap://` or `ldaps://`), in config order. */
  readonly urls: readonly string[];
  readonly child: ChildProcess;
  /** The config file it was started with (a reload test rewrites it). */
  readonly configFile: string;
  /** Everything the process wrote, for assertions and for debugging a failed test. */
  output(): string;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Config overrides merged over a demo config listening on an ephemeral loopback port. */
  readonly config?: Record<string, unknown>;
  /** A script (run with tsx) instead of dist/cli.js, for fixtures that register test source types. */
  readonly entry?: string;
  readonly timeoutMs?: number;
  /** Names the process's log in `.test-run/logs` (default `serve`). */
  readonly logName?: string;
}

export function demoConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: [{ url: 'ldap://127.0.0.1:0' }],
    directory: { suffix: SUFFIX },
    access: { anonymous: true },
    log: { level: 'info' },
    sources: [{ name: 'demo', type: 'file', path: DEMO_CSV }],
    ...overrides,
  };
}

export function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dirbridge-e2e-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** `dirbridge serve` with a config that is expected to stop start-up: its exit status and stderr. */
export function serveOnce(config: Record<string, unknown>): {
  status: number | null;
  stderr: string;
  file: string;
} {
  const file = writeConfig(config);
  const result = spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), 'serve', '--config', file], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr, file };
}

export async function startDirbridge(options: StartOptions = {}): Promise<DirbridgeProcess> {
  const file = writeConfig(demoConfig(options.config));
  const args = options.entry
    ? ['--import', 'tsx', options.entry, file]
    : [join(REPO, 'dist/cli.js'), 'serve', '--config', file];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  recordOutput(child, options.logName ?? 'serve');
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const urls = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dirbridge did not start:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    const onData = (): void => {
      // The "Try:" line comes after every listener is up.
      const listening = [...output.matchAll(/serving \S+ on (ldaps?:\/\/\S+)/g)].map((match) => match[1]!);
      if (listening.length > 0 && output.includes('Try: ')) {
        clearTimeout(timer);
        resolve(listening);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dirbridge exited with ${code}:\n${output}`));
    });
  });
  const url = urls[0]!;
  return {
    url,
    port: Number(new URL(url).port),
    urls,
    child,
    configFile: file,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  // Gone already (exited, or killed by a signal, which leaves exitCode null): its exit event has fired.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
