/**
 * The bench's third part (BENCH_PART=binds): what a refused bind costs for a name that exists (a
 * wrong password) and for a name nobody has, side by side. An attacker who could tell them apart by
 * the answer's time would learn which names exist; dirbridge makes both do the same work (a decoy
 * scrypt for names no account has, a decoy bind for names Domino looked up), so the medians should
 * differ by less than 10 %.
 *
 * Two dirbridge processes, each as it is deployed: one with a local account (scrypt at the cost
 * `dirbridge hash-password` gives), one with that account and a `domino` source signing users on
 * against the Domino stand-in (slapd, scripts/test-backends/slapd-domino.ts; skipped, saying why, where slapd cannot
 * run). The throttle is off (`delay: 0`), so what is timed is the work, not the throttle's wait.
 * Binds go one at a time on one connection, a known name and an unknown one in turn, so that drift
 * in the machine's load hits both alike; each row shows the median and p90 of the answer's time as
 * the client sees it, and the server's CPU per bind (/proc). Prints a Markdown table; asserts nothing.
 *
 *   BENCH_BINDS=200 BENCH_PART=binds npm run bench    binds per name kind (default 100)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { startSlapdDomino, type SlapdDomino } from '../test-backends/slapd-domino.js';
import { REPO, hashPassword, startServer, stopServer, type Server } from './dirbridge-server.js';
import { cpu, ms, ratio } from './markdown.js';
import { cpuSeconds } from './proc-stats.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const BINDS = Number(process.env.BENCH_BINDS ?? 100);
const WRONG = 'not-the-password-4711';
const ACCOUNT = { name: 'pbx', password: 'bench-pbx-secret-0815' } as const;

/** A pair of rows: bind names that exist (answered with a wrong password) and names nobody has. */
interface Pair {
  readonly label: string;
  /** The i-th bind name of each kind. */
  readonly known: (i: number) => string;
  readonly unknown: (i: number) => string;
}

/** Times and server CPU of the refused binds of one kind. */
interface Timings {
  readonly ms: number[];
  cpuSeconds: number;
}

interface Measured {
  readonly pair: Pair;
  readonly known: Timings;
  readonly unknown: Timings;
}

export async function bindTimingBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-binds-'));
  const rows: Measured[] = [];
  const notes: string[] = [];
  try {
    rows.push(...(await localAccountRows(join(folder, 'local'))));
    const domino = await dominoRows(join(folder, 'domino')).catch((error: unknown) => {
      notes.push(
        `Domino rows skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
      return [];
    });
    rows.push(...domino);
  } finally {
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stdout.write(`kept ${folder}\n`);
  }
  report(rows, notes);
}

// ---- local accounts ----------------------------------------------------------------------------

async function localAccountRows(folder: string): Promise<Measured[]> {
  const server = await startIn(folder, {
    access: localAccount(),
    sources: [{ name: 'demo', type: 'file', path: join(REPO, 'config/demo-phonebook.csv') }],
  });
  try {
    return await measurePairs(server, [
      {
        label: 'local account by name: `pbx` vs `nobody-<i>`',
        known: () => 'pbx',
        unknown: (i) => `nobody-${i}`,
      },
      {
        label: 'local account by DN: `cn=pbx,<suffix>` vs `cn=nobody-<i>,<suffix>`',
        known: () => `cn=pbx,${SUFFIX}`,
        unknown: (i) => `cn=nobody-${i},${SUFFIX}`,
      },
    ]);
  } finally {
    await stopServer(server);
  }
}

function localAccount(): Record<string, unknown> {
  return { accounts: [{ name: ACCOUNT.name, passwordHash: hashPassword(ACCOUNT.password) }] };
}

// ---- Domino ------------------------------------------------------------------------------------

async function dominoRows(folder: string): Promise<Measured[]> {
  const domino = await startSlapdDomino({ name: 'bench-binds' });
  try {
    // The PBX's own account beside Domino sign-on, as deployed: names nobody has must look like both.
    const server = await startIn(folder, { access: localAccount(), sources: [dominoSource(domino)] });
    try {
      const people = Object.values(domino.people).filter((person) => !person.ambiguousCn);
      const [shared] = domino.ambiguousNames;
      const pairs: Pair[] = [
        {
          label: "Domino person's name: a person's cn vs `Nobody <i>`",
          known: (i) => people[i % people.length]!.cn[0]!,
          unknown: (i) => `Nobody ${i}`,
        },
        {
          label: "Domino Internet address: a person's mail vs `nobody-<i>@acme.example`",
          known: (i) => people[i % people.length]!.mail,
          unknown: (i) => `nobody-${i}@acme.example`,
        },
      ];
      pairs.push({
        label: 'local account beside a Domino source: `pbx` vs `Nobody <i>`',
        known: () => 'pbx',
        unknown: (i) => `Nobody ${i}`,
      });
      if (shared !== undefined) {
        pairs.push({
          label: `Domino name two people share: a person's cn vs \`${shared}\``,
          known: (i) => people[i % people.length]!.cn[0]!,
          unknown: () => shared,
        });
      }
      return await measurePairs(server, pairs);
    } finally {
      await stopServer(server);
    }
  } finally {
    await domino.stop();
  }
}

function dominoSource(domino: SlapdDomino): Record<string, unknown> {
  return {
    name: 'domino',
    type: 'domino',
    urls: [domino.ldapsUrl],
    tls: { ca: domino.caFile },
    bind: { name: domino.serviceDn, password: domino.servicePassword },
    signOn: true,
  };
}

// ---- measuring ---------------------------------------------------------------------------------

/** A dirbridge on plain LDAP on loopback (trusted), throttle off, logging warnings only. */
function startIn(
  folder: string,
  config: { access: Record<string, unknown>; sources: unknown[] },
): Promise<Server> {
  mkdirSync(folder, { recursive: true });
  return startServer(folder, {
    listen: [{ url: 'ldap://127.0.0.1:0' }],
    directory: { suffix: SUFFIX },
    access: { ...config.access, throttle: { delay: 0 } },
    log: { level: 'warn' },
    sources: config.sources,
  });
}

async function measurePairs(server: Server, pairs: readonly Pair[]): Promise<Measured[]> {
  const client = new Client({ url: server.url, timeout: 30_000 });
  try {
    // Warm up: the first binds open the backend's connections and fill the JIT.
    for (const pair of pairs) {
      for (let i = 0; i < 3; i++) await refusedBind(client, server.pid, pair.known(i));
      for (let i = 0; i < 3; i++) await refusedBind(client, server.pid, pair.unknown(BINDS + i));
    }
    const measured: Measured[] = [];
    for (const pair of pairs) {
      const known: Timings = { ms: [], cpuSeconds: 0 };
      const unknown: Timings = { ms: [], cpuSeconds: 0 };
      for (let i = 0; i < BINDS; i++) {
        add(known, await refusedBind(client, server.pid, pair.known(i)));
        add(unknown, await refusedBind(client, server.pid, pair.unknown(i)));
      }
      measured.push({ pair, known, unknown });
    }
    return measured;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** One bind with a wrong password, which must be refused: its time as the client sees it, and the server's CPU. */
async function refusedBind(client: Client, pid: number, name: string): Promise<{ ms: number; cpu: number }> {
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const refused = await client.bind(name, WRONG).then(
    () => false,
    () => true,
  );
  const elapsed = performance.now() - started;
  if (!refused) throw new Error(`a bind as ${name} with a wrong password succeeded`);
  return { ms: elapsed, cpu: cpuSeconds(pid) - cpuBefore };
}

function add(timings: Timings, one: { ms: number; cpu: number }): void {
  timings.ms.push(one.ms);
  timings.cpuSeconds += one.cpu;
}

// ---- the report --------------------------------------------------------------------------------

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(rows: readonly Measured[], notes: readonly string[]): void {
  const lines = [
    `## Refused binds: names that exist vs names nobody has (${BINDS} binds each, one at a time, throttle off)`,
    '',
    '| bind names | known name, wrong password: median (p90) ms | unknown name: median (p90) ms | unknown / known median | server CPU per bind, known / unknown |',
    '|---|---|---|---|---|',
  ];
  for (const { pair, known, unknown } of rows) {
    const knownMedian = percentile(known.ms, 50);
    const unknownMedian = percentile(unknown.ms, 50);
    lines.push(
      `| ${pair.label} | ${ms(knownMedian)} (${ms(percentile(known.ms, 90))}) | ${ms(unknownMedian)} (${ms(percentile(unknown.ms, 90))}) | ${ratio(unknownMedian, knownMedian)} | ${cpu(known.cpuSeconds / BINDS)} / ${cpu(unknown.cpuSeconds / BINDS)} |`,
    );
  }
  const load = loadavg()[0] ?? Number.NaN;
  lines.push(
    '',
    `Load average ${load.toFixed(2)} on ${availableParallelism()} cores at the end: the medians are wall times, so a busy machine widens them; the CPU column is the work itself.`,
    ...notes.map((note) => `\n${note}`),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
