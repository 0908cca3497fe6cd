/**
 * The bench's second part (BENCH_PART=ad): the same phone load through dirbridge to a Samba AD DC,
 * and straight at that DC as a PBX configured for AD would send it, in one run.
 *
 * Starts the test DC (scripts/test-backends/samba-ad.ts, on DIRBRIDGE_TEST_AD_ADDRESS) and a
 * dirbridge with two `ad` sources on it: `ad` with the result cache off (and single sign-on), and
 * `ad-cached` with it on. Both sides are spoken to over LDAPS, so what differs is dirbridge's hop.
 * The load generator (scripts/bench/load.ts) runs each operation on 1 and 8 pre-opened connections,
 * alternating dirbridge and direct so that drift in the machine's load hits both alike, and the
 * result is one Markdown table with dirbridge / direct ratios. Asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSambaAd, type SambaAd } from '../test-backends/samba-ad.js';
import { ensureTestCa } from '../test-backends/test-ca.js';
import { hashPassword, startServer, stopServer, type Server } from './dirbridge-server.js';
import type { Credentials, RunResult, Scenario } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { cpu, ms, perSecond, ratio } from './markdown.js';
import type { Terms } from './phonebook.js';
import { cpuSeconds, groupCpuSeconds } from './proc-stats.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = [1, 8] as const;
const WARM_UP_SECONDS = 1;
/** dirbridge's connections to AD, set explicitly (these are the defaults) so the report can name them. */
const SEARCH_POOL_SIZE = 4;
const BIND_POOL_SIZE = 4;
/** Distinct names of the cached row: few enough that after the warm-up every lookup is a hit. */
const REPEATING_NAMES = 10;
const UNCACHED_MOUNT = 'ad';
const CACHED_MOUNT = 'ad-cached';
const READER = { name: 'bench', password: 'bench-secret-0815' } as const;
const AD_PASSWORD_VARIABLE = 'DIRBRIDGE_BENCH_AD_PASSWORD';

/** Who a row's connections bind as: the PBX's reading account, or a user signing on. */
type Identity = 'reader' | 'user';

interface Row {
  readonly label: string;
  readonly scenario: Scenario;
  readonly terms: 'varying' | 'repeating';
  /** The mount dirbridge is searched at (its own result cache on or off). */
  readonly mount: string;
  readonly as: Identity;
}

const ROWS: readonly Row[] = [
  {
    label: 'name `(|(cn=User 123*)(sn=User 123*))`, sizeLimit 50, uncached (a different name each time)',
    scenario: 'prefix',
    terms: 'varying',
    mount: UNCACHED_MOUNT,
    as: 'reader',
  },
  {
    label: `the same name lookup, cached (${REPEATING_NAMES} names over and over)`,
    scenario: 'prefix',
    terms: 'repeating',
    mount: CACHED_MOUNT,
    as: 'reader',
  },
  {
    label: 'number `(|(telephoneNumber=*1234*)(mobile=*1234*))`, sizeLimit 50, uncached',
    scenario: 'number',
    terms: 'varying',
    mount: UNCACHED_MOUNT,
    as: 'reader',
  },
  {
    label: 'simple bind as alice@example.test (dirbridge: delegated sign-on)',
    scenario: 'bind',
    terms: 'varying',
    mount: UNCACHED_MOUNT,
    as: 'user',
  },
];

/** One side of the comparison: where its clients connect, how they bind, where they search. */
interface Target {
  readonly name: 'dirbridge' | 'direct';
  readonly url: string;
  readonly caFile: string;
  readonly base: (row: Row) => string;
  readonly credentials: Readonly<Record<Identity, Credentials>>;
}

/** A run on one side, with the CPU dirbridge and Samba spent during it. */
interface SideResult {
  readonly result: RunResult;
  readonly dirbridgeCpu: number;
  readonly sambaCpu: number;
}

interface Measured {
  readonly row: Row;
  readonly connections: number;
  readonly dirbridge: SideResult;
  readonly direct: SideResult;
}

/** The processes whose CPU each run is charged. */
interface Servers {
  readonly dirbridgePid: number;
  readonly sambaPid: number;
}

// ---- the terms ------------------------------------------------------------------------------------

interface TermFiles {
  readonly varying: string;
  readonly repeating: string;
}

/**
 * What phone users type, drawn from the DC's paging users (`sn: User 0042`, `telephoneNumber:
 * +49 40 5550042`, no mobile): `User ` and three or four digits (at most 10 hits, so every answer is
 * complete and may be cached), and four digits of a number from 1000 on: dirbridge takes leading
 * digits that could be the international, country or trunk prefix (`00 49 0`) off a number before
 * it asks AD, so `0042` would go down as `*2*`, a different load from what this row is about.
 */
function writeTerms(folder: string, pagingUsers: number): TermFiles {
  const numbers = Array.from({ length: pagingUsers }, (_, i) => String(i + 1).padStart(4, '0'));
  const threeDigits = [...new Set(numbers.map((n) => n.slice(0, 3)))];
  const varying: Terms = {
    namePrefixes: [...numbers, ...threeDigits].map((digits) => `User ${digits}`),
    numberSuffixes: numbers.filter((n) => n >= '1000'),
    mails: [],
  };
  const step = Math.max(1, Math.floor(threeDigits.length / REPEATING_NAMES));
  const repeating: Terms = {
    namePrefixes: threeDigits
      .filter((_, i) => i % step === 0)
      .slice(0, REPEATING_NAMES)
      .map((digits) => `User ${digits}`),
    numberSuffixes: [],
    mails: [],
  };
  const files = { varying: join(folder, 'varying.json'), repeating: join(folder, 'repeating.json') };
  writeFileSync(files.varying, JSON.stringify(varying));
  writeFileSync(files.repeating, JSON.stringify(repeating));
  return files;
}

// ---- dirbridge in front of the DC -------------------------------------------------------------------

function adSource(ad: SambaAd, name: string, settings: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    type: 'ad',
    urls: [ad.url],
    tls: { ca: ad.caFile },
    bind: { name: ad.serviceAccount.userPrincipalName, password: `\${env:${AD_PASSWORD_VARIABLE}}` },
    base: ad.baseDn,
    poolSize: SEARCH_POOL_SIZE,
    ...settings,
  };
}

/** dirbridge on LDAPS (a throw-away certificate), its PBX account `bench`, both mounts of the DC. */
async function startDirbridge(folder: string, ad: SambaAd): Promise<{ server: Server; caFile: string }> {
  const ca = ensureTestCa(join(folder, 'tls'));
  const server = await startServer(
    folder,
    {
      listen: [{ url: 'ldaps://127.0.0.1:0' }],
      tls: { cert: ca.serverCert, key: ca.serverKey },
      directory: { suffix: SUFFIX },
      access: { accounts: [{ name: READER.name, passwordHash: hashPassword(READER.password) }] },
      log: { level: 'info' },
      sources: [
        adSource(ad, UNCACHED_MOUNT, { signOn: true, bindPoolSize: BIND_POOL_SIZE, cache: { size: 0 } }),
        adSource(ad, CACHED_MOUNT, { cache: { size: 1000, ttl: 30, maxRecords: 200 } }),
      ],
    },
    { [AD_PASSWORD_VARIABLE]: ad.serviceAccount.password },
  );
  return { server, caFile: ca.caCert };
}

interface Sides {
  readonly dirbridge: Target;
  readonly direct: Target;
}

function targets(ad: SambaAd, server: Server, dirbridgeCa: string): Sides {
  const user = { dn: ad.users.alice.userPrincipalName, password: ad.users.alice.password };
  return {
    dirbridge: {
      name: 'dirbridge',
      url: server.url,
      caFile: dirbridgeCa,
      base: (row) => `ou=${row.mount},${SUFFIX}`,
      credentials: { reader: { dn: READER.name, password: READER.password }, user },
    },
    direct: {
      name: 'direct',
      url: ad.url,
      caFile: ad.caFile,
      base: () => ad.baseDn,
      credentials: {
        reader: { dn: ad.serviceAccount.dn, password: ad.serviceAccount.password },
        user,
      },
    },
  };
}

// ---- the runs -------------------------------------------------------------------------------------

/** One timed run of a row on one side, on freshly opened and bound connections. */
async function runOn(
  load: LoadGenerator,
  servers: Servers,
  target: Target,
  row: Row,
  connections: number,
  terms: TermFiles,
  warmUp: boolean,
): Promise<SideResult> {
  await load.send({
    cmd: 'connect',
    url: target.url,
    caFile: target.caFile,
    connections,
    bind: target.credentials[row.as],
    termsFile: terms[row.terms],
    suffix: target.base(row),
  });
  // The JIT sees each path once before it is timed, and the cached row's cache is filled.
  if (warmUp) await load.send({ cmd: 'run', scenario: row.scenario, seconds: WARM_UP_SECONDS });
  const dirbridgeBefore = cpuSeconds(servers.dirbridgePid);
  const sambaBefore = groupCpuSeconds(servers.sambaPid);
  const result = await load.send<RunResult>({ cmd: 'run', scenario: row.scenario, seconds: SECONDS });
  const dirbridgeCpu = cpuSeconds(servers.dirbridgePid) - dirbridgeBefore;
  const sambaCpu = groupCpuSeconds(servers.sambaPid) - sambaBefore;
  await load.send({ cmd: 'close' });
  process.stderr.write(
    `  ${row.scenario}/${row.terms} c=${connections} ${target.name}: ${perSecond(result.ops, result.seconds)} ops/s, Samba CPU ${cpu(sambaCpu / result.ops)}/op${result.errors ? `, ${result.errors} errors (${result.firstError ?? ''})` : ''}\n`,
  );
  return { result, dirbridgeCpu, sambaCpu };
}

/** Row by row, dirbridge then direct, so drift in the machine's load hits both sides alike. */
async function runAll(
  load: LoadGenerator,
  servers: Servers,
  sides: Sides,
  terms: TermFiles,
): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (const row of ROWS) {
    for (const connections of CONNECTIONS) {
      const warmUp = connections === CONNECTIONS[0];
      const on = (target: Target): Promise<SideResult> =>
        runOn(load, servers, target, row, connections, terms, warmUp);
      const dirbridge = await on(sides.dirbridge);
      const direct = await on(sides.direct);
      measured.push({ row, connections, dirbridge, direct });
    }
  }
  return measured;
}

// ---- the report -----------------------------------------------------------------------------------

function table(measured: readonly Measured[]): string {
  const rows = [
    '| operation | conns | dirbridge ops/s | p50 ms | p99 ms | direct ops/s | p50 ms | p99 ms | ops/s ratio | p50 ratio | dirbridge CPU/op | Samba CPU/op dirbridge / direct | entries/op dirbridge / direct | errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { row, connections, dirbridge, direct } of measured) {
    const [d, a] = [dirbridge.result, direct.result];
    const cells = [
      cell(row.label),
      connections,
      perSecond(d.ops, d.seconds),
      ms(d.p50),
      ms(d.p99),
      perSecond(a.ops, a.seconds),
      ms(a.p50),
      ms(a.p99),
      ratio(d.ops / d.seconds, a.ops / a.seconds),
      ratio(d.p50, a.p50),
      cpu(dirbridge.dirbridgeCpu / d.ops),
      `${cpu(dirbridge.sambaCpu / d.ops)} / ${cpu(direct.sambaCpu / a.ops)}`,
      `${entriesPerOp(d)} / ${entriesPerOp(a)}`,
      `${d.errors} / ${a.errors}`,
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

/** A label as a table cell: a `|` in a filter would end the cell, even inside backticks. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function entriesPerOp(result: RunResult): string {
  return result.ops ? (result.entries / result.ops).toFixed(1) : '–';
}

function report(measured: readonly Measured[], ad: SambaAd, loadBefore: number): string {
  return [
    '### dirbridge to Samba AD vs Samba AD directly',
    '',
    `Node ${process.version}, ${availableParallelism()} cores shared by Samba, dirbridge and the load generator (load average ${loadBefore.toFixed(1)} before the runs); ${SECONDS} s per run. Ratios are dirbridge / direct: ops/s below 1, or p50 above 1, is what going through dirbridge costs.`,
    '',
    table(measured),
    '',
    `- both sides over LDAPS: dirbridge with a test certificate, Samba (${ad.url}, ${ad.pagingUsers.toLocaleString('en-US')} paging users) verified against its CA; connections are opened and bound before the clock starts`,
    `- searches bind to dirbridge as its account \`${READER.name}\` and to Samba as the low-privilege service account, which dirbridge's \`ad\` source searches as (${SEARCH_POOL_SIZE} search connections); the uncached rows search the mount whose result cache is off`,
    `- binds are alice's: dirbridge hands each to AD on its bind pool (${BIND_POOL_SIZE} connections) and then reads her entry`,
    "- names are `User ` and three or four digits of a paging user (`sn: User 0042`), numbers four digits of a paging user's `+49 40 555NNNN` from 1000 on",
    "- Samba CPU/op: the DC's CPU during the run per operation (what each side's requests cost AD); dirbridge CPU/op: dirbridge's; dirbridge logs every operation (info)",
  ].join('\n');
}

// ---- main -------------------------------------------------------------------------------------------

export async function adComparisonBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-ad-'));
  process.stderr.write('starting the Samba AD DC\n');
  const ad = await startSambaAd();
  let server: Server | undefined;
  const load = new LoadGenerator();
  try {
    const terms = writeTerms(folder, ad.pagingUsers);
    process.stderr.write('starting dirbridge in front of it\n');
    const started = await startDirbridge(folder, ad);
    server = started.server;
    const loadBefore = loadavg()[0] ?? Number.NaN;
    const servers = { dirbridgePid: server.pid, sambaPid: ad.pid };
    const measured = await runAll(load, servers, targets(ad, server, started.caFile), terms);
    process.stdout.write(`${report(measured, ad, loadBefore)}\n`);
  } finally {
    load.end();
    if (server) await stopServer(server);
    await ad.stop();
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stderr.write(`kept ${folder}\n`);
  }
}
