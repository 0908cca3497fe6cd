/**
 * The `ad` source over plain LDAP (port 389) to the run's Samba AD DC, through a real dirbridge
 * process: with `startTls` the connection is upgraded and the certificate verified before the
 * service account binds; without it the DC refuses the simple bind (8 strongerAuthRequired,
 * TEST-BACKENDS.md), which shows that an `ldap://` URL is really spoken to in plain LDAP first.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adSourceConfig } from './support/ad-source-config.js';
import { runCli } from './support/cli-process.js';
import {
  SUFFIX,
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import './support/samba-ad-setup.js';

const ad = inject('sambaAd');

function adSource(startTls: boolean): Record<string, unknown> {
  return adSourceConfig(ad, { urls: [ad.startTlsUrl], startTls, timeout: 5 });
}

let server: DirbridgeProcess;

beforeAll(async () => {
  server = await startDirbridge({ config: { sources: [adSource(true)] }, logName: 'ad-starttls' });
});

afterAll(async () => {
  await server.stop();
});

describe('ad source over ldap:// with StartTLS', () => {
  it('finds alice by number', async () => {
    const result = await ldapsearch(server.url, '(telephoneNumber=+4930123456710)', {
      base: `ou=ad,${SUFFIX}`,
      attributes: ['cn'],
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries.map((entry) => entry.attributes.cn?.[0])).toEqual(['Alice Anderson']);
  });

  it('`dirbridge check` verifies the StartTLS certificate, binds and counts', async () => {
    const check = await runCli(['check', '--config', writeConfig(demoConfig({ sources: [adSource(true)] }))]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`${ad.startTlsUrl}: connected, StartTLS certificate verified`);
    expect(check.stdout).toMatch(/\d+ users, 2 contacts/);
  });

  it('without StartTLS the DC refuses the simple bind over plain LDAP', async () => {
    const check = await runCli([
      'check',
      '--config',
      writeConfig(demoConfig({ sources: [adSource(false)] })),
    ]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FAILED at step "bind"/);
    expect(check.stdout).toContain('8 ');
    expect(check.stdout).toContain('Transport encryption required');
  });
});
