/**
 * Installs the Debian packages the tests need when their commands are missing. As root it runs
 * apt-get (retrying while another apt holds the lock); otherwise it throws with the command to run,
 * so a test run never skips silently.
 */
import { execFileSync } from 'node:child_process';

export interface Needed {
  /** A command the package provides, to tell whether it is installed. */
  readonly command: string;
  readonly pkg: string;
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureDebianPackages(needed: readonly Needed[]): void {
  const missing = needed.filter((n) => !hasCommand(n.command)).map((n) => n.pkg);
  if (missing.length === 0) return;
  const install = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`The tests need ${missing.join(', ')}. Install as root:\n  ${install}`);
  }
  process.stderr.write(`Installing test dependencies: ${missing.join(' ')}\n`);
  try {
    execFileSync('apt-get', ['update', '-o', 'DPkg::Lock::Timeout=600'], { stdio: 'inherit' });
    execFileSync(
      'apt-get',
      ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', ...missing],
      { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
    );
  } catch (error) {
    throw new Error(`Installing ${missing.join(', ')} failed. Run as root:\n  ${install}`, { cause: error });
  }
  const still = needed.filter((n) => !hasCommand(n.command)).map((n) => n.command);
  if (still.length > 0) throw new Error(`After installing, still missing: ${still.join(', ')}`);
}
