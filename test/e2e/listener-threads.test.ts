/**
 * `listenerThreads` in a real dirbridge process: connections land on the main thread and on the
 * listener threads (the log says which served each), every one of them answers as one server would,
 * a change to the file source reaches every thread, and what must hold across the whole server
 * holds across threads: wrong passwords sent at once on many connections get no more fast answers
 * than `loginFailures`, `maxConnections` counts every thread's connections, and the metrics count
 * every thread's operations. SIGTERM ends the process with its threads.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { hashPassword } from '../../src/auth/password-hash.js';
import { Scrape } from '../support/prometheus-scrape.js';
import { DEMO_CSV, startDirbridge, SUFFIX, type DirbridgeProcess } from './support/dirbridge-process.js';
import { eventually } from './support/eventually.js';
import { connectRaw } from './support/raw-socket.js';
import { registerTestSecret } from './support/test-secrets.js';

const THREADS = 2;
const TOKEN = registerTestSecret('admin-token-threads-8c2e5a');
const PASSWORD = registerTestSecret('Pbx#Threads-0101');
const WRONG = registerTestSecret('Wrong#Threads-9999');
const LOGIN_FAILURES = 3;
const DELAY_S = 2;
const authorized = { headers: { authorization: `Bearer ${TOKEN}` } };

let server: DirbridgeProcess;
let csv: string;
let admin: string;

beforeAll(async () => {
  process.env.DIRBRIDGE_E2E_THREADS_TOKEN = TOKEN;
  csv = join(mkdtempSync(join(tmpdir(), 'dirbridge-threads-')), 'people.csv');
  copyFileSync(DEMO_CSV, csv);
  const passwordHash = await hashPassword(Buffer.from(PASSWORD), { N: 16384, r: 8, p: 1 });
  server = await startDirbridge({
    config: {
      listenerThreads: THREADS,
      sources: [{ name: 'demo', type: 'file', path: csv }],
      access: {
        anonymous: true,
        accounts: [{ name: 'pbx', passwordHash }],
        throttle: { loginFailures: LOGIN_FAILURES, delay: DELAY_S, maxDelay: DELAY_S * 2 },
      },
      admin: { listen: 'http://127.0.0.1:0', token: '${env:DIRBRIDGE_E2E_THREADS_TOKEN}' },
    },
    logName: 'listener-threads',
    timeoutMs: 60_000,
  });
  admin = /metrics and health on (http:\/\/\S+)/.exec(server.output())![1]!;
});

afterAll(async () => {
  await server.stop();
  delete process.env.DIRBRIDGE_E2E_THREADS_TOKEN;
});

/** One search on a connection of its own: the DNs it found, sorted. */
async function search(filter: string, base = SUFFIX): Promise<string[]> {
  const client = new Client({ url: server.url });
  try {
    const { searchEntries } = await client.search(base, { filter, attributes: ['cn', 'telephoneNumber'] });
    return searchEntries
      .map((entry) => `${entry.dn} ${String(entry.cn)} ${String(entry.telephoneNumber)}`)
      .sort();
  } finally {
    await client.unbind();
  }
}

/** The threads whose log lines answered a search: 0 for the main thread (its lines name none). */
function threadsThatSearched(): Set<number> {
  const threads = new Set<number>();
  for (const line of server.output().split('\n')) {
    if (!line.includes('"op":"search"')) continue;
    const thread = /"thread":(\d+)/.exec(line);
    threads.add(thread ? Number(thread[1]) : 0);
  }
  return threads;
}

describe('listener threads', () => {
  it('answer on every thread as one server would', async () => {
    const expected = await search('(|(cn=a*)(sn=a*))');
    expect(expected.length).toBeGreaterThan(3);
    // The kernel hands each connection to one of the threads accepting: ask until all have answered.
    await eventually(async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => search('(|(cn=a*)(sn=a*))')));
      for (const answer of answers) expect(answer).toEqual(expected);
      return threadsThatSearched().size === THREADS + 1;
    }, 'every thread answering a search');
  });

  it('count every thread’s connections in cn=Monitor and the metrics', async () => {
    const open = async (): Promise<number> =>
      new Scrape(await (await fetch(`${admin}/metrics`, authorized)).text()).value('dirbridge_connections', {
        listener: server.url,
      });
    await eventually(async () => (await open()) === 0, 'the connections of earlier tests closed');
    const clients = Array.from({ length: 9 }, () => new Client({ url: server.url }));
    try {
      await Promise.all(clients.map((client) => client.bind('pbx', PASSWORD)));
      // The kernel spreads them over the threads; each thread's are counted with the others'.
      await eventually(async () => (await open()) === clients.length, 'the metrics counting all 9');
      for (const client of clients.slice(0, 3)) {
        const { searchEntries } = await client.search('cn=Current,cn=Connections,cn=Monitor', {
          scope: 'base',
          attributes: ['monitorCounter'],
        });
        expect(searchEntries[0]!.monitorCounter).toBe(String(clients.length));
      }
    } finally {
      await Promise.all(clients.map((client) => client.unbind()));
    }
    await eventually(async () => (await open()) === 0, 'the metrics counting them closed');
  });

  it('see a change to the file on every thread', async () => {
    const text = readFileSync(csv, 'utf8');
    const [header, first] = text.split('\n');
    const columns = header!.split(',');
    const row = first!.split(',');
    row[columns.indexOf('cn')] = 'Quintus Threadwell';
    row[columns.indexOf('sn')] = 'Threadwell';
    writeFileSync(csv, `${text.trimEnd()}\n${row.join(',').replace(/^[^,]*/, 'threads-1')}\n`);
    await eventually(async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => search('(sn=threadw*)')));
      return answers.every((answer) => answer.length === 1);
    }, 'the new person found on every connection');
  });

  it('throttle wrong passwords sent on many connections at once as one server does', async () => {
    const clients = Array.from({ length: 6 }, () => new Client({ url: server.url }));
    const started = performance.now();
    const answeredAfter = await Promise.all(
      clients.map(async (client) => {
        await client.bind('pbx', WRONG).catch((error: unknown) => {
          if (!(error instanceof InvalidCredentialsError)) throw error;
        });
        return performance.now() - started;
      }),
    );
    await Promise.all(clients.map((client) => client.unbind()));
    const fast = answeredAfter.filter((ms) => ms < DELAY_S * 1000 * 0.75).length;
    expect(fast).toBeLessThanOrEqual(LOGIN_FAILURES);
    // The right password then still opens, after the delay the failures earned.
    const client = new Client({ url: server.url });
    await client.bind('pbx', PASSWORD);
    await client.unbind();
  }, 60_000);

  it('serve a source a reload added on every thread, and keep the sources it kept', async () => {
    const config = parse(readFileSync(server.configFile, 'utf8')) as { sources: Record<string, unknown>[] };
    config.sources.push({ name: 'extra', type: 'file', path: DEMO_CSV });
    writeFileSync(server.configFile, stringify(config));
    const from = server.output().length;
    server.child.kill('SIGHUP');
    await eventually(() => server.output().slice(from).includes('config reloaded'), 'the reload');
    const before = threadsThatSearched().size;
    expect(before).toBe(THREADS + 1);
    await eventually(async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => search('(sn=threadw*)', `ou=extra,${SUFFIX}`).catch(() => null)),
      );
      const kept = await Promise.all(Array.from({ length: 12 }, () => search('(sn=threadw*)')));
      return answers.every((answer) => answer?.length === 0) && kept.every((answer) => answer.length === 1);
    }, 'every thread serving ou=extra and the kept source');
    const extra = await Promise.all(
      Array.from({ length: 12 }, () => search('(cn=anna*)', `ou=extra,${SUFFIX}`)),
    );
    for (const answer of extra) expect(answer.length).toBeGreaterThan(0);
  });

  it('count every thread’s operations in the metrics', async () => {
    const searches = (scrape: Scrape): number =>
      scrape.value('dirbridge_operations_total', { operation: 'search', result: 'success' });
    const before = searches(new Scrape(await (await fetch(`${admin}/metrics`, authorized)).text()));
    await Promise.all(Array.from({ length: 20 }, () => search('(cn=b*)')));
    await eventually(async () => {
      const after = searches(new Scrape(await (await fetch(`${admin}/metrics`, authorized)).text()));
      return after - before >= 20;
    }, 'the metrics counting 20 more searches');
  });
});

describe('listener threads and maxConnections', () => {
  it('count connections on every thread against one limit', async () => {
    const small = await startDirbridge({
      config: { listenerThreads: THREADS, limits: { maxConnections: 4 } },
      logName: 'listener-threads-limit',
      timeoutMs: 60_000,
    });
    const clients: Client[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const client = new Client({ url: small.url });
        await client.bind('', '');
        clients.push(client);
      }
      // Whichever thread takes them, the next connections are over the limit.
      for (let i = 0; i < 6; i++) {
        const refused = await connectRaw(small.port);
        await refused.closed(10_000);
        expect(refused.received().includes(Buffer.from('too many connections'))).toBe(true);
      }
      await clients.pop()!.unbind();
      await eventually(async () => {
        const client = new Client({ url: small.url });
        try {
          await client.bind('', '');
          clients.push(client);
          return true;
        } catch {
          return false;
        }
      }, 'a place freed on one thread taken on any');
    } finally {
      await Promise.all(clients.map((client) => client.unbind().catch(() => undefined)));
      expect(await small.stop()).toBe(0);
    }
  }, 90_000);
});
