/**
 * The report of `npm run bench:compare` (compare.ts): every run as a table row, then issue 16's
 * targets, each worked out from the same runs, so a reader need not do the division.
 */
import { availableParallelism } from 'node:os';
import type { RunResult, Scenario } from './load.js';
import { ms, perSecond } from './markdown.js';

export type TargetName = 'slapd' | 'back-ldap' | 'file' | 'replica' | 'live' | 'alone' | 'threads';

export interface Workload {
  readonly scenario: Scenario;
  readonly label: string;
  readonly targets: readonly TargetName[];
}

export interface Measured {
  readonly workload: Workload;
  readonly size: number;
  readonly connections: number;
  readonly target: TargetName;
  readonly result: RunResult;
  readonly frontCpu: number;
  readonly backendCpu: number;
}

/**
 * RSS (MiB) of one dirbridge at one size: once loaded, right after every run, once it has been idle
 * a while after them (`settled`: what a server holds between bursts), and its peak.
 */
export interface Rss {
  readonly loaded: number;
  readonly after: number;
  readonly settled: number;
  readonly peak: number;
}

export interface Memory {
  readonly size: number;
  /** The dirbridge holding the file copy and the replica. */
  readonly server: Rss;
  /** The CSV served alone, without listener threads and with them. */
  readonly alone?: Rss;
  readonly threads?: Rss;
}

export interface ReportContext {
  readonly loadBefore: number;
  readonly seconds: number;
  readonly exportSeconds: number;
  readonly threads: number;
  readonly memory: readonly Memory[];
}

export function micros(seconds: number, ops: number): string {
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

/** Finds the run of another target (or size) with the same workload and connection count. */
type Peer = (m: Measured, target: TargetName, size?: number) => Measured | undefined;

function peerFinder(measured: readonly Measured[]): Peer {
  return (m, target, size = m.size) =>
    measured.find(
      (x) =>
        x.workload === m.workload &&
        x.size === size &&
        x.connections === m.connections &&
        x.target === target,
    );
}

/** Size, then workload in the order they are declared, then connections, then target as run. */
function inReadingOrder(measured: readonly Measured[], workloads: readonly Workload[]): Measured[] {
  return measured
    .map((m, index) => ({ m, index }))
    .sort(
      (a, b) =>
        a.m.size - b.m.size ||
        workloads.indexOf(a.m.workload) - workloads.indexOf(b.m.workload) ||
        a.m.connections - b.m.connections ||
        a.index - b.index,
    )
    .map(({ m }) => m);
}

function table(measured: readonly Measured[], workloads: readonly Workload[]): string {
  const peer = peerFinder(measured);
  const rows = [
    '| workload | size | conns | server | ops/s | p50 ms | p99 ms | server CPU µs/op (front + backend) | load gen CPU µs/op | entries/op | ops/s ÷ slapd | ops/s ÷ back-ldap | CPU/op: slapd ÷ this | CPU/op: back-ldap ÷ this | errors |',
    '|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const m of inReadingOrder(measured, workloads)) {
    const slapd = peer(m, 'slapd');
    const proxy = peer(m, 'back-ldap');
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

// ---- the targets ----------------------------------------------------------------------------------

/** One target of the issue for one server: the ratio per connection count, and whether each meets it. */
interface Goal {
  readonly server: TargetName;
  readonly what: string;
  readonly goal: string;
  /** Per connection count: the ratio, or undefined where a run is missing. */
  readonly values: readonly (readonly [number, number | undefined])[];
  readonly met: (value: number) => boolean;
}

interface GoalSpec {
  readonly servers: readonly TargetName[];
  readonly scenarios: readonly Scenario[];
  readonly what: (workload: Workload) => string;
  readonly goal: string;
  readonly value: (m: Measured, peer: Peer, smallest: number) => number | undefined;
  readonly met: (value: number) => boolean;
}

const cpuCheaperThan =
  (reference: TargetName) =>
  (m: Measured, peer: Peer): number | undefined => {
    const other = peer(m, reference);
    return other && serverCpuPerOp(other) / serverCpuPerOp(m);
  };

const GOALS: readonly GoalSpec[] = [
  {
    servers: ['file', 'replica'],
    scenarios: ['typeAhead', 'prefix'],
    what: (w) => `${w.scenario}: slapd's CPU/op ÷ this`,
    goal: '≥ 2',
    value: cpuCheaperThan('slapd'),
    met: (v) => v >= 2,
  },
  {
    servers: ['file', 'replica'],
    scenarios: ['callerId', 'suffix'],
    what: (w) => `${w.scenario}: slapd's CPU/op ÷ this`,
    goal: '≥ 1',
    value: cpuCheaperThan('slapd'),
    met: (v) => v >= 1,
  },
  {
    servers: ['file'],
    scenarios: ['bind'],
    what: () => `bind: ops/s ÷ slapd's`,
    goal: '≥ 1',
    value: (m, peer) => {
      const slapd = peer(m, 'slapd');
      return slapd && opsPerSecond(m) / opsPerSecond(slapd);
    },
    met: (v) => v >= 1,
  },
  {
    servers: ['file', 'replica'],
    scenarios: ['typeAhead'],
    what: () => 'typeAhead: CPU/op at this size ÷ at the smallest',
    goal: '≤ 1.3',
    value: (m, peer, smallest) => {
      const small = peer(m, m.target, smallest);
      return small && m.size !== smallest ? serverCpuPerOp(m) / serverCpuPerOp(small) : undefined;
    },
    met: (v) => v <= 1.3,
  },
  {
    servers: ['live'],
    scenarios: ['equality'],
    what: () => "exact lookup, result cache off: ops/s ÷ back-ldap's",
    goal: '≥ 1.2',
    value: (m, peer) => {
      const proxy = peer(m, 'back-ldap');
      return proxy && opsPerSecond(m) / opsPerSecond(proxy);
    },
    met: (v) => v >= 1.2,
  },
  {
    servers: ['threads'],
    scenarios: ['callerId', 'typeAhead', 'suffix', 'prefix', 'reread', 'export', 'bind'],
    what: (w) => `${w.scenario}: CPU/op with listener threads ÷ without (\`alone\`)`,
    goal: '≤ 1 (does not rise)',
    value: (m, peer) => {
      const alone = peer(m, 'alone');
      return alone && serverCpuPerOp(m) / serverCpuPerOp(alone);
    },
    met: (v) => v <= 1,
  },
];

function goalsAt(measured: readonly Measured[], size: number, smallest: number): Goal[] {
  const peer = peerFinder(measured);
  const goals: Goal[] = [];
  for (const spec of GOALS) {
    for (const server of spec.servers) {
      for (const scenario of spec.scenarios) {
        const runs = measured.filter(
          (m) => m.size === size && m.target === server && m.workload.scenario === scenario,
        );
        if (runs.length === 0) continue;
        const values = runs.map((m) => [m.connections, spec.value(m, peer, smallest)] as const);
        if (values.every(([, value]) => value === undefined)) continue;
        goals.push({ server, what: spec.what(runs[0]!.workload), goal: spec.goal, values, met: spec.met });
      }
    }
  }
  return goals;
}

/** p99 at the most connections no worse than slapd's, per workload and server. */
function tailGoals(measured: readonly Measured[], size: number): string[] {
  const most = Math.max(...measured.map((m) => m.connections));
  const peer = peerFinder(measured);
  return measured
    .filter(
      (m) => m.size === size && m.connections === most && (m.target === 'file' || m.target === 'replica'),
    )
    .flatMap((m) => {
      const slapd = peer(m, 'slapd');
      if (!slapd) return [];
      const met = m.result.p99 <= slapd.result.p99 ? 'met' : 'not met';
      return [
        `${m.workload.scenario} ${m.target} ${ms(m.result.p99)} vs ${ms(slapd.result.p99)} ms (${met})`,
      ];
    });
}

function goalRow(goal: Goal): string {
  const cells = goal.values.map(([connections, value]) =>
    value === undefined
      ? `c=${connections} –`
      : `c=${connections} ${value.toFixed(2)}${goal.met(value) ? '' : ' ✗'}`,
  );
  const known = goal.values.flatMap(([, value]) => (value === undefined ? [] : [value]));
  const verdict = known.every(goal.met) ? 'met' : `${known.filter(goal.met).length} of ${known.length}`;
  return `| ${goal.server} | ${goal.what} | ${goal.goal} | ${cells.join(' · ')} | ${verdict} |`;
}

function rssGoal(memory: Memory, threads: number): string | undefined {
  if (!memory.alone || !memory.threads) return undefined;
  const { alone, threads: threaded } = memory;
  const met = (with_: number, without: number): string => (with_ < without * 1.3 ? 'met' : 'not met');
  return `| threads | RSS with ${threads} listener thread(s) vs without, at ${memory.size / 1000}k | < +30 % | loaded ${threaded.loaded} vs ${alone.loaded} MiB (${percentAbove(threaded.loaded, alone.loaded)}, ${met(threaded.loaded, alone.loaded)}) · after the runs ${threaded.after} vs ${alone.after} MiB (${percentAbove(threaded.after, alone.after)}, ${met(threaded.after, alone.after)}) · settled ${threaded.settled} vs ${alone.settled} MiB (${percentAbove(threaded.settled, alone.settled)}, ${met(threaded.settled, alone.settled)}) | |`;
}

function targets(measured: readonly Measured[], context: ReportContext): string[] {
  const sizes = [...new Set(measured.map((m) => m.size))].sort((a, b) => a - b);
  const largest = sizes.at(-1);
  if (largest === undefined) return [];
  const goals = goalsAt(measured, largest, sizes[0]!);
  const memory = context.memory.find((m) => m.size === largest);
  const rss = memory && rssGoal(memory, context.threads);
  return [
    `### Issue 16's targets at ${largest / 1000}k people, from the runs above`,
    '',
    '| server | what | goal | measured (✗: misses) | verdict |',
    '|---|---|---|---|---|',
    ...goals.map(goalRow),
    ...(rss ? [rss] : []),
    '',
    `- p99 at ${Math.max(...measured.map((m) => m.connections))} connections, dirbridge vs slapd: ${tailGoals(measured, largest).join('; ') || '–'}`,
  ];
}

// ---- the whole report ---------------------------------------------------------------------------

function memoryLines(context: ReportContext): string[] {
  return context.memory.flatMap(({ size, server, alone, threads }) => [
    `- dirbridge RSS at ${size / 1000}k (one process holding the file copy and the replica, each of ${size} people): ${server.loaded} MiB once loaded, ${server.after} MiB after the runs, ${server.settled} MiB settled, ${server.peak} MiB peak`,
    ...(alone && threads
      ? [
          `- the CSV alone at ${size / 1000}k: without threads (\`alone\`) ${alone.loaded} MiB once loaded, ${alone.after} after the runs, ${alone.settled} settled, ${alone.peak} peak; with ${context.threads} listener thread(s) (\`threads\`) ${threads.loaded} (${percentAbove(threads.loaded, alone.loaded)}), ${threads.after} (${percentAbove(threads.after, alone.after)}), ${threads.settled} (${percentAbove(threads.settled, alone.settled)}), ${threads.peak} peak`,
        ]
      : []),
  ]);
}

export function report(
  measured: readonly Measured[],
  workloads: readonly Workload[],
  context: ReportContext,
): string {
  return [
    '### dirbridge vs OpenLDAP slapd, side by side',
    '',
    `Node ${process.version}, ${availableParallelism()} cores shared by slapd, back-ldap, dirbridge and one load generator process (load average ${context.loadBefore.toFixed(1)} before the runs); ${context.seconds} s per run (a paged export's at least ${context.exportSeconds} s), targets and sizes interleaved per workload and connection count.`,
    '',
    table(measured, workloads),
    '',
    '- server CPU µs/op: user + system CPU of the server process(es) during the run (/proc) per operation; for back-ldap and the live source, the front plus the mdb slapd behind it. Searches are judged by it (a ratio above 1 in the CPU columns: this server is that much cheaper), binds by ops/s',
    '- slapd: mdb, `eq,sub` on cn/sn/givenName/telephoneNumber/mobile, `eq` on mail and objectClass; binds to slapd and back-ldap are the service account (`{SSHA}`), to dirbridge its local account (scrypt); dirbridge logs every operation (info) to a file',
    '- dirbridge mounts: `file` (the CSV), `replica` (an `ldap` source copying the slapd, change polls off during the runs), `live` (an `ldap` source searching the slapd, result cache off)',
    '- entries/op differs where the matching differs: dirbridge folds accents (`mul` finds `Müller`) and matches numbers in any written form; slapd does neither',
    `- \`alone\` and \`threads\`: two more dirbridges serving the CSV alone (mount \`file\`), without listener threads and with \`listenerThreads: ${context.threads}\` (the main thread serves connections too: ${context.threads + 1} event loops); CPU per operation is that of the whole process, every thread`,
    ...memoryLines(context),
    '',
    ...targets(measured, context),
  ].join('\n');
}
