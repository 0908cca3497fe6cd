/**
 * Two dirbridge processes behind HAProxy (Debian's package) in TCP mode, health-checked on each
 * one's `/readyz` (docs/high-availability.md). An instance that is not ready gets no traffic, though
 * it still accepts an anonymous bind; a killed instance is marked DOWN by the failing check; and when
 * one is killed in the middle of a PBX's paged import and of phones' lookups, the import started
 * again completes through the other with every entry, and no lookup fails for more than one retry.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhonebook } from '../../scripts/bench/phonebook.js';
import { startHaproxy, type Haproxy } from '../../scripts/test-backends/haproxy.js';
import { Scrape } from '../support/prometheus-scrape.js';
import { e164Digits } from './support/demo-data.js';
import { startDirbridge, SUFFIX, type DirbridgeProcess } from './support/dirbridge-process.js';
import { processLogPath } from './support/process-logs.js';
import { registerTestSecret } from './support/test-secrets.js';

const TOKEN = registerTestSecret('balancer-admin-token-5d8e2f7a1c');
const TOKEN_VARIABLE = 'DIRBRIDGE_E2E_BALANCER_TOKEN';
/** Enough that a paged import in pages of PAGE_SIZE takes many round trips. */
const PEOPLE = 3_000;
const PAGE_SIZE = 100;
const LOOKUP_WORKERS = 4;
/** Lookups each worker makes after the kill, so that every worker meets the new situation. */
const LOOKUPS_AFTER_KILL = 20;
const RETRY_PAUSE_MS = 250;
const PEOPLE_FILTER = '(objectClass=person)';
const authorized = { headers: { authorization: `Bearer ${TOKEN}` } };

interface Instance {
  readonly name: string;
  readonly process: DirbridgeProcess;
  /** The CSV its file source reads (each instance its own copy). */
  readonly csv: string;
  readonly admin: string;
}

interface Person {
  readonly callerId: string;
  readonly ipPhone: string;
  /** What a phone user types to find them: the first three letters of a name. */
  readonly typed: string;
}

const phonebook = generatePhonebook(PEOPLE);
const instances: Instance[] = [];
let haproxy: Haproxy;

beforeAll(async () => {
  process.env[TOKEN_VARIABLE] = TOKEN;
  instances.push(await startInstance('a'), await startInstance('b'));
  haproxy = await startHaproxy({
    name: 'balancer',
    servers: instances.map((instance) => ({
      name: instance.name,
      ldapPort: instance.process.port,
      adminPort: Number(new URL(instance.admin).port),
    })),
    adminToken: TOKEN,
    log: processLogPath('haproxy'),
  });
  for (const instance of instances) await haproxy.until(instance.name, isUp);
});

afterAll(async () => {
  // Undefined when start-up failed half-way.
  await (haproxy as Haproxy | undefined)?.stop();
  for (const instance of instances) await instance.process.stop();
  delete process.env.DIRBRIDGE_E2E_BALANCER_TOKEN;
});

/** An instance with its own copy of the people, its own dataDir and its own admin listener. */
async function startInstance(name: string): Promise<Instance> {
  const folder = mkdtempSync(join(tmpdir(), `dirbridge-balancer-${name}-`));
  const csv = join(folder, 'people.csv');
  writeFileSync(csv, phonebook.csv);
  const process = await startDirbridge({
    config: {
      directory: { suffix: SUFFIX, dataDir: join(folder, 'data') },
      admin: { listen: 'http://127.0.0.1:0', token: `\${env:${TOKEN_VARIABLE}}` },
      // maxStale 0: a copy that cannot be reloaded makes the instance not ready at once.
      sources: [{ name: 'people', type: 'file', path: csv, maxStale: 0 }],
    },
    logName: `balancer-${name}`,
    timeoutMs: 60_000,
  });
  const admin = /metrics and health on (http:\/\/\S+)/.exec(process.output())![1]!;
  return { name, process, csv, admin };
}

const isUp = (state: { status: string; checkStatus: string }): boolean =>
  state.status === 'UP' && state.checkStatus === 'L7OK';

/** Connections an instance's LDAP listener accepted since it started, as its own metrics say. */
async function accepted(instance: Instance): Promise<number> {
  const scrape = new Scrape(await (await fetch(`${instance.admin}/metrics`, authorized)).text());
  const value = scrape.value('dirbridge_connections_accepted_total', { listener: instance.process.url });
  return Number.isNaN(value) ? 0 : value;
}

/** People in German offices, whose numbers a phone shows as +49…: the caller IDs to look up. */
function callers(): Person[] {
  const rows = parse<Record<string, string>>(phonebook.csv, { columns: true });
  return rows
    .filter((row) => ['Berlin', 'München', 'Hamburg', 'Köln'].includes(row.physicalDeliveryOfficeName!))
    .map((row) => ({
      callerId: `+${e164Digits(row.telephoneNumber!)}`,
      ipPhone: row.ipPhone!,
      // "de la Cruz" or "O'Connor" are typed otherwise; a given name is three letters or more.
      typed: (/^\p{L}{3}/u.test(row.sn!) ? row.sn! : row.givenName!).slice(0, 3),
    }));
}

function client(url: string): Client {
  return new Client({ url, timeout: 10_000, connectTimeout: 5_000 });
}

/** A PBX's import: every person, in pages, on one connection; the DNs in the order they came. */
async function importAll(url: string): Promise<string[]> {
  const pbx = client(url);
  try {
    const dns: string[] = [];
    for await (const page of pbx.searchPaginated(SUFFIX, {
      filter: PEOPLE_FILTER,
      attributes: ['cn'],
      paged: { pageSize: PAGE_SIZE },
    }))
      dns.push(...page.searchEntries.map((entry) => entry.dn));
    return dns;
  } finally {
    await pbx.unbind().catch(() => undefined);
  }
}

/**
 * What a phone asks, alternately: who is calling (by number), and a name being typed. Throws when
 * the connection fails; resolves false when the answer is wrong (the caller not found, no name).
 */
async function lookup(phone: Client, person: Person, byNumber: boolean): Promise<boolean> {
  if (byNumber) {
    const n = person.callerId;
    const { searchEntries } = await phone.search(SUFFIX, {
      filter: `(|(telephoneNumber=${n})(mobile=${n})(ipPhone=${n}))`,
      attributes: ['cn', 'ipPhone'],
      sizeLimit: 50,
    });
    return searchEntries.some((entry) => entry['ipPhone'] === person.ipPhone);
  }
  const { searchEntries } = await phone.search(SUFFIX, {
    filter: `(|(cn=${person.typed}*)(sn=${person.typed}*))`,
    attributes: ['cn'],
    sizeLimit: 50,
  });
  return searchEntries.length > 0;
}

interface LookupTally {
  done: number;
  /** Lookups that failed once and succeeded on a new connection: why they failed. */
  readonly retried: string[];
  /** Lookups that failed on a new connection too (what a phone user would notice): why. */
  readonly failedTwice: string[];
  /** Lookups answered without what they looked for. */
  readonly wrong: string[];
  /** Lookups done since `killed` was set, per worker. */
  readonly sinceKill: number[];
  killed: boolean;
  stop: boolean;
}

/** One phone's loop: on an error, it reconnects and tries once more, as a phone's next key press would. */
async function phoneWorker(url: string, index: number, tally: LookupTally, people: Person[]): Promise<void> {
  let phone = client(url);
  for (let i = index; !tally.stop; i += LOOKUP_WORKERS) {
    const person = people[i % people.length]!;
    const byNumber = i % 2 === 0;
    let answer: boolean;
    try {
      answer = await lookup(phone, person, byNumber);
    } catch (first) {
      await phone.unbind().catch(() => undefined);
      // A moment, as a phone's retry takes: a killed process drops its connections a little before
      // its listener, and a connection accepted in between is dropped as well.
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      phone = client(url);
      try {
        answer = await lookup(phone, person, byNumber);
        tally.retried.push(message(first));
      } catch (second) {
        tally.failedTwice.push(`${message(first)}, then ${message(second)}`);
        await phone.unbind().catch(() => undefined);
        phone = client(url);
        continue;
      }
    }
    if (!answer) tally.wrong.push(byNumber ? person.callerId : person.typed);
    tally.done++;
    if (tally.killed) tally.sinceKill[index]!++;
  }
  await phone.unbind().catch(() => undefined);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

describe('two instances behind HAProxy', () => {
  it('sends nothing to an instance that is not ready, though it still accepts an anonymous bind', async () => {
    const [a, b] = instances as [Instance, Instance];
    // b's file disappears: b keeps serving its copy, stale, and /readyz says not ready (maxStale 0).
    renameSync(b.csv, `${b.csv}.away`);
    const down = await haproxy.until('b', (state) => state.status === 'DOWN');
    expect(down).toMatchObject({ checkStatus: 'L7STS', checkCode: '503' });
    const readyz = await fetch(`${b.admin}/readyz`, authorized);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({
      ready: false,
      sources: [{ source: 'people', ready: false }],
    });
    expect((await haproxy.server('a')).status).toBe('UP');

    // What an LDAP health check would see: b binds anonymously and answers, so it would stay in.
    const direct = client(b.process.url);
    await direct.bind('', '');
    const { searchEntries } = await direct.search(SUFFIX, {
      filter: '(cn=a*)',
      attributes: ['cn'],
      sizeLimit: 1,
    });
    expect(searchEntries).toHaveLength(1);
    await direct.unbind();

    const before = { a: await accepted(a), b: await accepted(b) };
    const people = callers();
    for (let i = 0; i < 10; i++) {
      const phone = client(haproxy.url);
      try {
        expect(await lookup(phone, people[i]!, i % 2 === 0)).toBe(true);
      } finally {
        await phone.unbind();
      }
    }
    expect(await accepted(b)).toBe(before.b);
    expect(await accepted(a)).toBe(before.a + 10);

    // The file back: b reloads, is ready, and is taken back in.
    renameSync(`${b.csv}.away`, b.csv);
    await haproxy.until('b', isUp);
    expect((await fetch(`${b.admin}/readyz`, authorized)).status).toBe(200);
  });

  it('survives a kill in the middle of an import and of lookups: the import restarts, no lookup fails twice', async () => {
    // Both instances present the same entries under the same DNs (entryUUIDs come from the source).
    const [expected, fromB] = await Promise.all(instances.map((instance) => importAll(instance.process.url)));
    expect(expected).toHaveLength(PEOPLE);
    expect(new Set(expected).size).toBe(PEOPLE);
    expect(new Set(fromB)).toEqual(new Set(expected));

    // The PBX's import starts through the balancer; its instance is the one whose count goes up.
    const before = await Promise.all(instances.map(accepted));
    const pbx = client(haproxy.url);
    const pages = pbx.searchPaginated(SUFFIX, {
      filter: PEOPLE_FILTER,
      attributes: ['cn'],
      paged: { pageSize: PAGE_SIZE },
    });
    const interrupted: string[] = [];
    const readPage = async (): Promise<void> => {
      const page = await pages.next();
      if (!page.done) interrupted.push(...page.value.searchEntries.map((entry) => entry.dn));
    };
    await readPage();
    const afterImport = await Promise.all(instances.map(accepted));
    const grew = instances.filter((_, i) => afterImport[i]! - before[i]! === 1);
    expect(grew).toHaveLength(1);
    const victim = grew[0]!;
    const survivor = instances.find((instance) => instance !== victim)!;

    // Phones look people up on connections of their own, spread over both instances.
    const tally: LookupTally = {
      done: 0,
      retried: [],
      failedTwice: [],
      wrong: [],
      sinceKill: Array.from({ length: LOOKUP_WORKERS }, () => 0),
      killed: false,
      stop: false,
    };
    const people = callers();
    const workers = Array.from({ length: LOOKUP_WORKERS }, (_, index) =>
      phoneWorker(haproxy.url, index, tally, people),
    );
    for (let page = 0; page < 4; page++) await readPage();
    expect(interrupted).toHaveLength(5 * PAGE_SIZE);
    expect(tally.done).toBeGreaterThan(0);
    // Some of the phones are on the instance about to die.
    expect(await accepted(victim)).toBeGreaterThan(afterImport[instances.indexOf(victim)]!);

    const exited = new Promise((resolve) => victim.process.child.once('exit', resolve));
    victim.process.child.kill('SIGKILL');
    await exited;
    tally.killed = true;

    // The import's connection is gone, and with it the paged search (cookies are per connection).
    await expect(readPage()).rejects.toThrow();
    await pbx.unbind().catch(() => undefined);
    // The PBX starts its import again at once, whether or not HAProxy's check has noticed yet: a
    // connection to the dead instance would be refused and dispatched to the other (`redispatch`).
    const restarted = importAll(haproxy.url);
    // HAProxy's check of the dead instance's admin port fails: DOWN by the health check.
    const down = await haproxy.until(victim.name, (state) => state.status === 'DOWN');
    expect(down.checkStatus).toBe('L4CON');
    // The import completes through the survivor, every entry once.
    const again = await restarted;
    expect(again).toHaveLength(PEOPLE);
    expect(new Set(again)).toEqual(new Set(expected));
    expect(interrupted.every((dn) => again.includes(dn))).toBe(true);
    // And a new one, started now that the dead instance is out.
    expect(new Set(await importAll(haproxy.url))).toEqual(new Set(expected));

    const deadline = Date.now() + 60_000;
    while (tally.sinceKill.some((count) => count < LOOKUPS_AFTER_KILL) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    tally.stop = true;
    await Promise.all(workers);
    expect(tally.sinceKill.every((count) => count >= LOOKUPS_AFTER_KILL)).toBe(true);
    expect(tally.failedTwice, `${tally.retried.length} lookups needed their retry`).toEqual([]);
    expect(tally.wrong).toEqual([]);
    expect((await haproxy.server(survivor.name)).status).toBe('UP');
  }, 180_000);
});
