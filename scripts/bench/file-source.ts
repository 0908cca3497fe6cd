/**
 * The bench's first part (BENCH_PART=file): dirbridge under phone-style load on a 100,000-entry
 * phonebook.
 *
 * Generates the phonebook (scripts/bench/phonebook.ts) into a temporary folder, starts
 * `dirbridge serve` on it as its own process, and drives it from a load generator in another process
 * (scripts/bench/load.ts: ldapts clients, each binding once). For each operation and 1, 8 and 32
 * connections it reports operations per second, p50/p99 latency and the server's CPU per operation
 * (utime + stime from /proc/<pid>/stat around the run); then the server's memory after the load and
 * with clients that never read, and how long the index took to build. It prints a Markdown table
 * and asserts nothing. Server and load generator share the machine's cores: compare ratios within
 * one run, not figures across machines.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, REPO, startServer, stopServer, type Server } from './dirbridge-server.js';
import type { Credentials, RunResult, Scenario } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { cpu, ms } from './markdown.js';
import { cpuSeconds, memoryMiB } from './proc-stats.js';
import { generatePhonebook } from './phonebook.js';
const SUFFIX = 'dc=dirbridge,dc=local';
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = [1, 8, 32] as const;
const WARM_UP_SECONDS = 1;
const HOGS = { count: 10, searches: 64 } as const;

const SCENARIOS: readonly { readonly scenario: Scenario; readonly label: string }[] = [
  { scenario: 'prefix', label: 'name prefix `(|(cn=abc*)(sn=abc*))`, sizeLimit 50' },
  { scenario: 'suffix', label: 'number suffix `(|(telephoneNumber=*1234)(mobile=*1234))`, sizeLimit 50' },
  { scenario: 'equality', label: 'equality `(mail=…)`' },
  { scenario: 'bind', label: 'bind' },
  { scenario: 'export', label: 'paged full export, per page of 1000' },
];

interface Measured {
  readonly scenario: Scenario;
  readonly connections: number;
  readonly result: RunResult;
  /** Server CPU seconds (user + system) spent during the run. */
  readonly cpuSeconds: number;
}

// ---- the server ---------------------------------------------------------------------------------

/** A service account when this dirbridge has them (access.accounts), else anonymous binds. */
function credentials(): { bind: Credentials; access: Record<string, unknown>; kind: string } {
  const schema = JSON.parse(readFileSync(join(REPO, 'schemas/config.schema.json'), 'utf8')) as {
    properties: { access: { properties: Record<string, unknown> } };
  };
  if (!('accounts' in schema.properties.access.properties)) {
    return {
      bind: { dn: '', password: '' },
      access: { anonymous: true },
      kind: 'anonymous (this dirbridge has no access.accounts)',
    };
  }
  const password = 'bench-secret-0815';
  const passwordHash = hashPassword(password);
  const cost = /\$scrypt\$([^$]+)\$/.exec(passwordHash)?.[1] ?? 'unknown cost';
  return {
    bind: { dn: 'bench', password },
    access: { anonymous: false, accounts: [{ name: 'bench', passwordHash }] },
    kind: `service account \`bench\`, scrypt ${cost}`,
  };
}

function startFileServer(folder: string, csv: string, access: Record<string, unknown>): Promise<Server> {
  return startServer(folder, {
    listen: [{ url: 'ldap://127.0.0.1:0' }],
    directory: { suffix: SUFFIX },
    access,
    log: { level: 'info' },
    sources: [{ name: 'bench', type: 'file', path: csv }],
  });
}

/** The replica's load time (read, parse, present, index) as the server logged it. */
function replicaLoadSeconds(logFile: string): number | undefined {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"replica loaded"')) continue;
    return (JSON.parse(line) as { ms: number }).ms / 1000;
  }
  return undefined;
}

// ---- the runs -------------------------------------------------------------------------------------

async function measure(
  load: LoadGenerator,
  server: Server,
  scenario: Scenario,
  connections: number,
): Promise<Measured> {
  const before = cpuSeconds(server.pid);
  const result = await load.send<RunResult>({ cmd: 'run', scenario, seconds: SECONDS });
  const cpu = cpuSeconds(server.pid) - before;
  process.stderr.write(
    `  ${scenario} c=${connections}: ${Math.round(result.ops / result.seconds)} ops/s, server CPU ${pct(cpu / result.seconds)}, load generator CPU ${pct(result.clientCpuSeconds / result.seconds)}${result.errors ? `, ${result.errors} errors (${result.firstError ?? ''})` : ''}\n`,
  );
  return { scenario, connections, result, cpuSeconds: cpu };
}

async function runAll(
  load: LoadGenerator,
  server: Server,
  bind: Credentials,
  termsFile: string,
): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const connections of CONNECTIONS) {
    await load.send({ cmd: 'connect', url: server.url, connections, bind, termsFile, suffix: SUFFIX });
    if (connections === CONNECTIONS[0]) {
      // Let the JIT see every path once before anything is timed.
      for (const { scenario } of SCENARIOS)
        await load.send({ cmd: 'run', scenario, seconds: WARM_UP_SECONDS });
    }
    for (const { scenario } of SCENARIOS) measured.push(await measure(load, server, scenario, connections));
    await load.send({ cmd: 'close' });
  }
  return measured;
}

interface SlowReaders {
  readonly before: number;
  readonly stalled: number;
  readonly after: number;
}

/** Memory while clients that never read sit on piles of unsent results, and after they go. */
async function slowReaders(
  load: LoadGenerator,
  server: Server,
  bind: Credentials,
  termsFile: string,
): Promise<SlowReaders> {
  await load.send({ cmd: 'connect', url: server.url, connections: 1, bind, termsFile, suffix: SUFFIX });
  const before = memoryMiB(server.pid, 'VmRSS');
  await load.send({ cmd: 'hogs', ...HOGS });
  await sleep(3_000);
  const stalled = memoryMiB(server.pid, 'VmRSS');
  await load.send({ cmd: 'releaseHogs' });
  await sleep(2_000);
  const after = memoryMiB(server.pid, 'VmRSS');
  await load.send({ cmd: 'close' });
  return { before, stalled, after };
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the report -----------------------------------------------------------------------------------

interface Report {
  readonly measured: readonly Measured[];
  readonly csvBytes: number;
  readonly generateSeconds: number;
  readonly server: Server;
  readonly loadSeconds: number | undefined;
  readonly rssIdle: number;
  readonly rssAfterLoad: number;
  readonly rssPeak: number;
  readonly slow: SlowReaders;
  readonly bindKind: string;
  /** The machine's 1-minute load average before the runs: anything else running skews the figures. */
  readonly loadBefore: number;
}

function table(measured: readonly Measured[]): string {
  const rows = [
    '| operation | conns | ops/s | p50 ms | p99 ms | server CPU/op | entries/op | errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { scenario, label } of SCENARIOS) {
    for (const m of measured.filter((x) => x.scenario === scenario)) {
      const { ops, seconds, p50, p99, entries, errors } = m.result;
      rows.push(
        `| ${label} | ${m.connections} | ${Math.round(ops / seconds).toLocaleString('en-US')} | ${ms(p50)} | ${ms(p99)} | ${cpu(m.cpuSeconds / ops)} | ${ops ? (entries / ops).toFixed(1) : '–'} | ${errors} |`,
      );
    }
  }
  return rows.join('\n');
}

function report(r: Report): string {
  const mib = (value: number): string => `${value.toFixed(0)} MiB`;
  const load = r.loadSeconds === undefined ? 'not logged' : `${r.loadSeconds.toFixed(1)} s`;
  return [
    `### dirbridge benchmark: ${ENTRIES.toLocaleString('en-US')} entries`,
    '',
    `Node ${process.version}, ${availableParallelism()} cores shared by server and load generator (load average ${r.loadBefore.toFixed(1)} before the runs); ${SECONDS} s per run; binds: ${r.bindKind}; the server logs every operation (info) to a file.`,
    '',
    table(r.measured),
    '',
    `- phonebook: ${(r.csvBytes / 1024 / 1024).toFixed(1)} MiB CSV, generated in ${r.generateSeconds.toFixed(1)} s`,
    `- index build (replica load: read, parse, present, index; from the server log): ${load}; start to serving: ${r.server.startSeconds.toFixed(1)} s`,
    `- server RSS: ${mib(r.rssIdle)} loaded and idle, ${mib(r.rssAfterLoad)} after the load above, peak ${mib(r.rssPeak)} (VmHWM)`,
    `- ${HOGS.count} clients that never read, each with ${HOGS.searches} unpaged exports (sizeLimit 1000) outstanding: RSS ${mib(r.slow.before)} before, ${mib(r.slow.stalled)} while they stall, ${mib(r.slow.after)} after they disconnect`,
  ].join('\n');
}

// ---- main -------------------------------------------------------------------------------------------

export async function fileSourceBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-'));
  const csvPath = join(folder, 'phonebook.csv');
  const termsFile = join(folder, 'terms.json');
  process.stderr.write(`generating ${ENTRIES} entries in ${folder}\n`);
  const generateStarted = performance.now();
  const { csv, terms } = generatePhonebook(ENTRIES);
  writeFileSync(csvPath, csv);
  writeFileSync(termsFile, JSON.stringify(terms));
  const generateSeconds = (performance.now() - generateStarted) / 1000;
  const { bind, access, kind } = credentials();
  process.stderr.write('starting dirbridge (building the index)\n');
  const server = await startFileServer(folder, csvPath, access);
  const load = new LoadGenerator();
  try {
    const loadBefore = loadavg()[0] ?? Number.NaN;
    const rssIdle = memoryMiB(server.pid, 'VmRSS');
    const measured = await runAll(load, server, bind, termsFile);
    const rssAfterLoad = memoryMiB(server.pid, 'VmRSS');
    const slow = await slowReaders(load, server, bind, termsFile);
    const rssPeak = memoryMiB(server.pid, 'VmHWM');
    process.stdout.write(
      `${report({ measured, csvBytes: Buffer.byteLength(csv), generateSeconds, server, loadSeconds: replicaLoadSeconds(server.logFile), rssIdle, rssAfterLoad, rssPeak, slow, bindKind: kind, loadBefore })}\n`,
    );
  } finally {
    load.end();
    await stopServer(server);
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stderr.write(`kept ${folder}\n`);
  }
}
