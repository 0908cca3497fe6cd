/**
 * The run-wide check that no password reaches a log: the passwords the tests registered
 * (test-secrets.ts) searched for in every process log of the run (process-logs.ts). No vitest here:
 * the global teardown that calls this runs outside any test worker.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_RUN = fileURLToPath(new URL('../../../.test-run', import.meta.url));
export const LOGS = join(TEST_RUN, 'logs');
export const SECRETS_FILE = join(TEST_RUN, 'secrets.json');

/** Logs older than this are removed when a run starts. */
export const KEEP_LOGS_MS = 24 * 60 * 60 * 1000;

export interface RegisteredSecret {
  readonly secret: string;
  /** The test file that registered it, to find it when the teardown reports it by index. */
  readonly registeredBy: string;
  /** When it was last registered (ms since the epoch): the teardown looks for this run's only. */
  readonly registeredAt: number;
}

export interface Leak {
  readonly log: string;
  /** The secret's index in `.test-run/secrets.json`; the secret itself is not repeated. */
  readonly index: number;
  readonly registeredBy: string;
}

export interface ScanOptions {
  readonly logs?: string;
  readonly secrets?: readonly RegisteredSecret[];
  /** Only logs written and secrets registered since then (ms since the epoch): this run's. */
  readonly since?: number;
}

/**
 * Removes old logs. Nothing of a run that may still be going is deleted (several people, or a person
 * and an editor, may run the suite in one working tree at once): the teardown tells this run's logs
 * and secrets by their time instead.
 */
export function pruneOldLogs(now: number = Date.now(), logs: string = LOGS): void {
  if (!existsSync(logs)) return;
  for (const name of readdirSync(logs)) {
    const path = join(logs, name);
    if (now - statSync(path).mtimeMs > KEEP_LOGS_MS) rmSync(path, { force: true });
  }
}

export function readTestSecrets(file: string = SECRETS_FILE): RegisteredSecret[] {
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as RegisteredSecret[];
}

/** Every (log, secret) pair where the log contains the secret. */
export function findLeaks(options: ScanOptions = {}): Leak[] {
  const { logs = LOGS, secrets = readTestSecrets(), since = 0 } = options;
  if (!existsSync(logs)) return [];
  const leaks: Leak[] = [];
  for (const name of readdirSync(logs).sort()) {
    const path = join(logs, name);
    if (statSync(path).mtimeMs < since) continue;
    const text = readFileSync(path, 'utf8');
    secrets.forEach(({ secret, registeredBy, registeredAt }, index) => {
      if (registeredAt < since || secret === '') return;
      if (text.includes(secret)) leaks.push({ log: path, index, registeredBy });
    });
  }
  return leaks;
}

export function describeLeaks(leaks: readonly Leak[]): string {
  const lines = leaks.map(
    ({ log, index, registeredBy }) => `  ${log}: secret #${index} (registered by ${registeredBy})`,
  );
  return `A registered test password appears in a log (index into .test-run/secrets.json):\n${lines.join('\n')}`;
}
