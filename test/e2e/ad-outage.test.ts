/**
 * The run's Samba DC itself stopped mid-test and started again (the relay tests in
 * ad-failover.test.ts switch off a path to the DC; this switches off the DC): searches and
 * sign-ons answer 52 unavailable within the configured timeout instead of hanging or saying 49,
 * and dirbridge recovers on its own once the DC is back. Also `dirbridge check` against the DC
 * without its CA configured, which must name the TLS step. E2e files run one at a time, so
 * stopping the shared DC here holds up no other test.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSambaAd, stopSambaAd } from '../../scripts/test-backends/samba-ad.js';
import { runCli } from './support/cli-process.js';
import { AD_MOUNT, adSignOnSource } from './support/ad-sign-on.js';
import {
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch, runTool } from './support/ldap-utils.js';
import './support/samba-ad-setup.js';
import { registerTestSecret } from './support/test-secrets.js';

const ad = inject('sambaAd');
const alice = ad.users.alice;
const UNAVAILABLE = 52;
/** Far above the configured timeout (2 s), far below a hang. */
const ANSWER_BOUND_MS = 30_000;

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await action();
  return { result, ms: Date.now() - started };
}

describe('the DC stopped and started again', () => {
  let server: DirbridgeProcess;

  beforeAll(async () => {
    registerTestSecret(alice.password);
    server = await startDirbridge({
      config: {
        // Live: searches must reach the DC, to show how they answer while it is down.
        sources: [adSignOnSource(ad, { mode: 'live', timeout: 2, cache: { size: 0 } })],
        access: { anonymous: true },
      },
      logName: 'ad-outage',
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  const signOn = (): Promise<{ code: number; stdout: string; stderr: string }> =>
    runTool('ldapwhoami', ['-H', server.url, '-x', '-D', alice.userPrincipalName, '-w', alice.password]);
  const lookup = (): ReturnType<typeof ldapsearch> =>
    ldapsearch(server.url, `(mail=${alice.userPrincipalName})`, { base: AD_MOUNT, attributes: ['cn'] });

  it('signs on and searches while the DC runs', async () => {
    expect((await signOn()).code).toBe(0);
    expect((await lookup()).entries).toHaveLength(1);
  });

  it('answers 52 within the timeout while the DC is down, and recovers once it is back', async () => {
    expect(await stopSambaAd(ad.folder)).toBe(true);
    try {
      const bind = await timed(signOn);
      expect(bind.result.code, bind.result.stderr).toBe(UNAVAILABLE);
      expect(bind.ms).toBeLessThan(ANSWER_BOUND_MS);
      const search = await timed(lookup);
      expect(search.result.code, search.result.stderr).toBe(UNAVAILABLE);
      expect(search.ms).toBeLessThan(ANSWER_BOUND_MS);
    } finally {
      await startSambaAd({ folder: ad.folder, log: () => undefined });
    }
    const back = await signOn();
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^dn:entryUUID=[0-9a-f-]{36},ou=ad,/);
    const found = await lookup();
    expect(found.code, found.stderr).toBe(0);
    expect(found.entries).toHaveLength(1);
  });
});

describe('dirbridge check against the DC', () => {
  it('fails at the TLS step, saying the certificate is not trusted, when tls.ca is not set', async () => {
    const withoutCa = adSignOnSource(ad);
    delete withoutCa.tls;
    const file = writeConfig(demoConfig({ sources: [withoutCa] }));
    const check = await runCli(['check', '--config', file]);
    expect(check.code).not.toBe(0);
    expect(check.stdout).toMatch(/TLS: certificate for 127\.0\.0\.\d+ not trusted: set tls\.ca/);
  });
});
