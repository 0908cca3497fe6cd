/**
 * Failover of the `ad` source between domain controllers, through a real dirbridge process and the
 * run's Samba AD DC. A second DC cannot be had (two provisioned DCs are two domains), so the first
 * URL is a TCP relay of the test's own in front of the DC's LDAPS port (support/tcp-relay.ts),
 * switched off, on and into a blackhole; the second is the DC itself. TLS runs end to end through
 * the relay (the DC's certificate names 127.0.0.1). Where searches go is read off the relay's
 * counters; every search is a real one answered by the DC. Time bounds are liveness bounds only.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { adSourceConfig } from './support/ad-source-config.js';
import { ldapsearch, runTool } from './support/ldap-utils.js';
import './support/samba-ad-setup.js';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.js';
import { registerTestSecret } from './support/test-secrets.js';
import { eventually } from './support/eventually.js';

const ad = inject('sambaAd');
const MOUNT = `ou=ad,${SUFFIX}`;
/** Alice's office number as a phone's caller-ID lookup sends it: pushed down narrowly, one entry. */
const LOOKUP = '(|(telephoneNumber=030 1234567-10)(mobile=030 1234567-10))';
const UNAVAILABLE = 52;
/** How long any one answer may take: far above the configured timeout, far below a hang. */
const ANSWER_BOUND_MS = 30_000;

function adSource(urls: readonly string[]): Record<string, unknown> {
  return adSourceConfig(ad, {
    // Where each search goes is the point: every search must reach a DC, not a replica.
    mode: 'live',
    urls,
    timeout: 2,
    healthInterval: 1,
    poolSize: 2,
    // Every search goes to the backend: a cached answer would say nothing about where it went.
    cache: { size: 0 },
  });
}

interface Lookup {
  readonly code: number;
  readonly stderr: string;
  readonly names: string[];
  readonly ms: number;
}

async function lookup(server: DirbridgeProcess): Promise<Lookup> {
  const started = Date.now();
  const result = await ldapsearch(server.url, LOOKUP, { base: MOUNT, attributes: ['cn'] });
  return {
    code: result.code,
    stderr: result.stderr,
    names: result.entries.map((entry) => entry.attributes.cn?.[0] ?? ''),
    ms: Date.now() - started,
  };
}

async function expectAlice(server: DirbridgeProcess): Promise<void> {
  const answer = await lookup(server);
  expect(answer.code, answer.stderr).toBe(0);
  expect(answer.names).toEqual(['Alice Anderson']);
}

async function expectUnavailable(server: DirbridgeProcess): Promise<void> {
  const answer = await lookup(server);
  expect(answer.code, answer.stderr).toBe(UNAVAILABLE);
  expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
}

const dc = new URL(ad.url);
const relayUrl = (relay: TcpRelay): string => `ldaps://127.0.0.1:${relay.port}`;

describe('ad source with two URLs: a relay in front of the DC first, the DC itself second', () => {
  let relay: TcpRelay;
  let server: DirbridgeProcess;

  beforeAll(async () => {
    relay = await startTcpRelay(dc.hostname, Number(dc.port));
    server = await startDirbridge({
      config: { sources: [adSource([relayUrl(relay), ad.url])] },
      logName: 'ad-failover-two-urls',
    });
  });

  afterAll(async () => {
    await server.stop();
    await relay.close();
  });

  it('searches through the first URL while it is up', async () => {
    for (let i = 0; i < 3; i++) {
      const forwarded = relay.forwarded;
      await expectAlice(server);
      expect(relay.forwarded).toBeGreaterThan(forwarded);
    }
    expect(relay.accepted).toBeGreaterThan(0);
    expect(server.output()).not.toContain('failed over');
  });

  it('fails over to the DC directly when the first URL refuses connections, and logs it', async () => {
    await relay.setMode('off');
    const accepted = relay.accepted;
    for (let i = 0; i < 3; i++) await expectAlice(server);
    expect(relay.accepted).toBe(accepted);
    expect(server.output()).toContain(`failed over to ${ad.url}`);
  });

  it('goes back to the first URL once it is back and healthInterval has passed', async () => {
    await relay.setMode('on');
    const accepted = relay.accepted;
    // Every search meanwhile still succeeds; new backend connections return to the relay.
    await eventually(
      async () => {
        await expectAlice(server);
        return relay.accepted > accepted;
      },
      'a backend connection through the relay again',
      ANSWER_BOUND_MS,
    );
    for (let i = 0; i < 3; i++) {
      const forwarded = relay.forwarded;
      await expectAlice(server);
      expect(relay.forwarded).toBeGreaterThan(forwarded);
    }
    expect(server.output()).toContain(`back on ${relayUrl(relay)}`);
  });
});

describe('ad source whose only URL is the relay', () => {
  let relay: TcpRelay;
  let server: DirbridgeProcess;

  beforeAll(async () => {
    relay = await startTcpRelay(dc.hostname, Number(dc.port));
    server = await startDirbridge({
      config: { sources: [adSource([relayUrl(relay)])] },
      logName: 'ad-failover-one-url',
    });
  });

  afterAll(async () => {
    await server.stop();
    await relay.close();
  });

  it('answers through it while it is on', async () => {
    await expectAlice(server);
    expect(relay.accepted).toBeGreaterThan(0);
  });

  it('answers 52 unavailable, not a hang, while it accepts connections but never answers', async () => {
    await relay.setMode('blackhole');
    // The first search is sent on the pooled connection, which now never answers.
    await expectUnavailable(server);
    // The next needs a new connection: accepted, and then nothing, not even the TLS handshake.
    const accepted = relay.accepted;
    await expectUnavailable(server);
    expect(relay.accepted).toBeGreaterThan(accepted);
  });

  it('answers 52 unavailable while it refuses connections', async () => {
    await relay.setMode('off');
    const accepted = relay.accepted;
    await expectUnavailable(server);
    expect(relay.accepted).toBe(accepted);
  });

  it('answers again once it is back', async () => {
    await relay.setMode('on');
    const accepted = relay.accepted;
    await expectAlice(server);
    expect(relay.accepted).toBeGreaterThan(accepted);
  });
});

/** A simple bind through dirbridge, as a PBX checks a user's password: the result code and text. */
async function signOn(server: DirbridgeProcess, name: string, password: string): Promise<Lookup> {
  const started = Date.now();
  const result = await runTool('ldapwhoami', ['-H', server.url, '-x', '-D', name, '-w', password]);
  return {
    code: result.code,
    stderr: result.stderr,
    names: [result.stdout.trim()],
    ms: Date.now() - started,
  };
}

/** alice's failed-password count, read from the DC itself as Administrator. */
async function badPwdCount(): Promise<number> {
  const client = new Client({ url: ad.url, timeout: 10_000, tlsOptions: { ca: [readFileSync(ad.caFile)] } });
  try {
    await client.bind(ad.adminDn, ad.adminPassword);
    const { searchEntries } = await client.search(ad.users.alice.dn, {
      scope: 'base',
      attributes: ['badPwdCount'],
    });
    return Number(searchEntries[0]?.badPwdCount ?? NaN);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

describe('sign-on through the relay and the DC', () => {
  const alice = ad.users.alice;
  let relay: TcpRelay;
  let server: DirbridgeProcess;

  beforeAll(async () => {
    registerTestSecret(alice.password);
    relay = await startTcpRelay(dc.hostname, Number(dc.port));
    server = await startDirbridge({
      config: { sources: [{ ...adSource([relayUrl(relay), ad.url]), signOn: true, bindPoolSize: 1 }] },
      logName: 'ad-failover-sign-on',
    });
  });

  afterAll(async () => {
    await server.stop();
    await relay.close();
  });

  it('signs on through the first URL, and fails over to the DC when the relay refuses connections', async () => {
    const forwarded = relay.forwarded;
    const first = await signOn(server, alice.userPrincipalName, alice.password);
    expect(first.code, first.stderr).toBe(0);
    expect(relay.forwarded).toBeGreaterThan(forwarded);
    await relay.setMode('off');
    // The pooled bind connection through the relay is gone; the next is opened to the DC.
    const second = await signOn(server, alice.userPrincipalName, alice.password);
    expect(second.code, second.stderr).toBe(0);
    await relay.setMode('on');
  });

  it('never retries a bind that got no answer on the other DC: 52, and no failed bind counted at AD', async () => {
    // Back on the relay first (the health interval is 1 s), so the bind connection goes through it.
    await eventually(
      async () => {
        const before = relay.forwarded;
        expect((await signOn(server, alice.userPrincipalName, alice.password)).code).toBe(0);
        return relay.forwarded > before;
      },
      'a bind through the relay again',
      ANSWER_BOUND_MS,
    );
    const before = await badPwdCount();
    await relay.setMode('blackhole');
    const answer = await signOn(server, alice.userPrincipalName, 'not-her-password');
    expect(answer.code, answer.stderr).toBe(UNAVAILABLE);
    expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    await relay.setMode('on');
    expect(await badPwdCount()).toBe(before);
  });
});

describe('sign-on when the only DC is down', () => {
  const alice = ad.users.alice;
  let relay: TcpRelay;
  let server: DirbridgeProcess;

  beforeAll(async () => {
    registerTestSecret(alice.password);
    relay = await startTcpRelay(dc.hostname, Number(dc.port));
    server = await startDirbridge({
      config: { sources: [{ ...adSource([relayUrl(relay)]), signOn: true }] },
      logName: 'ad-failover-sign-on-down',
    });
  });

  afterAll(async () => {
    await server.stop();
    await relay.close();
  });

  it('answers 52 within the timeout while the DC does not answer or refuses, and signs on again once it is back', async () => {
    expect((await signOn(server, alice.userPrincipalName, alice.password)).code).toBe(0);
    for (const mode of ['blackhole', 'off'] as const) {
      await relay.setMode(mode);
      const answer = await signOn(server, alice.userPrincipalName, alice.password);
      expect(answer.code, `${mode}: ${answer.stderr}`).toBe(UNAVAILABLE);
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    await relay.setMode('on');
    const back = await signOn(server, alice.userPrincipalName, alice.password);
    expect(back.code, back.stderr).toBe(0);
    expect(back.names[0]).toMatch(/^dn:entryUUID=[0-9a-f-]{36},ou=ad,/);
  });
});
