/**
 * End-to-end set-up: the real clients (OpenLDAP's ldap-utils) must be installed, and dirbridge built.
 * As root it installs what is missing with apt-get; otherwise it fails loudly with the command to run.
 * It also starts the run's Samba AD DC (support/samba-ad-setup.ts; needs root), stopped at teardown.
 * Teardown: no password a test registered (support/test-secrets.ts) may appear in any process log of
 * the run (support/process-logs.ts); one that does fails the run, naming the log and the secret.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ensureDebianPackages } from '../../scripts/test-backends/debian-packages.js';
import { startSambaAdForRun } from './support/samba-ad-setup.js';
import { describeLeaks, findLeaks, pruneOldLogs } from './support/secret-scan.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureDebianPackages([{ command: 'ldapsearch', pkg: 'ldap-utils' }]);
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
  const started = Date.now();
  pruneOldLogs(started);
  const stopSambaAd = await startSambaAdForRun(project);
  return async () => {
    await stopSambaAd();
    const leaks = findLeaks({ since: started });
    if (leaks.length === 0) return;
    // Vitest reports an error thrown here but still exits 0: the exit code has to be set too.
    process.exitCode = 1;
    throw new Error(describeLeaks(leaks));
  };
}
