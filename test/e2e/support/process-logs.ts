/**
 * Every process an end-to-end test runs writes its output to `.test-run/logs/<file>-<pid>-<n>-<name>.log`,
 * to read after a failure and for the teardown to search for passwords (test/e2e/global-setup.ts).
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { LOGS } from './secret-scan.js';

let counter = 0;

/** A new log's path, unique even when two runs share the folder (the worker's pid tells them apart). */
export function processLogPath(name: string): string {
  mkdirSync(LOGS, { recursive: true });
  counter++;
  const safeName = name.replace(/[^\w.-]+/g, '_');
  return join(LOGS, `${testFileStem()}-${process.pid}-${String(counter).padStart(2, '0')}-${safeName}.log`);
}

/** Copies a running process's stdout and stderr into its log as they come. */
export function recordOutput(child: ChildProcess, name: string): string {
  const path = processLogPath(name);
  const log = createWriteStream(path);
  child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  child.once('close', () => log.end());
  return path;
}

/** Writes the output of a process that has finished (run with spawnSync or execFile). */
export function writeProcessLog(name: string, output: string): string {
  const path = processLogPath(name);
  writeFileSync(path, output);
  return path;
}

function testFileStem(): string {
  try {
    const path = expect.getState().testPath;
    return path === undefined ? 'run' : basename(path).replace(/\.test\.ts$/, '');
  } catch {
    return 'run';
  }
}
