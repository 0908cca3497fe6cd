/**
 * The bind pool that checks users' passwords (src/sources/ldap/ldap-bind-pool.ts): slapd's verdicts
 * passed on, no password in clear, at most `size` connections however many binds, failover only
 * before a bind is sent, every bind sent exactly once, and an answer within the timeout whatever the
 * backend does. slapd (scripts/test-backends/slapd.ts) for LDAP behaviour; scripted servers
 * (test/fakes/ldap/fake-ldap-server.ts) for what slapd cannot be made to do: hang, refuse StartTLS, hang up.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../../scripts/test-backends/slapd.js';
import { ensureTestCa } from '../../scripts/test-backends/test-ca.js';
import type { AuthVerdict } from '../../src/sources/source.js';
import { LdapBindPool, type BindPoolSettings } from '../../src/sources/ldap/ldap-bind-pool.js';
import { START_TLS_OID, startFakeLdapServer, type FakeLdapServer } from '../fakes/ldap/fake-ldap-server.js';
import { refusingPort } from '../fakes/ldap/refusing-port.js';
import { bindAnswers } from '../fakes/ldap/responders.js';
import { eventually } from '../support/eventually.js';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.js';

const ALICE = 'cn=Alice,ou=people,dc=example,dc=test';
const BOB = 'cn=Bob,ou=people,dc=example,dc=test';
const ALICE_PASSWORD = 'alice-Pool-Secret-1';
const BOB_PASSWORD = 'bob-Pool-Secret-2';
const AD_DIAGNOSTIC =
  '80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563';
const TIMEOUT_MS = 1000;

const LDIF = `dn: ou=people,dc=example,dc=test
objectClass: organizationalUnit
ou: people

dn: ${ALICE}
objectClass: inetOrgPerson
cn: Alice
sn: Alice
userPassword: ${ALICE_PASSWORD}

dn: ${BOB}
objectClass: inetOrgPerson
cn: Bob
sn: Bob
userPassword: ${BOB_PASSWORD}
`;

let slapd: Slapd;
let ca: string;
/** Pools and servers a test made, closed after it whatever happened. */
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  slapd = await startSlapd({ name: 'bind-pool', ldif: LDIF });
  ca = readFileSync(slapd.caCert, 'utf8');
});

afterAll(async () => {
  await slapd.stop();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Warning {
  readonly obj: object;
  readonly msg: string;
}

function pool(
  urls: readonly string[],
  settings: Partial<BindPoolSettings> = {},
): { pool: LdapBindPool; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const created = new LdapBindPool(
    {
      urls,
      startTls: false,
      tls: { ca, rejectUnauthorized: true },
      size: 4,
      timeoutMs: TIMEOUT_MS,
      healthIntervalMs: 60_000,
      idleMs: 60_000,
      ...settings,
    },
    { warn: (obj, msg) => warnings.push({ obj, msg }) },
  );
  cleanups.push(() => created.close());
  return { pool: created, warnings };
}

async function fake(...args: Parameters<typeof startFakeLdapServer>): Promise<FakeLdapServer> {
  const server = await startFakeLdapServer(...args);
  cleanups.push(() => server.stop());
  return server;
}

async function relay(port: number): Promise<TcpRelay> {
  const started = await startTcpRelay('127.0.0.1', port);
  cleanups.push(() => started.close());
  return started;
}

/** A scripted server that reads everything and answers nothing. */
const SILENT = (): undefined => undefined;

const portOf = (url: string): number => Number(new URL(url).port);

const OK: AuthVerdict = { ok: true };
/** slapd sends no text with 49: ldapts' own "Invalid Credentials" must not pose as slapd's. */
const WRONG: AuthVerdict = { ok: false, code: 'invalidCredentials', diagnostic: '' };

describe('verdicts from slapd', () => {
  it.each([
    { over: 'ldaps://', startTls: false },
    { over: 'ldap:// with StartTLS', startTls: true },
  ])('passes on what slapd answers, over $over', async ({ startTls }) => {
    const { pool: binds } = pool([startTls ? slapd.ldapUrl : slapd.ldapsUrl], { startTls });
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    expect(await binds.bind(ALICE, 'wrong-password')).toEqual(WRONG);
    expect(await binds.bind(BOB, BOB_PASSWORD)).toEqual(OK);
    expect(await binds.bind('cn=Nobody,ou=people,dc=example,dc=test', 'any-password')).toEqual(WRONG);
    // slapd's own words, passed on unchanged (the source never forwards an empty password; the pool
    // itself takes no view, which makes this a way to get a diagnostic out of a stock slapd).
    expect(await binds.bind(ALICE, '')).toEqual({
      ok: false,
      code: 'unwillingToPerform',
      diagnostic: 'unauthenticated bind (DN with no password) disallowed',
    });
    expect(binds.openConnections).toBe(1);
  });

  it('verifies the StartTLS certificate against the configured CA', async () => {
    const other = readFileSync(ensureTestCa(join(tmpdir(), 'dirbridge-other-ca')).caCert, 'utf8');
    const { pool: binds } = pool([slapd.ldapUrl], {
      startTls: true,
      tls: { ca: other, rejectUnauthorized: true },
    });
    const verdict = await binds.bind(ALICE, ALICE_PASSWORD);
    expect(verdict).toMatchObject({ ok: false, code: 'unavailable' });
    expect(!verdict.ok && verdict.diagnostic).toMatch(/certificate/);
    expect(binds.openConnections).toBe(0);
  });

  it('passes on a diagnostic as the backend wrote it', async () => {
    const server = await fake(bindAnswers(ALICE_PASSWORD, AD_DIAGNOSTIC));
    const { pool: binds } = pool([server.url]);
    expect(await binds.bind(ALICE, 'wrong-password')).toEqual({
      ok: false,
      code: 'invalidCredentials',
      diagnostic: AD_DIAGNOSTIC,
    });
  });
});

describe('no password in clear', () => {
  it('sends StartTLS first and the bind only inside TLS', async () => {
    const server = await fake(bindAnswers(ALICE_PASSWORD));
    const { pool: binds } = pool([server.url], { startTls: true });
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    const [first] = server.requests;
    expect(first?.secure).toBe(false);
    expect(first?.message.request).toMatchObject({ type: 'extended', oid: START_TLS_OID });
    expect(server.requests.filter((r) => !r.secure)).toHaveLength(1);
    expect(server.binds().map((r) => r.secure)).toEqual([true, true]);
  });

  it('sends no bind when the backend refuses StartTLS', async () => {
    const server = await fake((message) => {
      if (message.request.type === 'extended') {
        return { type: 'extendedResponse', resultCode: 53, diagnosticMessage: 'no TLS here' };
      }
      return message.request.type === 'bind' ? { type: 'bindResponse', resultCode: 0 } : undefined;
    });
    const { pool: binds } = pool([server.url], { startTls: true });
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toMatchObject({ ok: false, code: 'unavailable' });
    expect(server.binds()).toEqual([]);
    expect(binds.openConnections).toBe(0);
  });

  it('answers unavailable within the timeout when the TLS handshake after StartTLS never completes', async () => {
    // StartTLS accepted, then the client's TLS hello is never answered.
    const server = await fake((message) =>
      message.request.type === 'extended'
        ? { type: 'extendedResponse', resultCode: 0, responseName: START_TLS_OID }
        : undefined,
    );
    const { pool: binds } = pool([server.url], { startTls: true });
    const verdict = await withinMs(binds.bind(ALICE, ALICE_PASSWORD), 5 * TIMEOUT_MS);
    expect(verdict).toMatchObject({ ok: false, code: 'unavailable' });
    expect(server.undecodable).toBe(1); // the hello arrived, so the handshake was attempted
    expect(server.binds()).toEqual([]);
    expect(binds.openConnections).toBe(0);
    await eventually(() => server.open === 0, 5000, 'the stuck connection closed');
  });
});

describe('connections', () => {
  it('opens at most `size` connections for 50 concurrent binds', async () => {
    const counted = await relay(portOf(slapd.ldapsUrl));
    const { pool: binds } = pool([`ldaps://127.0.0.1:${counted.port}`], { size: 4 });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, binds.openConnections)), 1);
    try {
      const verdicts = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          binds.bind(ALICE, i % 5 === 0 ? 'wrong-password' : ALICE_PASSWORD).then((verdict) => {
            most = Math.max(most, binds.openConnections);
            return verdict;
          }),
        ),
      );
      verdicts.forEach((verdict, i) => expect(verdict).toEqual(i % 5 === 0 ? WRONG : OK));
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBeLessThanOrEqual(4);
    expect(counted.maxOpen).toBeLessThanOrEqual(4);
    expect(counted.accepted).toBeLessThanOrEqual(4); // refused passwords keep their connection too
  });

  it('reuses one connection for 1,000 sequential binds', async () => {
    const counted = await relay(portOf(slapd.ldapsUrl));
    const { pool: binds } = pool([`ldaps://127.0.0.1:${counted.port}`], { size: 4 });
    for (let i = 0; i < 1000; i++) {
      const verdict = await binds.bind(BOB, i % 10 === 9 ? 'wrong-password' : BOB_PASSWORD);
      expect(verdict.ok).toBe(i % 10 !== 9);
    }
    expect(counted.accepted).toBe(1);
    expect(binds.openConnections).toBe(1);
  });

  it('closes connections left idle for idleMs, and opens a new one when needed', async () => {
    const server = await fake(bindAnswers(ALICE_PASSWORD));
    const { pool: binds } = pool([server.url], { idleMs: 200 });
    await Promise.all([binds.bind(ALICE, ALICE_PASSWORD), binds.bind(ALICE, ALICE_PASSWORD)]);
    expect(server.open).toBe(2);
    await eventually(() => server.open === 0, 5000, 'idle connections closed');
    expect(binds.openConnections).toBe(0);
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    expect(server.accepted).toBe(3);
  });

  it.each([true, false])(
    'replaces an idle connection the server closed (StartTLS: %s) before sending the bind',
    async (startTls) => {
      const server = await fake(bindAnswers(ALICE_PASSWORD));
      const { pool: binds } = pool([server.url], { startTls });
      expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
      server.disconnect(); // a backend restart, or its idle limit
      await eventually(() => server.open === 0, 5000, 'the server closed the connection');
      await new Promise((resolve) => setTimeout(resolve, 50)); // the pool reads the close
      expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
      expect(server.accepted).toBe(2);
      expect(server.binds().map((r) => [r.connection, r.secure])).toEqual([
        [1, startTls],
        [2, startTls],
      ]);
    },
  );

  it('close() closes idle connections at once, and a busy one when its bind ends', async () => {
    const server = await fake(bindAnswers(ALICE_PASSWORD));
    const stuck = await fake(SILENT);
    const { pool: binds } = pool([server.url], { size: 3 });
    await Promise.all([1, 2, 3].map(() => binds.bind(ALICE, ALICE_PASSWORD)));
    expect(server.open).toBe(3);
    const { pool: hanging } = pool([stuck.url]);
    const pending = hanging.bind(ALICE, ALICE_PASSWORD);
    await eventually(() => stuck.binds().length === 1, 5000, 'the bind reached the stuck server');

    await Promise.all([binds.close(), hanging.close()]);
    await eventually(() => server.open === 0, 5000, 'idle connections closed');
    expect(binds.openConnections).toBe(0);
    expect(await withinMs(pending, 5 * TIMEOUT_MS)).toMatchObject({ ok: false, code: 'unavailable' });
    await eventually(() => stuck.open === 0, 5000, 'the busy connection closed');
    expect(hanging.openConnections).toBe(0);
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toMatchObject({ ok: false, code: 'unavailable' });
    expect(server.accepted).toBe(3);
  });
});

describe('failover and liveness', () => {
  it('fails over past a URL that refuses connections, and says so', async () => {
    const refused = `ldap://127.0.0.1:${await refusingPort()}`;
    const { pool: binds, warnings } = pool([refused, slapd.ldapUrl], { startTls: true });
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    expect(await binds.bind(ALICE, 'wrong-password')).toEqual(WRONG);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ obj: { url: slapd.ldapUrl, failed: refused } });
    expect(warnings[0]!.msg).toContain('failed over');
  });

  it('goes back to the first URL after healthInterval, retiring connections to the fallback', async () => {
    const port = await refusingPort();
    const fallback = await fake(bindAnswers(ALICE_PASSWORD));
    const { pool: binds } = pool([`ldap://127.0.0.1:${port}`, fallback.url], { healthIntervalMs: 200 });
    expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    expect(fallback.binds()).toHaveLength(1);
    const first = await fake(bindAnswers(ALICE_PASSWORD), { port });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The idle fallback connection may serve one more bind; it is closed when it comes back.
    for (let i = 0; i < 3 && first.binds().length === 0; i++) {
      expect(await binds.bind(ALICE, ALICE_PASSWORD)).toEqual(OK);
    }
    expect(first.binds().length).toBeGreaterThan(0);
    await eventually(() => fallback.open === 0, 5000, 'the fallback connection retired');
  });

  it('answers unavailable within the timeout from a backend that never answers, having sent the bind once', async () => {
    const stuck = await fake(SILENT);
    const good = await fake(bindAnswers(ALICE_PASSWORD));
    const { pool: binds } = pool([stuck.url, good.url]);
    const verdict = await withinMs(binds.bind(ALICE, ALICE_PASSWORD), 5 * TIMEOUT_MS);
    expect(verdict).toMatchObject({ ok: false, code: 'unavailable' });
    expect(stuck.binds()).toHaveLength(1);
    // The bind was sent: trying it elsewhere would make one sign-on two failures at the backend.
    expect(good.accepted).toBe(0);
    expect(binds.openConnections).toBe(0);
    await eventually(() => stuck.open === 0, 5000, 'the timed-out connection closed');
  });

  it('does not retry a bind whose connection broke after it was sent', async () => {
    const hangsUp = await fake((message) => (message.request.type === 'bind' ? 'close' : undefined));
    const good = await fake(bindAnswers(ALICE_PASSWORD));
    const { pool: binds } = pool([hangsUp.url, good.url]);
    expect(await withinMs(binds.bind(ALICE, ALICE_PASSWORD), 5 * TIMEOUT_MS)).toMatchObject({
      ok: false,
      code: 'unavailable',
    });
    expect(hangsUp.binds()).toHaveLength(1);
    expect(good.accepted).toBe(0);
    expect(binds.openConnections).toBe(0);
  });

  it('gives waiters beyond `size` unavailable within the timeout when every connection hangs', async () => {
    const stuck = await fake(SILENT);
    const { pool: binds } = pool([stuck.url], { size: 2 });
    const passwords = Array.from({ length: 6 }, (_, i) => `hang-Password-${i}`);
    const verdicts = await withinMs(
      Promise.all(passwords.map((password) => binds.bind(ALICE, password))),
      6 * TIMEOUT_MS,
    );
    for (const verdict of verdicts) expect(verdict).toMatchObject({ ok: false, code: 'unavailable' });
    expect(verdicts.some((v) => !v.ok && /stayed busy/.test(v.diagnostic))).toBe(true);
    expect(stuck.maxOpen).toBeLessThanOrEqual(2);
    // However the waits went, no bind was sent twice.
    const sent = stuck
      .binds()
      .map(({ message: { request } }) =>
        request.type === 'bind' && request.auth.method === 'simple'
          ? Buffer.from(request.auth.password).toString()
          : '',
      );
    expect(new Set(sent).size).toBe(sent.length);
    expect(binds.openConnections).toBe(0);
  });
});

/** `promise`, or a failure once `ms` have passed: a liveness bound, not a timing assertion. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
