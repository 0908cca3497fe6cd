/**
 * Installing dirbridge as an administrator would: the shipped systemd unit (and its drop-in for
 * ports below 1024) passes `systemd-analyze verify` without a single warning, and `npm pack`
 * followed by `npm install -g` of the tarball gives a working `dirbridge` command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDebianPackages } from '../../scripts/test-backends/debian-packages.js';
import { VERSION } from '../../src/version.js';
import { demoConfig, REPO, writeConfig } from './support/dirbridge-process.js';

const UNIT = join(REPO, 'deploy/dirbridge.service');
const DROP_IN = join(REPO, 'deploy/dirbridge.service.d/low-ports.conf');

beforeAll(() => ensureDebianPackages([{ command: 'systemd-analyze', pkg: 'systemd' }]));

/** `systemd-analyze verify` of the unit with its drop-ins, as installed; what it printed. */
function verify(unitText: string, dropIns: Readonly<Record<string, string>> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-unit-'));
  // verify checks that ExecStart's program exists: this machine has node, not an installed dirbridge.
  writeFileSync(
    join(folder, 'dirbridge.service'),
    unitText.replace('/usr/bin/dirbridge ', `${process.execPath} `),
  );
  mkdirSync(join(folder, 'dirbridge.service.d'));
  for (const [name, text] of Object.entries(dropIns))
    writeFileSync(join(folder, 'dirbridge.service.d', name), text);
  const result = spawnSync('systemd-analyze', ['verify', 'dirbridge.service'], {
    cwd: folder,
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_UNIT_PATH: `${folder}:`, SYSTEMD_LOG_COLOR: '0' },
  });
  return `${result.stdout}${result.stderr}`.trim();
}

describe('the systemd unit', () => {
  it('verifies without a warning, with and without the drop-in for low ports', () => {
    const unit = readFileSync(UNIT, 'utf8');
    expect(verify(unit)).toBe('');
    expect(verify(unit, { 'low-ports.conf': readFileSync(DROP_IN, 'utf8') })).toBe('');
    // The check can fail: a key systemd does not know is reported.
    expect(verify(unit, { 'typo.conf': '[Service]\nProtectSystm=strict\n' })).toMatch(/Unknown key/);
  });

  it('runs as a dynamic user with no capability but what low ports need', () => {
    const unit = readFileSync(UNIT, 'utf8');
    for (const line of [
      'DynamicUser=yes',
      'ProtectSystem=strict',
      'StateDirectory=dirbridge',
      'CapabilityBoundingSet=\n',
      // `systemctl reload` sends what `dirbridge reload` sends (src/reload/reloader.ts).
      'ExecReload=/bin/kill -HUP $MAINPID\n',
    ])
      expect(unit).toContain(line);
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m); // V8's JIT would die
    expect(readFileSync(DROP_IN, 'utf8')).toMatch(/^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
  });
});

describe('npm install -g', () => {
  it('gives a dirbridge command that checks a config', () => {
    const work = mkdtempSync(join(tmpdir(), 'dirbridge-pack-'));
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work, REPO], {
      encoding: 'utf8',
      timeout: 300_000,
    }).trim();
    const prefix = join(work, 'prefix');
    execFileSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(work, tarball),
      ],
      {
        stdio: 'ignore',
        timeout: 300_000,
      },
    );
    const dirbridge = join(prefix, 'bin/dirbridge');
    expect(execFileSync(dirbridge, ['--version'], { encoding: 'utf8' }).trim()).toBe(`dirbridge ${VERSION}`);
    // The demo data ships in the package, so a config pointing at it checks from anywhere.
    const csv = join(prefix, 'lib/node_modules/dirbridge/config/demo-phonebook.csv');
    const config = writeConfig(demoConfig({ sources: [{ name: 'demo', type: 'file', path: csv }] }));
    cpSync(config, join(work, 'config.yaml'));
    const check = spawnSync(dirbridge, ['check', '--config', join(work, 'config.yaml')], {
      encoding: 'utf8',
      cwd: work,
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/demo/);
  }, 600_000);
});
