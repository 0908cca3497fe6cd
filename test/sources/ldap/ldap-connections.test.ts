import type { Client } from 'ldapts';
import { ResultCodeError } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { LdapConnections, WAITERS_PER_CONNECTION } from '../../../src/sources/ldap/ldap-connections.js';
import { SourceBusy } from '../../../src/sources/source.js';
import { ldapSourceSettings } from '../../../src/sources/ldap/descriptor.js';
import { startFakeLdapServer, type FakeLdapServer } from '../../fakes/ldap/fake-ldap-server.js';
import { directoryAnswers } from '../../fakes/ldap/responders.js';

const HEALTH_INTERVAL_MS = 200;

interface Logged {
  readonly level: 'warn' | 'info';
  readonly msg: string;
}

const servers: FakeLdapServer[] = [];
const pools: LdapConnections[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function server(): Promise<FakeLdapServer> {
  const started = await startFakeLdapServer();
  servers.push(started);
  return started;
}

function pool(
  urls: readonly string[],
  poolSize = 4,
  timeoutMs?: number,
): { pool: LdapConnections; logged: Logged[] } {
  const logged: Logged[] = [];
  const settings = {
    ...ldapSourceSettings({
      name: 'test',
      type: 'ldap',
      urls: [...urls],
      base: 'dc=example,dc=test',
      bind: { name: 'cn=svc,dc=example,dc=test', password: 'pool-test-password' },
      timeout: 2,
      poolSize,
    }),
    // Shorter than config allows (at least 1 s), so the failover tests run quickly.
    healthIntervalMs: HEALTH_INTERVAL_MS,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
  const connections = new LdapConnections(settings, {
    warn: (_obj, msg) => logged.push({ level: 'warn', msg }),
    info: (_obj, msg) => logged.push({ level: 'info', msg }),
  });
  pools.push(connections);
  return { pool: connections, logged };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function searchOn(client: Client): Promise<void> {
  await client.search('dc=example,dc=test', { filter: '(cn=x)', attributes: ['cn'] });
}

describe('LdapConnections: failover', () => {
  it('fails over past a URL that refuses connections, and says so once', async () => {
    const [first, second] = [await server(), await server()];
    await first.stop();
    const { pool: connections, logged } = pool([first.url, second.url]);
    const a = await connections.acquire();
    const b = await connections.acquire();
    expect(second.binds()).toHaveLength(2);
    expect(logged).toEqual([{ level: 'warn', msg: `failed over to ${second.url}` }]);
    connections.release(a, true);
    connections.release(b, true);
  });

  it('does not fail over on an LDAP error: the next server would answer the same', async () => {
    const [first, second] = [await server(), await server()];
    first.respond = directoryAnswers({ accounts: {} }); // every bind refused (49)
    const { pool: connections, logged } = pool([first.url, second.url]);
    const error: unknown = await connections.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultCodeError);
    expect((error as ResultCodeError).code).toBe(49);
    expect(second.accepted).toBe(0);
    expect(logged).toEqual([]);
  });

  it('keeps using the later URL until healthInterval has passed, then goes back to the first', async () => {
    const [first, second] = [await server(), await server()];
    await first.stop();
    const { pool: connections, logged } = pool([first.url, second.url]);
    const a = await connections.acquire();
    const b = await connections.acquire();
    connections.release(a, true);
    connections.release(b, true);
    await first.start();
    // Within the interval, pooled connections to the second server are reused.
    const again = await connections.acquire();
    expect([a, b]).toContain(again);
    expect(second.accepted).toBe(2);
    connections.release(again, true);

    await sleep(HEALTH_INTERVAL_MS + 50);
    // Both pooled connections to the second server are retired, and the next goes to the first.
    const back = await connections.acquire();
    expect([a, b]).not.toContain(back);
    expect(first.binds()).toHaveLength(1);
    await until(() => second.open === 0, 'the retired connections to close');
    expect(logged.map((line) => line.msg)).toEqual([`failed over to ${second.url}`, `back on ${first.url}`]);
    await searchOn(back);
    connections.release(back, true);
    // From now on the first server's connection is pooled as usual.
    expect(await connections.acquire()).toBe(back);
    expect(first.accepted).toBe(1);
  });

  it('retires a connection to the later URL when it is given back after the interval', async () => {
    const [first, second] = [await server(), await server()];
    await first.stop();
    const { pool: connections } = pool([first.url, second.url]);
    const held = await connections.acquire();
    await first.start();
    await sleep(HEALTH_INTERVAL_MS + 50);
    connections.release(held, true);
    await until(() => second.open === 0, 'the retired connection to close');
    const next = await connections.acquire();
    expect(next).not.toBe(held);
    expect(first.binds()).toHaveLength(1);
  });

  it('stays on the later URL while the first is still down, trying it once per interval', async () => {
    const [first, second] = [await server(), await server()];
    await first.stop();
    const { pool: connections, logged } = pool([first.url, second.url]);
    const a = await connections.acquire();
    connections.release(a, true);
    await sleep(HEALTH_INTERVAL_MS + 50);
    const b = await connections.acquire();
    expect(b).not.toBe(a);
    expect(second.binds()).toHaveLength(2);
    connections.release(b, true);
    // The retry restarted the interval: the new connection is pooled again.
    expect(await connections.acquire()).toBe(b);
    expect(logged).toEqual([{ level: 'warn', msg: `failed over to ${second.url}` }]);
  });
});

describe('LdapConnections: pooled connections', () => {
  it('reuses a connection given back healthy, and closes one given back broken', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url]);
    const a = await connections.acquire();
    connections.release(a, true);
    expect(await connections.acquire()).toBe(a);
    connections.release(a, false);
    await until(() => only.open === 0, 'the broken connection to close');
    const b = await connections.acquire();
    expect(b).not.toBe(a);
    expect(only.binds()).toHaveLength(2);
  });

  it('replaces a pooled connection the server dropped with a newly bound one', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url]);
    const a = await connections.acquire();
    connections.release(a, true);
    only.disconnect();
    await until(() => !a.isConnected, 'the client to see the connection end');
    // Reused, ldapts would reconnect it by itself and search unbound.
    const b = await connections.acquire();
    expect(b).not.toBe(a);
    expect(b.isBound).toBe(true);
    expect(only.binds()).toHaveLength(2);
    await searchOn(b);
    expect(only.searches()).toHaveLength(1);
  });

  it('hands a connection given back to a caller waiting for one', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const a = await connections.acquire();
    const waiting = connections.acquire();
    connections.release(a, true);
    expect(await waiting).toBe(a);
    expect(only.accepted).toBe(1);
  });
});

describe('LdapConnections: the bounded queue', () => {
  /** What a pending acquire has come to so far (its client or error, else 'pending'), without waiting. */
  function track(pending: Promise<Client>): { settled: () => unknown } {
    let outcome: { value: unknown } | undefined;
    pending.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { value: error }),
    );
    return { settled: () => (outcome ? outcome.value : 'pending') };
  }

  it('queues WAITERS_PER_CONNECTION callers per connection and answers the next busy at once', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 2);
    const held = [await connections.acquire(), await connections.acquire()];
    expect(connections.queueLimit).toBe(2 * WAITERS_PER_CONNECTION);
    const queued = Array.from({ length: connections.queueLimit }, () => track(connections.acquire()));
    const error: unknown = await connections.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBusy);
    expect((error as Error).message).toBe(
      `source test: 2 backend searches already running, ${2 * WAITERS_PER_CONNECTION} waiting; try again`,
    );
    // Those already queued still wait, and are served as connections come back.
    expect(queued.map((waiter) => waiter.settled())).toEqual(queued.map(() => 'pending'));
    for (const client of held) connections.release(client, true);
    await until(() => queued.slice(0, 2).every((waiter) => waiter.settled() !== 'pending'), 'two served');
    expect(queued.slice(0, 2).map((waiter) => waiter.settled())).toEqual(held);
    expect(only.accepted).toBe(2);
  });

  it('answers busy, not the abort reason, to a caller whose signal aborts while it waits', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const held = await connections.acquire();
    const timeLimit = new AbortController();
    const waiting = connections.acquire(timeLimit.signal).catch((e: unknown) => e);
    timeLimit.abort(new Error('time limit exceeded'));
    const error = await waiting;
    expect(error).toBeInstanceOf(SourceBusy);
    expect((error as Error).message).toMatch(
      /^source test: 1 backend search already running, 1 waiting; try again$/,
    );
    // The caller left the queue: the connection given back stays in the pool for the next one.
    connections.release(held, true);
    expect(await connections.acquire()).toBe(held);
  });

  it("answers busy to a caller that has waited the source's timeout", async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1, 300);
    const held = await connections.acquire();
    const started = Date.now();
    const error: unknown = await connections.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBusy);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    connections.release(held, true);
  });

  it('gives a connection back to the longest waiting caller, and room to open one after a broken one', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const held = await connections.acquire();
    const first = track(connections.acquire());
    const second = track(connections.acquire());
    connections.release(held, true);
    await until(() => first.settled() !== 'pending', 'the first waiter');
    expect(first.settled()).toBe(held);
    expect(second.settled()).toBe('pending');
    connections.release(held, false);
    await until(() => second.settled() !== 'pending', 'the second waiter');
    const opened = second.settled();
    expect(opened).not.toBe(held);
    expect((opened as Client).isBound).toBe(true);
    expect(only.binds()).toHaveLength(2);
    connections.release(opened as Client, true);
  });
});
