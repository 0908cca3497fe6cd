/**
 * `npm run bench:compare`: dirbridge against OpenLDAP on the same people, side by side in one run
 * (issue 16).
 *
 * For each size it generates the phonebook (scripts/bench/phonebook.ts) and starts:
 * - `slapd`: OpenLDAP slapd, mdb, `eq,sub` indexes on cn/sn/givenName/telephoneNumber/mobile and
 *   `eq` on mail, loaded with the people by slapadd (scripts/bench/compare-slapd.ts);
 * - `back-ldap`: a second slapd with back-ldap in front of the first;
 * - one dirbridge with three mounts: `file` (a file source on the phonebook's CSV), `replica` (an
 *   `ldap` source copying the slapd) and `live` (an `ldap` source searching the slapd live, its
 *   result cache off);
 * - `alone` and `threads`: two more dirbridges serving the same CSV alone, one without listener
 *   threads and one with `listenerThreads` (1, or BENCH_COMPARE_THREADS): what threads add to the CPU
 *   per operation and to the RSS, after the same runs.
 * Every size is set up before the first run. One load generator process (scripts/bench/load.ts) drives
 * them all, target after target and size after size for each workload and connection count, so that
 * drift in the machine's load hits every server and both sizes alike (the type-ahead growth from 10k
 * to 100k is a ratio of two sizes, and runs minutes apart moved by more than the target). On
 * two cores the load generator saturates before slapd does on search answers, so searches are to be
 * compared by server CPU per operation (from /proc), binds by ops/s. Asserts nothing.
 *
 *   npm run bench:compare
 *   BENCH_COMPARE_SIZES=10000 BENCH_SECONDS=2 npm run bench:compare   a few minutes
 *   BENCH_COMPARE_CONNECTIONS=1,32   BENCH_KEEP=1 (keep the folder: configs, logs)
 *   BENCH_COMPARE_WORKLOADS=callerId,typeAhead   some workloads only (load.ts scenario names)
 *   BENCH_COMPARE_TARGETS=slapd,file   some servers only (slapd, back-ldap, file, replica, live, alone,
 *                                      threads)
 *   BENCH_CPU_PROF=/tmp/prof   a CPU profile of dirbridge (node --cpu-prof), written when it stops
 *   BENCH_NODE_FLAGS="--v8-pool-size=1"   Node or V8 flags to try on dirbridge beyond its own
 *   BENCH_WARM_UP_SECONDS=4   longer warm-ups (default 1 s per workload and target, and before c=1)
 *   BENCH_SETTLE_SECONDS=60   idle time after the runs before the settled RSS is read (default 30)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import {
  PEOPLE_BASE,
  peopleLdif,
  phonebookRows,
  SERVICE_DN,
  SERVICE_PASSWORD,
  SLAPD_SUFFIX,
  startSlapdPair,
  type SlapdPair,
} from './compare-slapd.js';
import { hashPassword, startServer, stopServer, type Server } from './dirbridge-server.js';
import {
  micros,
  report,
  type Measured,
  type Memory,
  type Rss,
  type TargetName,
  type Workload,
} from './compare-report.js';
import type { Credentials, RunResult } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { perSecond } from './markdown.js';
import { generatePhonebook, type Terms } from './phonebook.js';
import { cpuSeconds, memoryMiB } from './proc-stats.js';

const SIZES = numbers(process.env.BENCH_COMPARE_SIZES, [10_000, 100_000]);
const CONNECTIONS = numbers(process.env.BENCH_COMPARE_CONNECTIONS, [1, 8, 32]);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 1);
/**
 * How long the servers idle after the runs before their RSS is read again (`settled`): what a
 * server holds between bursts, once it has given back what the last one left (V8's memory reducer
 * and dirbridge's collection when an event loop goes quiet, src/memory/idle-collection.ts).
 */
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 30);
/**
 * A paged export's run lasts at least this long: at 32 connections a page takes about a second, so a
 * 2 s run timed 56 pages, half of them the first page of 32 exports begun at once, and its p99 was
 * the slowest one or two of them.
 */
const EXPORT_SECONDS = 8;
const SUFFIX = 'dc=dirbridge,dc=local';
const READER = { name: 'bench', password: 'bench-secret-0815' } as const;
const THREADS = Number(process.env.BENCH_COMPARE_THREADS ?? 1);
const PASSWORD_VARIABLE = 'DIRBRIDGE_BENCH_SLAPD_PASSWORD';
/** Entries each target's re-read scenario picks its DNs from. */
const REREAD_DNS = 500;
const CALLER_IDS = 2_000;

function names(text: string | undefined): ReadonlySet<string> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return new Set(text.split(',').map((part) => part.trim()));
}

const ONLY_WORKLOADS = names(process.env.BENCH_COMPARE_WORKLOADS);
const ONLY_TARGETS = names(process.env.BENCH_COMPARE_TARGETS);

function numbers(text: string | undefined, fallback: number[]): number[] {
  if (text === undefined || text.trim() === '') return fallback;
  return text.split(',').map((part) => Number(part.trim()));
}

/** Which process each target's CPU is read from: its front, and the slapd behind it if any. */
interface Target {
  readonly name: TargetName;
  readonly url: string;
  readonly base: string;
  readonly bind: Credentials;
  readonly frontPid: number;
  /** The mdb slapd's pid when this target forwards to it during a run (back-ldap, live). */
  readonly backendPid?: number;
  readonly termsFile: string;
}

const SEARCHERS: readonly TargetName[] = ['slapd', 'back-ldap', 'file', 'replica', 'alone', 'threads'];

const WORKLOADS: readonly Workload[] = [
  { scenario: 'callerId', label: 'caller-ID `(telephoneNumber=+49…)`', targets: SEARCHERS },
  {
    scenario: 'typeAhead',
    label: 'type-ahead `(|(cn=*abc*)(telephoneNumber=*123*))`, sizeLimit 50',
    targets: SEARCHERS,
  },
  {
    scenario: 'suffix',
    label: 'number suffix `(|(telephoneNumber=*4567)(mobile=*4567))`, sizeLimit 50',
    targets: SEARCHERS,
  },
  { scenario: 'prefix', label: 'name prefix `(|(cn=abc*)(sn=abc*))`, sizeLimit 50', targets: SEARCHERS },
  { scenario: 'reread', label: 'Gigaset re-read by DN (base scope)', targets: SEARCHERS },
  { scenario: 'export', label: 'paged full export, per page of 1000', targets: SEARCHERS },
  // One dirbridge serves every mount: its binds are the same whichever mount is searched after.
  {
    scenario: 'bind',
    label: 'simple bind, service account',
    targets: ['slapd', 'back-ldap', 'file', 'alone', 'threads'],
  },
  { scenario: 'equality', label: 'exact `(mail=…)`', targets: ['slapd', 'back-ldap', 'live'] },
];

// ---- set-up -----------------------------------------------------------------------------------------

/** Whole numbers in international form without separators, which both servers' matching finds. */
function callerIds(rows: readonly Record<string, string>[]): string[] {
  const ids = rows
    .map((row) => row.telephoneNumber ?? '')
    .filter((number) => number.startsWith('+') && !number.includes('(') && !number.includes('/'))
    .map((number) => number.replace(/[\s-]/g, ''));
  return ids.filter((_, index) => index % Math.max(1, Math.floor(ids.length / CALLER_IDS)) === 0);
}

async function startDirbridge(folder: string, csvPath: string, slapdUrl: string): Promise<Server> {
  const ldap = {
    type: 'ldap',
    urls: [slapdUrl],
    bind: { name: SERVICE_DN, password: `\${env:${PASSWORD_VARIABLE}}` },
    base: PEOPLE_BASE,
  };
  return startServer(
    folder,
    {
      listen: [{ url: 'ldap://127.0.0.1:0' }],
      directory: { suffix: SUFFIX },
      access: {
        anonymous: false,
        accounts: [{ name: READER.name, passwordHash: hashPassword(READER.password) }],
      },
      log: { level: 'info' },
      sources: [
        { name: 'file', type: 'file', path: csvPath },
        // No poll during the runs: slapd has no index on modifyTimestamp, so each poll is a scan
        // whose CPU would be charged to whatever run it fell into.
        { name: 'replica', ...ldap, changeInterval: 86_400, reconcileInterval: 86_400 },
        { name: 'live', ...ldap, mode: 'live', cache: { size: 0 } },
      ],
    },
    { [PASSWORD_VARIABLE]: SERVICE_PASSWORD },
  );
}

/** A dirbridge serving the CSV alone, as mount `file`, with `threads` listener threads. */
function startFileServer(folder: string, csvPath: string, threads: number): Promise<Server> {
  mkdirSync(folder);
  return startServer(folder, {
    listen: [{ url: 'ldap://127.0.0.1:0' }],
    listenerThreads: threads,
    directory: { suffix: SUFFIX },
    access: {
      anonymous: false,
      accounts: [{ name: READER.name, passwordHash: hashPassword(READER.password) }],
    },
    log: { level: 'info' },
    sources: [{ name: 'file', type: 'file', path: csvPath }],
  });
}

async function withClient<T>(
  url: string,
  bind: Credentials,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ url, timeout: 60_000, connectTimeout: 10_000 });
  try {
    await client.bind(bind.dn, bind.password);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Waits until the replica answers with its whole copy (it loads after dirbridge starts serving). */
async function waitForReplica(server: Server, size: number): Promise<void> {
  const bind = { dn: READER.name, password: READER.password };
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const count = await withClient(server.url, bind, async (client) => {
      try {
        const { searchEntries } = await client.search(`ou=replica,${SUFFIX}`, {
          filter: '(objectClass=*)',
          attributes: ['1.1'],
          paged: { pageSize: 1000 },
        });
        return searchEntries.length;
      } catch {
        return 0;
      }
    });
    if (count >= size) return;
    if (Date.now() > deadline) throw new Error(`the replica holds ${count} of ${size} people after 15 min`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** DNs of people on one target, found by their mail addresses, for the re-read scenario. */
async function dnsOf(target: Omit<Target, 'termsFile'>, mails: readonly string[]): Promise<string[]> {
  const chosen = mails.slice(0, REREAD_DNS);
  return withClient(target.url, target.bind, async (client) => {
    const dns: string[] = [];
    for (let i = 0; i < chosen.length; i += 50) {
      const filter = `(|${chosen
        .slice(i, i + 50)
        .map((mail) => `(mail=${mail})`)
        .join('')})`;
      const { searchEntries } = await client.search(target.base, { filter, attributes: ['cn'] });
      dns.push(...searchEntries.map((entry) => entry.dn));
    }
    return dns;
  });
}

interface Setup {
  readonly size: number;
  readonly folder: string;
  readonly slapd: SlapdPair;
  /** The dirbridge with the `file`, `replica` and `live` mounts. */
  readonly server: Server;
  /** The CSV served alone, without listener threads and with them (targets `alone`, `threads`). */
  readonly alone?: Server;
  readonly threaded?: Server;
  readonly targets: ReadonlyMap<TargetName, Target>;
}

async function setUp(folder: string, size: number): Promise<Setup> {
  process.stderr.write(`generating ${size} people in ${folder}\n`);
  const { csv, terms } = generatePhonebook(size);
  // A folder of its own: the file source watches the CSV's folder, which the server's log is not in.
  const csvPath = join(folder, 'people', 'phonebook.csv');
  mkdirSync(join(folder, 'people'));
  writeFileSync(csvPath, csv);
  const rows = phonebookRows(csv);
  process.stderr.write('loading slapd (slapadd) and starting back-ldap\n');
  const slapd = await startSlapdPair(folder, peopleLdif(rows));
  const started: Server[] = [];
  const start = async (server: Promise<Server>): Promise<Server> => {
    started.push(await server);
    return started.at(-1)!;
  };
  try {
    const csvAlone = !ONLY_TARGETS || ONLY_TARGETS.has('alone') || ONLY_TARGETS.has('threads');
    if (csvAlone)
      process.stderr.write(`starting dirbridge on the CSV alone, without threads and with ${THREADS}\n`);
    const alone = csvAlone ? await start(startFileServer(join(folder, 'alone'), csvPath, 0)) : undefined;
    const threaded = csvAlone
      ? await start(startFileServer(join(folder, 'threads'), csvPath, THREADS))
      : undefined;
    process.stderr.write('starting dirbridge (file index, replica of slapd)\n');
    const server = await start(startDirbridge(folder, csvPath, slapd.direct.url));
    await waitForReplica(server, size);
    const slapdBind = { dn: SERVICE_DN, password: SERVICE_PASSWORD };
    const dirbridgeBind = { dn: READER.name, password: READER.password };
    const plain: Omit<Target, 'termsFile'>[] = [
      {
        name: 'slapd',
        url: slapd.direct.url,
        base: SLAPD_SUFFIX,
        bind: slapdBind,
        frontPid: slapd.direct.pid,
      },
      {
        name: 'back-ldap',
        url: slapd.proxy.url,
        base: SLAPD_SUFFIX,
        bind: slapdBind,
        frontPid: slapd.proxy.pid,
        backendPid: slapd.direct.pid,
      },
      ...(['file', 'replica', 'live'] as const).map((mount) => ({
        name: mount,
        url: server.url,
        base: `ou=${mount},${SUFFIX}`,
        bind: dirbridgeBind,
        frontPid: server.pid,
        ...(mount === 'live' ? { backendPid: slapd.direct.pid } : {}),
      })),
      ...(
        [
          ['alone', alone],
          ['threads', threaded],
        ] as const
      ).flatMap(([name, csvServer]) =>
        csvServer
          ? [
              {
                name,
                url: csvServer.url,
                base: `ou=file,${SUFFIX}`,
                bind: dirbridgeBind,
                frontPid: csvServer.pid,
              },
            ]
          : [],
      ),
    ];
    const withTerms = new Map<TargetName, Target>();
    const ids = callerIds(rows);
    for (const target of plain) {
      const dns = target.name === 'live' ? [] : await dnsOf(target, terms.mails);
      const termsFile = join(folder, `terms-${target.name}.json`);
      const all: Terms = { ...terms, callerIds: ids, dns };
      writeFileSync(termsFile, JSON.stringify(all));
      withTerms.set(target.name, { ...target, termsFile });
    }
    return {
      size,
      folder,
      slapd,
      server,
      ...(alone && threaded ? { alone, threaded } : {}),
      targets: withTerms,
    };
  } catch (error) {
    await Promise.all(started.map(stopServer));
    await slapd.stop();
    throw error;
  }
}

async function tearDown(setup: Setup): Promise<void> {
  await Promise.all(
    [setup.server, setup.alone, setup.threaded].flatMap((server) => (server ? [stopServer(server)] : [])),
  );
  await setup.slapd.stop();
  if (process.env.BENCH_KEEP === undefined) rmSync(setup.folder, { recursive: true, force: true });
  else process.stderr.write(`kept ${setup.folder}\n`);
}

// ---- the runs -------------------------------------------------------------------------------------

const selectedWorkloads = (): Workload[] =>
  WORKLOADS.filter((workload) => !ONLY_WORKLOADS || ONLY_WORKLOADS.has(workload.scenario));

const selectedTargets = (setup: Setup, workload: Workload): Target[] =>
  workload.targets
    .filter((name) => (!ONLY_TARGETS || ONLY_TARGETS.has(name)) && setup.targets.has(name))
    .map((name) => setup.targets.get(name)!);

async function connect(load: LoadGenerator, target: Target, connections: number): Promise<void> {
  await load.send({
    cmd: 'connect',
    url: target.url,
    connections,
    bind: target.bind,
    termsFile: target.termsFile,
    suffix: target.base,
  });
}

async function runOn(
  load: LoadGenerator,
  target: Target,
  workload: Workload,
  connections: number,
  warmUp: boolean,
): Promise<{ result: RunResult; frontCpu: number; backendCpu: number }> {
  const { scenario } = workload;
  await connect(load, target, connections);
  if (warmUp) await load.send({ cmd: 'run', scenario, seconds: WARM_UP_SECONDS });
  const backendCpu = (): number => (target.backendPid === undefined ? 0 : cpuSeconds(target.backendPid));
  const frontBefore = cpuSeconds(target.frontPid);
  const backendBefore = backendCpu();
  const seconds = scenario === 'export' ? Math.max(SECONDS, EXPORT_SECONDS) : SECONDS;
  const result = await load.send<RunResult>({ cmd: 'run', scenario, seconds });
  const frontCpu = cpuSeconds(target.frontPid) - frontBefore;
  const backend = backendCpu() - backendBefore;
  await load.send({ cmd: 'close' });
  process.stderr.write(
    `  ${scenario} c=${connections} ${target.name}: ${perSecond(result.ops, result.seconds)} ops/s, server ${micros(frontCpu + backend, result.ops)} µs/op${result.errors ? `, ${result.errors} errors (${result.firstError ?? ''})` : ''}\n`,
  );
  return { result, frontCpu, backendCpu: backend };
}

/**
 * Every workload once on every target before any is measured: the first search of a kind in a
 * process pays for compiling its path and reading what its index keeps lazily, and at 100k people a
 * 1 s warm-up of the first target measured (the file source) did not cover it. With the most
 * connections of the run: each listener thread compiles its own code, and one connection warmed
 * only the thread it landed on.
 */
async function warmUpAll(load: LoadGenerator, setup: Setup): Promise<void> {
  for (const workload of selectedWorkloads()) {
    for (const target of selectedTargets(setup, workload)) {
      await connect(load, target, Math.max(...CONNECTIONS));
      await load.send({ cmd: 'run', scenario: workload.scenario, seconds: WARM_UP_SECONDS });
      await load.send({ cmd: 'close' });
    }
  }
}

/** Every workload and connection count on every target of every size, the sizes side by side. */
async function runAll(load: LoadGenerator, setups: readonly Setup[]): Promise<Measured[]> {
  for (const setup of setups) await warmUpAll(load, setup);
  const measured: Measured[] = [];
  for (const workload of selectedWorkloads()) {
    for (const connections of CONNECTIONS) {
      for (const setup of setups) {
        for (const target of selectedTargets(setup, workload)) {
          const warmUp = connections === CONNECTIONS[0];
          const run = await runOn(load, target, workload, connections, warmUp);
          measured.push({ workload, size: setup.size, connections, target: target.name, ...run });
        }
      }
    }
  }
  return measured;
}

// ---- main -------------------------------------------------------------------------------------------

/** A server's memory at one moment, MiB: its RSS then and the most it has held so far. */
interface Sample {
  readonly rss: number;
  readonly peak: number;
}

/** Every server of a setup, sampled at one moment. */
interface Reading {
  readonly server: Sample;
  readonly alone?: Sample;
  readonly threads?: Sample;
}

function sampleOf(server: Server): Sample {
  return {
    rss: Math.round(memoryMiB(server.pid, 'VmRSS')),
    peak: Math.round(memoryMiB(server.pid, 'VmHWM')),
  };
}

function readingOf(setup: Setup): Reading {
  const { server, alone, threaded } = setup;
  return {
    server: sampleOf(server),
    ...(alone && threaded ? { alone: sampleOf(alone), threads: sampleOf(threaded) } : {}),
  };
}

/**
 * A setup's memory from its three readings: once every size is loaded, right after the runs, and
 * once the servers have idled SETTLE_SECONDS after them (the peak from the last).
 */
function memoryOf(size: number, loaded: Reading, after: Reading, settled: Reading): Memory {
  const rss = (server: keyof Reading): Rss | undefined => {
    const [first, ran, last] = [loaded[server], after[server], settled[server]];
    if (!first || !ran || !last) return undefined;
    return { loaded: first.rss, after: ran.rss, settled: last.rss, peak: last.peak };
  };
  const [alone, threads] = [rss('alone'), rss('threads')];
  return { size, server: rss('server')!, ...(alone && threads ? { alone, threads } : {}) };
}

export async function compareBench(): Promise<void> {
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const setups: Setup[] = [];
  const load = new LoadGenerator();
  try {
    for (const size of SIZES) {
      setups.push(await setUp(mkdtempSync(join(tmpdir(), 'dirbridge-bench-compare-')), size));
    }
    const loaded = setups.map(readingOf);
    const measured = await runAll(load, setups);
    const after = setups.map(readingOf);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
    const memory = setups.map((setup, index) =>
      memoryOf(setup.size, loaded[index]!, after[index]!, readingOf(setup)),
    );
    const context = { loadBefore, seconds: SECONDS, exportSeconds: EXPORT_SECONDS, threads: THREADS, memory };
    process.stdout.write(`${report(measured, WORKLOADS, context)}\n`);
  } finally {
    load.end();
    for (const setup of setups) await tearDown(setup);
  }
}

await compareBench();
