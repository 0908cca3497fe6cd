/**
 * The bench's graph part (BENCH_PART=graph): a `graph` source (Microsoft 365 through Graph, a
 * delta-synced replica) over the Graph fake (test/fakes/graph), which this process serves over
 * HTTPS with 50,000 seeded users.
 *
 * - A `dirbridge serve` with a `graph` source and `directory.dataDir`: time from start to the first
 *   answer (the full delta load), users synced per second, RSS after the load and its peak (VmHWM),
 *   RSS per entry against the same server over a fake of 10 users, and the snapshot's size;
 * - changes: BENCH_GRAPH_CHANGES users (5,000) given new numbers at the fake at once, then the last
 *   of them looked up through dirbridge until it answers: changes per second from the delta round's
 *   first request to that answer (the delta fetch included), and as the round's log line times it;
 * - caller-ID by number suffix and type-ahead by name prefix from the replica (the load
 *   generator's `suffix` and `prefix` scenarios), from 1 and from 8 connections.
 *
 * The fake runs in this process: its CPU (rendering and encrypting every page) competes with
 * dirbridge's and the load generator's for the machine's cores. Prints Markdown tables and asserts
 * nothing.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import type { GraphUser } from '../../test/fakes/graph/directory-model.js';
import { FakeGraph } from '../../test/fakes/graph/fake-graph.js';
import { SYNC_APP } from '../../test/fakes/graph/identity.js';
import { startServer, stopServer, type Server } from './dirbridge-server.js';
import type { RunResult, Scenario } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { ms, perSecond } from './markdown.js';
import type { Terms } from './phonebook.js';
import { cpuSeconds, memoryMiB } from './proc-stats.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const SOURCE = 'm365';
const USERS = Number(process.env.BENCH_GRAPH_USERS ?? 50_000);
const CHANGES = Math.min(USERS, Number(process.env.BENCH_GRAPH_CHANGES ?? 5_000));
/** Users per delta page: the fake's default (Graph sizes a users delta's pages itself; no $top). */
const PAGE_SIZE = Number(process.env.BENCH_GRAPH_PAGE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const BASELINE_USERS = 10;
const CHANGE_INTERVAL = 5;
const LOOKUPS: readonly Scenario[] = ['suffix', 'prefix'];
const CONNECTIONS: readonly number[] = [1, 8];
const TERMS_OF_EACH_KIND = 2_000;
/** How long a loaded server is left alone before its resident size is read. */
const SETTLE_MS = 2_000;
/** How often the changed number is looked up while the delta round runs. */
const POLL_MS = 25;
/** The client secret reaches the config as `${env:…}`, as an operator's would. */
const SECRET_VARIABLE = 'DIRBRIDGE_BENCH_GRAPH_SECRET';

interface LoadFigures {
  readonly label: string;
  readonly entries: number;
  readonly deltaPages: number;
  readonly firstAnswerSeconds: number;
  readonly loadMs: number | undefined;
  readonly rssFirst: number;
  readonly rssSettled: number;
  readonly peak: number;
  /** CPU seconds from spawn to the first answer: dirbridge's, and this process's (mostly the fake's). */
  readonly serverCpu: number;
  readonly fakeCpu: number;
}

interface DeltaFigures {
  readonly changes: number;
  /** From the changes made at the fake to the delta round's first request (waiting for the interval). */
  readonly waitMs: number;
  /** From the round's first request to the last changed number answered through dirbridge. */
  readonly roundMs: number;
  readonly pages: number;
  /** What the server logged for the round ('replica updated'). */
  readonly loggedMs: number | undefined;
  readonly loggedUpserts: number | undefined;
  /** Whether the first changed number answers too (it came first in the round). */
  readonly firstAnswered: boolean;
  readonly rssAfter: number;
  readonly peak: number;
  /** CPU seconds from the changes to the answer: dirbridge's, and this process's. */
  readonly serverCpu: number;
  readonly fakeCpu: number;
}

interface LookupFigures {
  readonly scenario: Scenario;
  readonly connections: number;
  readonly result: RunResult;
}

export async function graphBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-graph-'));
  try {
    const baseline = await withFake(BASELINE_USERS, async (fake) => {
      const { server, figures } = await loadRun(fake, join(folder, 'baseline'), `baseline`);
      await stopServer(server);
      return figures;
    });
    const report = await withFake(USERS, async (fake) => {
      const runFolder = join(folder, 'full');
      const { server, figures: load } = await loadRun(fake, runFolder, 'first load');
      try {
        const snapshotBytes = statSync(join(runFolder, 'data', `${SOURCE}.snapshot`)).size;
        const delta = await deltaRun(fake, server, fake.directory.users.all());
        // Terms from the users as they are now, changed numbers included.
        const termsFile = join(folder, 'terms.json');
        writeFileSync(termsFile, JSON.stringify(termsOf(fake.directory.users.all())));
        const lookups = await lookupRates(server, termsFile);
        return reportOf(baseline, load, snapshotBytes, lookups, delta);
      } finally {
        await stopServer(server);
      }
    });
    process.stdout.write(`${report}\n`);
  } finally {
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stderr.write(`kept ${folder}\n`);
  }
}

/** A Graph fake in this process with `users` seeded users, closed after `work`. */
async function withFake<T>(users: number, work: (fake: FakeGraph) => Promise<T>): Promise<T> {
  process.stderr.write(`Graph fake: seeding ${users} users (delta pages of ${PAGE_SIZE})\n`);
  const fake = await FakeGraph.start({ deltaPageSize: PAGE_SIZE });
  try {
    fake.seed({ users });
    return await work(fake);
  } finally {
    await fake.close();
  }
}

// ---- the full delta load -------------------------------------------------------------------------

/** Starts a server over the fake and times its full load; the server is left running. */
async function loadRun(
  fake: FakeGraph,
  folder: string,
  label: string,
): Promise<{ server: Server; figures: LoadFigures }> {
  process.stderr.write(`${label}: dirbridge serve, full delta load of ${fake.directory.users.size} users\n`);
  mkdirSync(folder, { recursive: true });
  const caFile = join(folder, 'graph-ca.pem');
  writeFileSync(caFile, fake.caCert);
  const config = {
    listen: [{ url: 'ldap://127.0.0.1:0' }],
    directory: { suffix: SUFFIX, dataDir: join(folder, 'data') },
    access: { anonymous: true },
    log: { level: 'info' },
    sources: [
      {
        name: SOURCE,
        type: 'graph',
        tenant: fake.tenantId,
        clientId: SYNC_APP.clientId,
        clientSecret: `\${env:${SECRET_VARIABLE}}`,
        authorityUrl: fake.url,
        graphUrl: fake.url,
        tls: { ca: caFile },
        changeInterval: CHANGE_INTERVAL,
      },
    ],
  };
  fake.requests.clear();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  // The server listens once its replica is loaded: startServer resolves after the full load.
  const server = await startServer(folder, config, { [SECRET_VARIABLE]: SYNC_APP.clientSecret ?? '' });
  try {
    await firstAnswer(server);
    const firstAnswerSeconds = (performance.now() - started) / 1000;
    const fakeCpu = cpuOf(process.cpuUsage(cpuBefore));
    const serverCpu = cpuSeconds(server.pid);
    const rssFirst = memoryMiB(server.pid, 'VmRSS');
    await sleep(SETTLE_MS);
    const loaded = loggedFields(server, 'replica loaded');
    return {
      server,
      figures: {
        label,
        entries: loaded?.entries ?? Number.NaN,
        deltaPages: fake.requests.to('/v1.0/users/delta').length,
        firstAnswerSeconds,
        loadMs: loaded?.ms,
        rssFirst,
        rssSettled: memoryMiB(server.pid, 'VmRSS'),
        peak: memoryMiB(server.pid, 'VmHWM'),
        serverCpu,
        fakeCpu,
      },
    };
  } catch (error) {
    await stopServer(server);
    throw error;
  }
}

async function firstAnswer(server: Server): Promise<void> {
  const client = new Client({ url: server.url, timeout: 60_000 });
  try {
    const { searchEntries } = await client.search(SUFFIX, {
      filter: '(cn=a*)',
      sizeLimit: 1,
      attributes: ['cn'],
    });
    if (searchEntries.length === 0) throw new Error('the first search found nobody');
  } finally {
    await client.unbind();
  }
}

// ---- lookups from the replica --------------------------------------------------------------------

/**
 * What phones would type, drawn from the seeded users: number suffixes (the last four digits of a
 * business or mobile number) and three-letter name beginnings, as written and without accents.
 */
function termsOf(users: readonly GraphUser[]): Terms {
  const step = Math.max(1, Math.floor(users.length / TERMS_OF_EACH_KIND));
  const numberSuffixes: string[] = [];
  const mails: string[] = [];
  const prefixes = new Set<string>();
  for (let index = 0; index < users.length; index += step) {
    const user = users[index]!;
    const number = user.businessPhones[0] ?? user.mobilePhone;
    const digits = number?.replace(/\D/g, '') ?? '';
    if (digits.length >= 4) numberSuffixes.push(digits.slice(-4));
    if (user.mail !== null) mails.push(user.mail);
    for (const name of [user.givenName, user.surname]) {
      if (name === null || name.length < 3) continue;
      const prefix = name.slice(0, 3).toLowerCase();
      prefixes.add(prefix);
      prefixes.add(prefix.normalize('NFD').replace(/\p{M}/gu, ''));
    }
  }
  return { namePrefixes: [...prefixes], numberSuffixes, mails };
}

async function lookupRates(server: Server, termsFile: string): Promise<LookupFigures[]> {
  const figures: LookupFigures[] = [];
  const load = new LoadGenerator();
  try {
    for (const connections of CONNECTIONS) {
      process.stderr.write(`lookups from ${connections} connection(s)\n`);
      await load.send({
        cmd: 'connect',
        url: server.url,
        connections,
        bind: { dn: '', password: '' },
        termsFile,
        suffix: SUFFIX,
      });
      for (const scenario of LOOKUPS) await load.send({ cmd: 'run', scenario, seconds: 1 });
      for (const scenario of LOOKUPS) {
        const result = await load.send<RunResult>({ cmd: 'run', scenario, seconds: SECONDS });
        figures.push({ scenario, connections, result });
      }
      await load.send({ cmd: 'close' });
    }
  } finally {
    load.end();
  }
  return figures;
}

// ---- delta rounds --------------------------------------------------------------------------------

/** A number nobody has yet, unique per change: +49 40 7000000 onwards (Hamburg). */
function changedNumber(index: number): { written: string; e164: string } {
  const subscriber = String(7_000_000 + index);
  return { written: `+49 40 ${subscriber}`, e164: `+4940${subscriber}` };
}

async function deltaRun(fake: FakeGraph, server: Server, users: readonly GraphUser[]): Promise<DeltaFigures> {
  process.stderr.write(`delta round: ${CHANGES} users given new numbers at the fake\n`);
  const client = new Client({ url: server.url, timeout: 60_000 });
  try {
    const step = Math.max(1, Math.floor(users.length / CHANGES));
    const mark = fake.requests.count;
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = cpuSeconds(server.pid);
    const changedAt = Date.now();
    // All in one go (no request is served in between): one delta round reports them all, the last
    // changed last.
    for (let index = 0; index < CHANGES; index++)
      fake.directory.updateUser(users[index * step]!.id, {
        businessPhones: [changedNumber(index).written],
      });
    const last = changedNumber(CHANGES - 1).e164;
    while (!(await answers(client, last))) await sleep(POLL_MS);
    const answeredAt = Date.now();
    const fakeCpu = cpuOf(process.cpuUsage(cpuBefore));
    const serverCpu = cpuSeconds(server.pid) - serverCpuBefore;
    const round = fake.requests
      .all()
      .filter((request) => request.seq > mark && request.path === '/v1.0/users/delta');
    const start = round.find((request) => '$deltatoken' in request.query);
    const firstAnswered = await answers(client, changedNumber(0).e164);
    // The round's log line comes right after it is applied; give it a moment.
    await sleep(500);
    const logged = loggedFields(server, 'replica updated', (fields) => (fields.upserts ?? 0) >= CHANGES);
    return {
      changes: CHANGES,
      waitMs: start === undefined ? Number.NaN : start.receivedAt - changedAt,
      roundMs: start === undefined ? Number.NaN : answeredAt - start.receivedAt,
      pages: round.filter(
        (request) => request.seq >= (start?.seq ?? Infinity) && request.receivedAt <= answeredAt,
      ).length,
      loggedMs: logged?.ms,
      loggedUpserts: logged?.upserts,
      firstAnswered,
      rssAfter: memoryMiB(server.pid, 'VmRSS'),
      peak: memoryMiB(server.pid, 'VmHWM'),
      serverCpu,
      fakeCpu,
    };
  } finally {
    await client.unbind();
  }
}

async function answers(client: Client, e164: string): Promise<boolean> {
  const { searchEntries } = await client.search(SUFFIX, {
    filter: `(telephoneNumber=${e164})`,
    attributes: ['cn'],
  });
  return searchEntries.length > 0;
}

// ---- helpers -------------------------------------------------------------------------------------

interface LoggedFields {
  readonly ms?: number;
  readonly entries?: number;
  readonly upserts?: number;
}

/** The fields of the last log line with this message (and that `accept` takes). */
function loggedFields(
  server: Server,
  message: string,
  accept: (fields: LoggedFields) => boolean = () => true,
): LoggedFields | undefined {
  let found: LoggedFields | undefined;
  for (const line of readFileSync(server.logFile, 'utf8').split('\n')) {
    if (!line.includes(`"${message}"`)) continue;
    const fields = JSON.parse(line) as LoggedFields;
    if (accept(fields)) found = fields;
  }
  return found;
}

function cpuOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

// ---- the report ----------------------------------------------------------------------------------

function reportOf(
  baseline: LoadFigures,
  load: LoadFigures,
  snapshotBytes: number,
  lookups: readonly LookupFigures[],
  delta: DeltaFigures,
): string {
  const count = (value: number): string =>
    Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
  const mib = (value: number): string => `${value.toFixed(0)} MiB`;
  const seconds = (value: number | undefined): string =>
    value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} s`;
  const loadRow = (f: LoadFigures): string =>
    `| ${f.label} | ${count(f.entries)} | ${f.deltaPages} | ${seconds(f.firstAnswerSeconds)} | ${seconds(f.loadMs === undefined ? undefined : f.loadMs / 1000)} | ${f.loadMs === undefined ? '–' : perSecond(f.entries, f.loadMs / 1000)} | ${mib(f.rssFirst)} | ${mib(f.rssSettled)} | ${mib(f.peak)} | ${seconds(f.serverCpu)} | ${seconds(f.fakeCpu)} |`;
  const perEntryBytes = ((load.rssSettled - baseline.rssSettled) * 1024 * 1024) / load.entries;
  const lookupRows = lookups.map(
    ({ scenario, connections, result }) =>
      `| ${scenario === 'suffix' ? 'caller ID: number suffix' : 'type-ahead: name prefix'} | ${connections} | ${perSecond(result.ops, result.seconds)} | ${ms(result.p50)} | ${ms(result.p99)} | ${result.ops > 0 ? (result.entries / result.ops).toFixed(1) : '–'} | ${result.errors} |`,
  );
  const roundSeconds = delta.roundMs / 1000;
  return [
    `### graph benchmark: ${USERS.toLocaleString('en-US')} Microsoft 365 users from the Graph fake`,
    '',
    `Node ${process.version}, ${availableParallelism()} cores. A \`graph\` source (default map, \`changeInterval: ${CHANGE_INTERVAL}\`, directory.dataDir) over the Graph fake (test/fakes/graph) served over HTTPS by the bench process itself, with users delta pages of ${PAGE_SIZE}. **The fake's CPU (rendering and encrypting every page) competes with dirbridge's for the same cores**, and so does the load generator's: dirbridge alone would do more, while a real tenant adds its network and service time to every page, which the fake on the loopback leaves out.`,
    '',
    '| run | entries | users delta pages | first answer | full load (logged) | users/s | RSS at first answer | RSS after 2 s | peak RSS | dirbridge CPU to first answer | bench process (fake) CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    loadRow(baseline),
    loadRow(load),
    '',
    `- replica memory per entry: ${count(perEntryBytes)} bytes (RSS 2 s after the load, ${mib(load.rssSettled)}, less the same server's over ${BASELINE_USERS} users, ${mib(baseline.rssSettled)}, over ${count(load.entries)} entries)`,
    `- snapshot: ${(snapshotBytes / 1024 / 1024).toFixed(1)} MiB (${count(snapshotBytes / load.entries)} bytes per entry)`,
    '',
    `Changes: ${count(delta.changes)} users given a new business number at the fake at once, then the last one looked up through dirbridge every ${POLL_MS} ms:`,
    '',
    '| changes | wait for the next delta query | delta round to last change answered | changes/s (fetch + apply) | round as logged | changes/s (logged) | delta pages | dirbridge CPU | bench process (fake) CPU | RSS after | peak RSS |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(delta.changes)} | ${seconds(delta.waitMs / 1000)} | ${seconds(roundSeconds)} | ${perSecond(delta.changes, roundSeconds)} | ${seconds(delta.loggedMs === undefined ? undefined : delta.loggedMs / 1000)} | ${delta.loggedMs === undefined ? '–' : perSecond(delta.loggedUpserts ?? delta.changes, delta.loggedMs / 1000)} | ${delta.pages} | ${seconds(delta.serverCpu)} | ${seconds(delta.fakeCpu)} | ${mib(delta.rssAfter)} | ${mib(delta.peak)} |`,
    '',
    `- the first changed number answered too: ${delta.firstAnswered ? 'yes' : 'no'}; the round's log line counted ${delta.loggedUpserts === undefined ? '–' : count(delta.loggedUpserts)} upserts`,
    '',
    `Lookups from the replica once the changes are in (the load generator's \`suffix\` and \`prefix\` scenarios: \`(|(telephoneNumber=*NNNN)(mobile=*NNNN))\` and \`(|(cn=abc*)(sn=abc*))\`, size limit 50), ${SECONDS} s each after 1 s of warm-up:`,
    '',
    '| lookup | connections | lookups/s | p50 ms | p99 ms | entries per answer | errors |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...lookupRows,
  ].join('\n');
}
