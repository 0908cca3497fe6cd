/**
 * The file in which `dirbridge serve` writes its process id, so `dirbridge reload` can find it:
 * `--pid-file`, else `dirbridge.pid` in `directory.dataDir`, else none. Written once the server
 * listens, removed when it stops (unless another server has written it since).
 */
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CommandError } from './command-error.js';

export const PID_FILE_NAME = 'dirbridge.pid';

/** Where the server writes its pid under `dataDir` (a loaded config's, already absolute). */
export function pidFileIn(dataDir: string | undefined): string | undefined {
  return dataDir === undefined ? undefined : join(dataDir, PID_FILE_NAME);
}

export async function writePidFile(file: string): Promise<void> {
  await writeFile(file, `${process.pid}\n`, { mode: 0o644 });
}

/** Removes the file if it still names this process. */
export async function removePidFile(file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.trim() === String(process.pid)) await rm(file, { force: true });
}

/**
 * The pid file a config's server writes, found without loading the config: `reload` must not need
 * the server's secrets (its `${env:…}` values), only `directory.dataDir`, resolved as serve does.
 */
export function pidFileOfConfig(configFile: string): string {
  let data: unknown;
  try {
    data = parse(readFileSync(configFile, 'utf8'));
  } catch (error) {
    throw new CommandError(`${configFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const dataDir = (data as { directory?: { dataDir?: unknown } } | null)?.directory?.dataDir;
  if (typeof dataDir !== 'string') {
    throw new CommandError(
      `${configFile} has no directory.dataDir, where the server writes ${PID_FILE_NAME}: give --pid-file (the one serve was given)`,
    );
  }
  return join(resolve(dirname(configFile), dataDir), PID_FILE_NAME);
}

/** The pid a server wrote, checked to be a running dirbridge: a stale file must not signal a stranger. */
export async function runningPid(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CommandError(`cannot read the pid file ${file} (${code}): is dirbridge serve running?`);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new CommandError(`${file} holds no process id`);
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch((error: unknown) =>
    (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '',
  );
  if (command === undefined) throw new CommandError(`no process ${pid} runs (${file} is stale)`);
  if (command !== '' && !/dirbridge|cli\.js/.test(command)) {
    throw new CommandError(`process ${pid} is not dirbridge (${file} is stale)`);
  }
  return pid;
}
