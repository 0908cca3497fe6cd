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
import { mkdirSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphUser } from '../../test/fakes/graph/directory-model.js';
import { FakeGraph } from '../../test/fakes/graph/fake-graph.js';
import { SYNC_APP } from '../../test/fakes/graph/identity.js';
import {
  loadReport,
  measureLoad,
  measureRound,
  roundReport,
  type LoadFigures,
  type RoundFigures,
  type Vocabulary,
} from './cloud-replica.js';
import { stopServer, type Server } from './dirbridge-server.js';
import type { RunResult, Scenario } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { ms, perSecond } from './markdown.js';
import type { Terms } from './phonebook.js';

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
/** The client secret reaches the config as `${env:…}`, as an operator's would. */
const SECRET_VARIABLE = 'DIRBRIDGE_BENCH_GRAPH_SECRET';

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
  return measureLoad({
    folder,
    label,
    suffix: SUFFIX,
    config,
    env: { [SECRET_VARIABLE]: SYNC_APP.clientSecret ?? '' },
    pages: () => fake.requests.to('/v1.0/users/delta').length,
  });
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

async function deltaRun(fake: FakeGraph, server: Server, users: readonly GraphUser[]): Promise<RoundFigures> {
  process.stderr.write(`delta round: ${CHANGES} users given new numbers at the fake\n`);
  const step = Math.max(1, Math.floor(users.length / CHANGES));
  let mark = 0;
  return measureRound({
    server,
    suffix: SUFFIX,
    changes: CHANGES,
    mark: () => (mark = fake.requests.count),
    // The last changed last, so its answer means the round is in.
    change: (index, number) =>
      fake.directory.updateUser(users[index * step]!.id, { businessPhones: [number.written] }),
    round: (changedAt, answeredAt) => {
      const round = fake.requests
        .all()
        .filter((request) => request.seq > mark && request.path === '/v1.0/users/delta');
      const start = round.find((request) => '$deltatoken' in request.query);
      const pages = round.filter(
        (request) => request.seq >= (start?.seq ?? Infinity) && request.receivedAt <= answeredAt,
      ).length;
      return start === undefined ? { pages } : { startAt: start.receivedAt, pages };
    },
  });
}

const WORDS: Vocabulary = {
  people: 'users',
  loadPages: 'users delta pages',
  round: 'delta query',
  roundPages: 'delta pages',
  number: 'business number',
};

// ---- the report ----------------------------------------------------------------------------------

function reportOf(
  baseline: LoadFigures,
  load: LoadFigures,
  snapshotBytes: number,
  lookups: readonly LookupFigures[],
  delta: RoundFigures,
): string {
  const lookupRows = lookups.map(
    ({ scenario, connections, result }) =>
      `| ${scenario === 'suffix' ? 'caller ID: number suffix' : 'type-ahead: name prefix'} | ${connections} | ${perSecond(result.ops, result.seconds)} | ${ms(result.p50)} | ${ms(result.p99)} | ${result.ops > 0 ? (result.entries / result.ops).toFixed(1) : '–'} | ${result.errors} |`,
  );
  return [
    `### graph benchmark: ${USERS.toLocaleString('en-US')} Microsoft 365 users from the Graph fake`,
    '',
    `Node ${process.version}, ${availableParallelism()} cores. A \`graph\` source (default map, \`changeInterval: ${CHANGE_INTERVAL}\`, directory.dataDir) over the Graph fake (test/fakes/graph) served over HTTPS by the bench process itself, with users delta pages of ${PAGE_SIZE}. **The fake's CPU (rendering and encrypting every page) competes with dirbridge's for the same cores**, and so does the load generator's: dirbridge alone would do more, while a real tenant adds its network and service time to every page, which the fake on the loopback leaves out.`,
    '',
    ...loadReport(baseline, load, snapshotBytes, WORDS),
    '',
    ...roundReport(delta, WORDS),
    '',
    `Lookups from the replica once the changes are in (the load generator's \`suffix\` and \`prefix\` scenarios: \`(|(telephoneNumber=*NNNN)(mobile=*NNNN))\` and \`(|(cn=abc*)(sn=abc*))\`, size limit 50), ${SECONDS} s each after 1 s of warm-up:`,
    '',
    '| lookup | connections | lookups/s | p50 ms | p99 ms | entries per answer | errors |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...lookupRows,
  ].join('\n');
}
