import type { Client } from 'ldapts';
import { ResultCodeError } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LdapConnections,
  SEARCHES_PER_CONNECTION,
  WAITERS_PER_CONNECTION,
} from '../../../src/sources/ldap/ldap-connections.js';
import type { Lease } from '../../../src/sources/ldap/pooled-connection.js';
import { SourceBusy } from '../../../src/sources/source.js';
import { ldapSourceSettings } from '../../../src/sources/ldap/create-ldap-source.js';
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
    expect([a.client, b.client]).toContain(again.client);
    expect(second.accepted).toBe(2);
    connections.release(again, true);

    await sleep(HEALTH_INTERVAL_MS + 50);
    // Both pooled connections to the second server are retired, and the next goes to the first.
    const back = await connections.acquire();
    expect([a.client, b.client]).not.toContain(back.client);
    expect(first.binds()).toHaveLength(1);
    await until(() => second.open === 0, 'the retired connections to close');
    expect(logged.map((line) => line.msg)).toEqual([`failed over to ${second.url}`, `back on ${first.url}`]);
    await searchOn(back.client);
    connections.release(back, true);
    // From now on the first server's connection is pooled as usual.
    expect((await connections.acquire()).client).toBe(back.client);
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
    expect(next.client).not.toBe(held.client);
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
    expect(b.client).not.toBe(a.client);
    expect(second.binds()).toHaveLength(2);
    connections.release(b, true);
    // The retry restarted the interval: the new connection is pooled again.
    expect((await connections.acquire()).client).toBe(b.client);
    expect(logged).toEqual([{ level: 'warn', msg: `failed over to ${second.url}` }]);
  });
});

describe('LdapConnections: pooled connections', () => {
  it('reuses a connection given back healthy, and closes one given back broken', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url]);
    const a = await connections.acquire();
    connections.release(a, true);
    const again = await connections.acquire();
    expect(again.client).toBe(a.client);
    connections.release(again, false);
    await until(() => only.open === 0, 'the broken connection to close');
    const b = await connections.acquire();
    expect(b.client).not.toBe(a.client);
    expect(only.binds()).toHaveLength(2);
  });

  it('replaces a pooled connection the server dropped with a newly bound one', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url]);
    const a = await connections.acquire();
    connections.release(a, true);
    only.disconnect();
    await until(() => !a.client.isConnected, 'the client to see the connection end');
    // Reused, ldapts would reconnect it by itself and search unbound.
    const b = await connections.acquire();
    expect(b.client).not.toBe(a.client);
    expect(b.client.isBound).toBe(true);
    expect(only.binds()).toHaveLength(2);
    await searchOn(b.client);
    expect(only.searches()).toHaveLength(1);
  });

  it('hands room on a full connection to a caller waiting for it', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const held = await fill(connections, SEARCHES_PER_CONNECTION);
    const waiting = connections.acquire();
    connections.release(held[0]!, true);
    expect((await waiting).client).toBe(held[0]!.client);
    expect(only.accepted).toBe(1);
  });
});

/** `count` leases, taken one after the other (so each connection is opened before any is shared). */
async function fill(connections: LdapConnections, count: number): Promise<Lease[]> {
  const leases: Lease[] = [];
  for (let i = 0; i < count; i++) leases.push(await connections.acquire());
  return leases;
}

describe('LdapConnections: searches sharing a connection', () => {
  it('opens a connection for each search up to poolSize, then shares them, the least busy first', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 2);
    const [a, b, c, d] = await fill(connections, 4);
    expect(only.accepted).toBe(2);
    expect(a!.client).not.toBe(b!.client);
    expect([a!.client, b!.client]).toContain(c!.client);
    expect([a!.client, b!.client]).toContain(d!.client);
    expect(c!.client).not.toBe(d!.client);
  });

  it('leases a connection with room at once, as acquire would, and leaves opening one to acquire', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    expect(connections.leaseNow()).toBeUndefined();
    const first = await connections.acquire();
    const shared = connections.leaseNow();
    expect(shared?.client).toBe(first.client);
    const rest = await fill(connections, SEARCHES_PER_CONNECTION - 2);
    expect(connections.leaseNow()).toBeUndefined();
    for (const lease of [first, shared!, ...rest]) connections.release(lease, true);
    expect(connections.leaseNow()?.client).toBe(first.client);
    expect(only.accepted).toBe(1);
  });

  it(`carries up to ${SEARCHES_PER_CONNECTION} searches at once on one connection`, async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const leases = await fill(connections, SEARCHES_PER_CONNECTION);
    await Promise.all(leases.map((lease) => searchOn(lease.client)));
    expect(only.accepted).toBe(1);
    expect(only.searches()).toHaveLength(SEARCHES_PER_CONNECTION);
    for (const lease of leases) connections.release(lease, true);
  });

  it('closes a connection given back unhealthy only once the other searches on it are done', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const [broken, other] = await fill(connections, 2);
    connections.release(broken!, false);
    // The other search goes on; no new one joins the connection meanwhile.
    await searchOn(other!.client);
    const next = connections.acquire();
    connections.release(other!, true);
    await until(() => only.open <= 1 && only.accepted === 2, 'the connection to be replaced');
    expect((await next).client).not.toBe(broken!.client);
  });

  it('tells a lease whether another search has had its connection since it began', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const first = await connections.acquire();
    expect(first.alone).toBe(true);
    const second = await connections.acquire();
    expect(first.alone).toBe(false);
    expect(second.alone).toBe(false); // the first was still running when it began
    connections.release(first, true);
    connections.release(second, true);
    const third = await connections.acquire();
    expect(third.alone).toBe(true);
    connections.release(third, true);
  });

  it('lets no search join a connection a lease keeps, until it is released', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const keeper = await connections.acquire();
    keeper.keep();
    const joining = track(connections.acquire());
    await sleep(20);
    expect(joining.settled()).toBe('pending');
    connections.release(keeper, true);
    await until(() => joining.settled() !== 'pending', 'the waiting search');
    expect((joining.settled() as Lease).client).toBe(keeper.client);
  });

  it('gives a caller that asks for a connection of its own one no search runs on, reserving the least busy', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const [a, b] = await fill(connections, 2);
    const own = track(connections.acquire(undefined, true));
    // The connection is reserved: a shared search waits too, where it would have joined.
    const shared = track(connections.acquire());
    await sleep(20);
    expect([own.settled(), shared.settled()]).toEqual(['pending', 'pending']);
    connections.release(a!, true);
    await sleep(20);
    expect(own.settled()).toBe('pending');
    connections.release(b!, true);
    await until(() => own.settled() !== 'pending', 'the connection of its own');
    const lease = own.settled() as Lease;
    expect(lease.client).toBe(a!.client);
    expect(lease.kept).toBe(true);
    expect(shared.settled()).toBe('pending');
    connections.release(lease, true);
    await until(() => shared.settled() !== 'pending', 'the shared search');
    expect(only.accepted).toBe(1);
  });
});

/** What a pending acquire has come to so far (its lease or error, else 'pending'), without waiting. */
function track(pending: Promise<Lease>): { settled: () => unknown } {
  let outcome: { value: unknown } | undefined;
  pending.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { value: error }),
  );
  return { settled: () => (outcome ? outcome.value : 'pending') };
}

describe('LdapConnections: the bounded queue', () => {
  it('queues WAITERS_PER_CONNECTION callers per connection and answers the next busy at once', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 2);
    const held = await fill(connections, 2 * SEARCHES_PER_CONNECTION);
    expect(connections.queueLimit).toBe(2 * WAITERS_PER_CONNECTION);
    const queued = Array.from({ length: connections.queueLimit }, () => track(connections.acquire()));
    const error: unknown = await connections.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBusy);
    expect((error as Error).message).toBe(
      `source test: ${2 * SEARCHES_PER_CONNECTION} backend searches already running, ${2 * WAITERS_PER_CONNECTION} waiting; try again`,
    );
    // Those already queued still wait, and are served as searches end.
    expect(queued.map((waiter) => waiter.settled())).toEqual(queued.map(() => 'pending'));
    connections.release(held[0]!, true);
    connections.release(held[1]!, true);
    await until(() => queued.slice(0, 2).every((waiter) => waiter.settled() !== 'pending'), 'two served');
    expect(queued.slice(0, 2).map((waiter) => (waiter.settled() as Lease).client)).toEqual([
      held[0]!.client,
      held[1]!.client,
    ]);
    expect(queued[2]!.settled()).toBe('pending');
    expect(only.accepted).toBe(2);
  });

  it('answers busy, not the abort reason, to a caller whose signal aborts while it waits', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const held = await fill(connections, SEARCHES_PER_CONNECTION);
    const timeLimit = new AbortController();
    const waiting = connections.acquire(timeLimit.signal).catch((e: unknown) => e);
    timeLimit.abort(new Error('time limit exceeded'));
    const error = await waiting;
    expect(error).toBeInstanceOf(SourceBusy);
    expect((error as Error).message).toBe(
      `source test: ${SEARCHES_PER_CONNECTION} backend searches already running, 1 waiting; try again`,
    );
    // The caller left the queue: the room given back stays for the next one.
    connections.release(held[0]!, true);
    expect((await connections.acquire()).client).toBe(held[0]!.client);
  });

  it("answers busy to a caller that has waited the source's timeout", async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1, 300);
    const held = await fill(connections, SEARCHES_PER_CONNECTION);
    const started = Date.now();
    const error: unknown = await connections.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBusy);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    for (const lease of held) connections.release(lease, true);
  });

  it('serves the longest waiting caller first, and lets one open a connection after a broken one closes', async () => {
    const only = await server();
    const { pool: connections } = pool([only.url], 1);
    const held = await fill(connections, SEARCHES_PER_CONNECTION);
    const first = track(connections.acquire());
    const second = track(connections.acquire());
    connections.release(held[0]!, true);
    await until(() => first.settled() !== 'pending', 'the first waiter');
    expect((first.settled() as Lease).client).toBe(held[0]!.client);
    expect(second.settled()).toBe('pending');
    // Broken: the connection takes no more searches, and closes once the last one on it ends.
    connections.release(first.settled() as Lease, false);
    for (const lease of held.slice(1)) connections.release(lease, true);
    await until(() => second.settled() !== 'pending', 'the second waiter');
    const opened = second.settled() as Lease;
    expect(opened.client).not.toBe(held[0]!.client);
    expect(opened.client.isBound).toBe(true);
    expect(only.binds()).toHaveLength(2);
    connections.release(opened, true);
  });
});
