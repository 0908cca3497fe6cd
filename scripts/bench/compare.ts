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
 * - `threads`: a second dirbridge serving the same CSV alone with `listenerThreads` (2, or
 *   BENCH_COMPARE_THREADS), to compare its CPU per operation with `file`'s; its RSS is compared with
 *   that of the same config without threads, started once just to be measured.
 * One load generator process (scripts/bench/load.ts) drives them all, target after target for each
 * workload and connection count, so that drift in the machine's load hits every server alike. On
 * two cores the load generator saturates before slapd does on search answers, so searches are to be
 * compared by server CPU per operation (from /proc), binds by ops/s. Asserts nothing.
 *
 *   npm run bench:compare
 *   BENCH_COMPARE_SIZES=10000 BENCH_SECONDS=2 npm run bench:compare   a few minutes
 *   BENCH_COMPARE_CONNECTIONS=1,32   BENCH_KEEP=1 (keep the folder: configs, logs)
 *   BENCH_COMPARE_WORKLOADS=callerId,typeAhead   some workloads only (load.ts scenario names)
 *   BENCH_COMPARE_TARGETS=slapd,file   some servers only (slapd, back-ldap, file, replica, live, threads)
 *   BENCH_CPU_PROF=/tmp/prof   a CPU profile of dirbridge (node --cpu-prof), written when it stops
 *   BENCH_NODE_FLAGS="--v8-pool-size=1"   Node or V8 flags to try on dirbridge beyond its own
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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
import type { Credentials, RunResult, Scenario } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { ms, perSecond } from './markdown.js';
import { generatePhonebook, type Terms } from './phonebook.js';
import { cpuSeconds, memoryMiB } from './proc-stats.js';

const SIZES = numbers(process.env.BENCH_COMPARE_SIZES, [10_000, 100_000]);
const CONNECTIONS = numbers(process.env.BENCH_COMPARE_CONNECTIONS, [1, 8, 32]);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARM_UP_SECONDS = 1;
const SUFFIX = 'dc=dirbridge,dc=local';
const READER = { name: 'bench', password: 'bench-secret-0815' } as const;
const THREADS = Number(process.env.BENCH_COMPARE_THREADS ?? 2);
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

type TargetName = 'slapd' | 'back-ldap' | 'file' | 'replica' | 'live' | 'threads';

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

interface Workload {
  readonly scenario: Scenario;
  readonly label: string;
  readonly targets: readonly TargetName[];
}

const SEARCHERS: readonly TargetName[] = ['slapd', 'back-ldap', 'file', 'replica', 'threads'];

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
    targets: ['slapd', 'back-ldap', 'file', 'threads'],
  },
  { scenario: 'equality', label: 'exact `(mail=…)`', targets: ['slapd', 'back-ldap', 'live'] },
];

interface Measured {
  readonly workload: Workload;
  readonly size: number;
  readonly connections: number;
  readonly target: TargetName;
  readonly result: RunResult;
  readonly frontCpu: number;
  readonly backendCpu: number;
}

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

/** The RSS (MiB) of the CSV served alone without threads, once loaded: what `threads` adds to. */
async function aloneRss(folder: string, csvPath: string): Promise<number> {
  const alone = await startFileServer(folder, csvPath, 0);
  try {
    // The load's garbage is collected before a replica serves; a second for what is left to settle.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return Math.round(memoryMiB(alone.pid, 'VmRSS'));
  } finally {
    await stopServer(alone);
  }
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
  readonly slapd: SlapdPair;
  readonly server: Server;
  /** The `threads` target's server, and the RSS of the same config without threads. */
  readonly threaded?: { readonly server: Server; readonly aloneRss: number };
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
  let server: Server | undefined;
  let threaded: Setup['threaded'];
  try {
    if (!ONLY_TARGETS || ONLY_TARGETS.has('threads')) {
      process.stderr.write(`starting dirbridge on the CSV alone, without threads and with ${THREADS}\n`);
      const rss = await aloneRss(join(folder, 'alone'), csvPath);
      threaded = { server: await startFileServer(join(folder, 'threads'), csvPath, THREADS), aloneRss: rss };
    }
    process.stderr.write('starting dirbridge (file index, replica of slapd)\n');
    server = await startDirbridge(folder, csvPath, slapd.direct.url);
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
        url: server!.url,
        base: `ou=${mount},${SUFFIX}`,
        bind: dirbridgeBind,
        frontPid: server!.pid,
        ...(mount === 'live' ? { backendPid: slapd.direct.pid } : {}),
      })),
      ...(threaded
        ? [
            {
              name: 'threads' as const,
              url: threaded.server.url,
              base: `ou=file,${SUFFIX}`,
              bind: dirbridgeBind,
              frontPid: threaded.server.pid,
            },
          ]
        : []),
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
    return { slapd, server, ...(threaded ? { threaded } : {}), targets: withTerms };
  } catch (error) {
    if (server) await stopServer(server);
    if (threaded) await stopServer(threaded.server);
    await slapd.stop();
    throw error;
  }
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
  const result = await load.send<RunResult>({ cmd: 'run', scenario, seconds: SECONDS });
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
 * 1 s warm-up of the first target measured (the file source) did not cover it.
 */
async function warmUpAll(load: LoadGenerator, setup: Setup): Promise<void> {
  for (const workload of selectedWorkloads()) {
    for (const target of selectedTargets(setup, workload)) {
      await connect(load, target, CONNECTIONS[0]!);
      await load.send({ cmd: 'run', scenario: workload.scenario, seconds: WARM_UP_SECONDS });
      await load.send({ cmd: 'close' });
    }
  }
}

async function runSize(load: LoadGenerator, setup: Setup, size: number): Promise<Measured[]> {
  await warmUpAll(load, setup);
  const measured: Measured[] = [];
  for (const workload of selectedWorkloads()) {
    for (const connections of CONNECTIONS) {
      for (const target of selectedTargets(setup, workload)) {
        const warmUp = connections === CONNECTIONS[0];
        const run = await runOn(load, target, workload, connections, warmUp);
        measured.push({ workload, size, connections, target: target.name, ...run });
      }
    }
  }
  return measured;
}

// ---- the report -----------------------------------------------------------------------------------

function micros(seconds: number, ops: number): string {
  return ops > 0 ? Math.round((seconds * 1e6) / ops).toLocaleString('en-US') : '–';
}

const opsPerSecond = (m: Measured): number => m.result.ops / m.result.seconds;
const serverCpuPerOp = (m: Measured): number => (m.frontCpu + m.backendCpu) / m.result.ops;

function percentAbove(value: number, base: number): string {
  return `${value >= base ? '+' : ''}${Math.round(((value - base) / base) * 100)} %`;
}

function quotient(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0 ? (a / b).toFixed(2) : '–';
}

function table(measured: readonly Measured[]): string {
  const rows = [
    '| workload | size | conns | server | ops/s | p50 ms | p99 ms | server CPU µs/op (front + backend) | load gen CPU µs/op | entries/op | ops/s ÷ slapd | ops/s ÷ back-ldap | CPU/op: slapd ÷ this | CPU/op: back-ldap ÷ this | errors |',
    '|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const m of measured) {
    const peer = (name: TargetName): Measured | undefined =>
      measured.find(
        (x) =>
          x.workload === m.workload &&
          x.size === m.size &&
          x.connections === m.connections &&
          x.target === name,
      );
    const slapd = peer('slapd');
    const proxy = peer('back-ldap');
    const { result } = m;
    const cpuCell =
      m.backendCpu > 0
        ? `${micros(m.frontCpu + m.backendCpu, result.ops)} (${micros(m.frontCpu, result.ops)} + ${micros(m.backendCpu, result.ops)})`
        : micros(m.frontCpu, result.ops);
    const cells = [
      m.workload.label.replaceAll('|', '\\|'),
      `${m.size / 1000}k`,
      m.connections,
      m.target,
      perSecond(result.ops, result.seconds),
      ms(result.p50),
      ms(result.p99),
      cpuCell,
      micros(result.clientCpuSeconds, result.ops),
      result.ops ? (result.entries / result.ops).toFixed(1) : '–',
      slapd && m.target !== 'slapd' ? quotient(opsPerSecond(m), opsPerSecond(slapd)) : '',
      proxy && m.target !== 'back-ldap' ? quotient(opsPerSecond(m), opsPerSecond(proxy)) : '',
      slapd && m.target !== 'slapd' ? quotient(serverCpuPerOp(slapd), serverCpuPerOp(m)) : '',
      proxy && m.target !== 'back-ldap' ? quotient(serverCpuPerOp(proxy), serverCpuPerOp(m)) : '',
      result.errors,
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

/** dirbridge's memory at one size: once both copies are loaded, and after the runs. */
interface Memory {
  readonly size: number;
  readonly loaded: number;
  readonly after: number;
  readonly peak: number;
  /** The `threads` server: the same config's RSS without threads, and its own at the same points. */
  readonly threads?: {
    readonly alone: number;
    readonly loaded: number;
    readonly after: number;
    readonly peak: number;
  };
}

function report(measured: readonly Measured[], loadBefore: number, memory: readonly Memory[]): string {
  return [
    '### dirbridge vs OpenLDAP slapd, side by side',
    '',
    `Node ${process.version}, ${availableParallelism()} cores shared by slapd, back-ldap, dirbridge and one load generator process (load average ${loadBefore.toFixed(1)} before the runs); ${SECONDS} s per run, targets interleaved per workload and connection count.`,
    '',
    table(measured),
    '',
    '- server CPU µs/op: user + system CPU of the server process(es) during the run (/proc) per operation; for back-ldap and the live source, the front plus the mdb slapd behind it. Searches are judged by it (a ratio above 1 in the CPU columns: this server is that much cheaper), binds by ops/s',
    '- slapd: mdb, `eq,sub` on cn/sn/givenName/telephoneNumber/mobile, `eq` on mail and objectClass; binds to slapd and back-ldap are the service account (`{SSHA}`), to dirbridge its local account (scrypt); dirbridge logs every operation (info) to a file',
    '- dirbridge mounts: `file` (the CSV), `replica` (an `ldap` source copying the slapd, change polls off during the runs), `live` (an `ldap` source searching the slapd, result cache off)',
    '- entries/op differs where the matching differs: dirbridge folds accents (`mul` finds `Müller`) and matches numbers in any written form; slapd does neither',
    `- \`threads\`: a second dirbridge serving the CSV alone (mount \`file\`) with \`listenerThreads: ${THREADS}\`; its CPU per operation is that of the whole process, every thread`,
    ...memory.map(
      ({ size, loaded, after, peak }) =>
        `- dirbridge RSS at ${size / 1000}k (one process holding the file copy and the replica, each of ${size} people): ${loaded} MiB once loaded, ${after} MiB after the runs, ${peak} MiB peak`,
    ),
    ...memory.flatMap(({ size, threads }) =>
      threads
        ? [
            `- \`threads\` RSS at ${size / 1000}k: the CSV alone without threads ${threads.alone} MiB once loaded; with ${THREADS} listener threads ${threads.loaded} MiB once loaded (${percentAbove(threads.loaded, threads.alone)}), ${threads.after} MiB after the runs (${percentAbove(threads.after, threads.alone)}), ${threads.peak} MiB peak`,
          ]
        : [],
    ),
  ].join('\n');
}

// ---- main -------------------------------------------------------------------------------------------

export async function compareBench(): Promise<void> {
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const measured: Measured[] = [];
  const memory: Memory[] = [];
  for (const size of SIZES) {
    const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-compare-'));
    const setup = await setUp(folder, size);
    const load = new LoadGenerator();
    const { pid } = setup.server;
    const loaded = Math.round(memoryMiB(pid, 'VmRSS'));
    const threadsPid = setup.threaded?.server.pid;
    const threadsLoaded = threadsPid === undefined ? 0 : Math.round(memoryMiB(threadsPid, 'VmRSS'));
    try {
      measured.push(...(await runSize(load, setup, size)));
      const [after, peak] = [memoryMiB(pid, 'VmRSS'), memoryMiB(pid, 'VmHWM')].map(Math.round) as [
        number,
        number,
      ];
      const threads = setup.threaded && {
        alone: setup.threaded.aloneRss,
        loaded: threadsLoaded,
        after: Math.round(memoryMiB(setup.threaded.server.pid, 'VmRSS')),
        peak: Math.round(memoryMiB(setup.threaded.server.pid, 'VmHWM')),
      };
      memory.push({ size, loaded, after, peak, ...(threads ? { threads } : {}) });
    } finally {
      load.end();
      await stopServer(setup.server);
      if (setup.threaded) await stopServer(setup.threaded.server);
      await setup.slapd.stop();
      if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
      else process.stderr.write(`kept ${folder}\n`);
    }
  }
  process.stdout.write(`${report(measured, loadBefore, memory)}\n`);
}

await compareBench();
