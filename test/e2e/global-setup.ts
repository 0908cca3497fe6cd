/**
 * End-to-end set-up: the real clients (OpenLDAP's ldap-utils) must be installed, and dirbridge built.
 * As root it installs what is missing with apt-get; otherwise it fails loudly with the command to run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDebianPackages } from '../../scripts/test-backends/debian-packages.js';

export default function setup(): void {
  ensureDebianPackages([{ command: 'ldapsearch', pkg: 'ldap-utils' }]);
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
}
