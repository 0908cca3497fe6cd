/** Runs the built `dirbridge` command (`node dist/cli.js ...`) to its end, its output logged like a server's. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './dirbridge-process.js';
import { writeProcessLog } from './process-logs.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** The working directory (default: the repository). */
  readonly cwd?: string;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [join(REPO, 'dist/cli.js'), ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      writeProcessLog(`cli-${args[0] ?? 'none'}`, `$ dirbridge ${args.join(' ')}\n${stdout}${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}
