/**
 * The passwords the end-to-end tests use, gathered so that the global teardown can prove none of
 * them reached a log (test/e2e/global-setup.ts). Kept in `.test-run/secrets.json` rather than in
 * memory because each test file runs in its own worker and the teardown runs in the main process.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect } from 'vitest';
import { KEEP_LOGS_MS, readTestSecrets, SECRETS_FILE, TEST_RUN } from './secret-scan.js';

/** Registers a password a test sends, and returns it, so it can be written where it is defined. */
export function registerTestSecret(secret: string): string {
  if (secret === '') return secret; // the empty password is in every log, and is nobody's secret
  const now = Date.now();
  // Registered afresh (with this time) each run; secrets not registered for a day are forgotten.
  const kept = readTestSecrets().filter(
    (known) => known.secret !== secret && now - known.registeredAt < KEEP_LOGS_MS,
  );
  mkdirSync(TEST_RUN, { recursive: true });
  // Replaced whole (written, then renamed), so that a reader never sees half a file.
  const partial = `${SECRETS_FILE}.${process.pid}`;
  writeFileSync(
    partial,
    JSON.stringify([...kept, { secret, registeredBy: currentTestFile(), registeredAt: now }]),
  );
  renameSync(partial, SECRETS_FILE);
  return secret;
}

/**
 * Passwords shorter than this are not picked from command lines: tests send deliberately wrong ones
 * such as `wrong` or `secret`, words that ordinary log lines contain. Register such a password
 * explicitly, or better, give it a distinctive value.
 */
const AUTOMATIC_MIN_LENGTH = 8;

/** The passwords in a command line (`-w <password>`, as ldapsearch and ldapwhoami take it). */
export function registerArgumentSecrets(args: readonly string[]): void {
  args.forEach((arg, i) => {
    const next = args[i + 1];
    if (arg === '-w' && next !== undefined && next.length >= AUTOMATIC_MIN_LENGTH) registerTestSecret(next);
  });
}

function currentTestFile(): string {
  try {
    const path = expect.getState().testPath;
    return path === undefined ? 'unknown' : basename(path);
  } catch {
    return 'unknown'; // outside a test
  }
}
