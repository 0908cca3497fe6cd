/**
 * A config's relative paths are read from the config file's folder, not from wherever dirbridge is
 * started: `dirbridge check` run from another working directory verifies the backends' certificates
 * with `tls.ca` written as a bare file name beside the config, for an `ldap`, an `ad` and a `domino`
 * source alike (against the Domino stand-in and the run's Samba DC).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { startSlapdDomino, type SlapdDomino } from '../../scripts/test-backends/slapd-domino.js';
import { adSourceConfig } from './support/ad-source-config.js';
import { runCli } from './support/cli-process.js';
import { dominoSource, registerDominoSecrets } from './support/domino.js';

let domino: SlapdDomino;

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'relative-paths' });
  registerDominoSecrets(domino);
});

afterAll(async () => {
  await domino.stop();
});

describe('relative tls.ca', () => {
  it('is read beside the config file for ldap, ad and domino sources, whatever the working directory', async () => {
    const ad = inject('sambaAd');
    const folder = mkdtempSync(join(tmpdir(), 'dirbridge-relative-'));
    copyFileSync(domino.caFile, join(folder, 'domino-ca.pem'));
    copyFileSync(ad.caFile, join(folder, 'ad-ca.pem'));
    const sources = [
      {
        ...dominoSource(domino, {
          name: 'people',
          type: 'ldap',
          base: domino.organizationDn,
        }),
        tls: { ca: 'domino-ca.pem' },
      },
      { ...adSourceConfig(ad), tls: { ca: 'ad-ca.pem' } },
      { ...dominoSource(domino), tls: { ca: 'domino-ca.pem' } },
    ];
    const file = join(folder, 'config.yaml');
    writeFileSync(file, stringify({ listen: [{ url: 'ldap://127.0.0.1:0' }], sources }));
    const elsewhere = mkdtempSync(join(tmpdir(), 'dirbridge-elsewhere-'));
    const check = await runCli(['check', '--config', file], { cwd: elsewhere });
    expect(check.stdout + check.stderr).not.toContain('cannot read');
    expect(check.stdout).toContain('people (ldap, replica)');
    expect(check.stdout).toContain('ad (ad, replica)');
    expect(check.stdout).toContain('domino (domino, replica)');
    expect(check.stdout).toContain('3 sources checked: all passed.');
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});
