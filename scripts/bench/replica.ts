/**
 * The bench's replica part (BENCH_PART=replica): the replica engine holding 100,000 people shaped
 * as a real AD gives them (20 presented attributes, about 1 KB of text, three numbers each).
 *
 * - A `dirbridge serve` over a file source with `directory.dataDir`: RSS after the first load and
 *   the peak while loading (VmHWM), load time, phone lookups per second;
 * - the same server restarted: time from start to the first answer, served from the snapshot, RSS
 *   and peak, and lookups per second on the restored index;
 * - in this process, the engine with a scripted change feed: how fast rounds of changes apply.
 *
 * Prints Markdown tables and asserts nothing. Server and load generator share the machine's cores.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { FieldMap, IDENTITY_MAP } from '../../src/mapping/field-map.js';
import { ReplicaEngine } from '../../src/replica/replica-engine.js';
import { Schema } from '../../src/schema/schema.js';
import type { ChangeFeed, FeedItem } from '../../src/sources/change-feed.js';
import type { Source, SourceRecord } from '../../src/sources/source.js';
import { firstAnswer, startServer, stopServer, type Server } from './dirbridge-server.js';
import type { RunResult, Scenario } from './load.js';
import { LoadGenerator } from './load-generator.js';
import { generatePhonebook } from './phonebook.js';
import { memoryMiB } from './proc-stats.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const LOOKUPS: readonly Scenario[] = ['suffix', 'prefix'];
const ROUND = 1000;
const ROUNDS = 10;

interface ServerFigures {
  readonly label: string;
  readonly firstAnswerSeconds: number;
  readonly loadMs: number | undefined;
  /** RSS at the first answer, and once the copy is current (a restart's catch-up round done). */
  readonly rssFirst: number;
  readonly rss: number;
  readonly peak: number;
  readonly lookups: Map<Scenario, number>;
}

export async function replicaBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-replica-'));
  try {
    const csvPath = join(folder, 'people.csv');
    const termsFile = join(folder, 'terms.json');
    process.stderr.write(`generating ${ENTRIES} AD-shaped people in ${folder}\n`);
    const { csv, terms } = generatePhonebook(ENTRIES, undefined, { shape: 'ad' });
    writeFileSync(csvPath, csv);
    writeFileSync(termsFile, JSON.stringify(terms));
    const config = {
      listen: [{ url: 'ldap://127.0.0.1:0' }],
      directory: { suffix: SUFFIX, dataDir: join(folder, 'data') },
      access: { anonymous: true },
      log: { level: 'info' },
      sources: [{ name: 'people', type: 'file', path: csvPath }],
    };
    const first = await serve(folder, config, termsFile, 'first load (no snapshot)', 'replica loaded');
    const snapshotBytes = statSync(join(folder, 'data', 'people.snapshot')).size;
    const restart = await serve(folder, config, termsFile, 'restart from the snapshot', 'replica updated');
    const apply = await changeApplyRate(csv);
    process.stdout.write(
      `${report([first, restart], snapshotBytes, Buffer.byteLength(csv), apply, terms.numberSuffixes.length)}\n`,
    );
  } finally {
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stderr.write(`kept ${folder}\n`);
  }
}

/** Starts the server, times its first answer, measures memory and lookups, and stops it (writing its snapshot). */
async function serve(
  folder: string,
  config: Record<string, unknown>,
  termsFile: string,
  label: string,
  current: string,
): Promise<ServerFigures> {
  process.stderr.write(`${label}\n`);
  const started = performance.now();
  const server = await startServer(folder, config);
  try {
    await firstAnswer(server, SUFFIX);
    const firstAnswerSeconds = (performance.now() - started) / 1000;
    const rssFirst = memoryMiB(server.pid, 'VmRSS');
    // Lookups are measured on a current copy: a restart's catch-up round (for a file: the whole
    // file read and compared) would otherwise share the cores with them.
    while (loggedMs(server, current) === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rss = memoryMiB(server.pid, 'VmRSS');
    const lookups = await lookupRates(server, termsFile);
    return {
      label,
      firstAnswerSeconds,
      loadMs: loggedMs(server, 'replica loaded'),
      rssFirst,
      rss,
      peak: memoryMiB(server.pid, 'VmHWM'),
      lookups,
    };
  } finally {
    await stopServer(server);
  }
}

async function lookupRates(server: Server, termsFile: string): Promise<Map<Scenario, number>> {
  const load = new LoadGenerator();
  const rates = new Map<Scenario, number>();
  try {
    await load.send({
      cmd: 'connect',
      url: server.url,
      connections: 8,
      bind: { dn: '', password: '' },
      termsFile,
      suffix: SUFFIX,
    });
    for (const scenario of LOOKUPS) await load.send({ cmd: 'run', scenario, seconds: 1 });
    for (const scenario of LOOKUPS) {
      const result = await load.send<RunResult>({ cmd: 'run', scenario, seconds: SECONDS });
      rates.set(scenario, result.ops / result.seconds);
    }
    await load.send({ cmd: 'close' });
  } finally {
    load.end();
  }
  return rates;
}

function loggedMs(server: Server, message: string): number | undefined {
  for (const line of readFileSync(server.logFile, 'utf8').split('\n'))
    if (line.includes(`"${message}"`)) return (JSON.parse(line) as { ms: number }).ms;
  return undefined;
}

// ---- changes applied in place, in this process ----------------------------------------------------

interface ApplyRate {
  readonly changesPerSecond: number;
  readonly deletionsPerSecond: number;
}

/** Rounds of 1,000 changed numbers, then a round of 1,000 deletions, on a loaded engine. */
async function changeApplyRate(csv: string): Promise<ApplyRate> {
  process.stderr.write('change feed rounds in process\n');
  const rows = parse<Record<string, string>>(csv, { columns: true });
  const records: SourceRecord[] = rows.map((row) => recordOf(row));
  let round: FeedItem[] = [];
  const feed: ChangeFeed = {
    async *full() {
      await Promise.resolve();
      for (const record of records) yield { kind: 'upsert', record };
      yield { kind: 'cursor', cursor: '0' };
    },
    async *changes() {
      await Promise.resolve();
      yield* round;
    },
    reportsDeletions: true,
  };
  const schema = Schema.load();
  const namespace = new Namespace(SUFFIX, ['people'], schema);
  const presenter = new Presenter('people', 'users', new FieldMap(schema, IDENTITY_MAP), namespace);
  const source = { name: 'people', changeFeed: () => feed } as unknown as Source;
  const engine = new ReplicaEngine({
    source,
    present: (record) => presenter.present(record),
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    defaultCountry: 'DE',
    prepare: ['cn', 'sn', 'givenName', 'displayName'],
    maxDeletes: ROUND,
  });
  const signal = new AbortController().signal;
  await engine.sync(signal);
  let changeMs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    round = [];
    for (let i = 0; i < ROUND; i++) {
      const record = records[(r * ROUND + i * 37) % records.length]!;
      const changed = {
        ...record,
        fields: { ...record.fields, telephoneNumber: [`+49 30 ${7_000_000 + r * ROUND + i}`] },
      };
      round.push({ kind: 'upsert', record: changed });
    }
    round.push({ kind: 'cursor', cursor: String(r + 1) });
    const started = performance.now();
    await engine.sync(signal);
    changeMs += performance.now() - started;
  }
  round = [];
  for (let i = 0; i < ROUND; i++)
    round.push({ kind: 'delete', id: records[Math.floor((i * records.length) / ROUND)]!.id });
  round.push({ kind: 'cursor', cursor: 'deleted' });
  const started = performance.now();
  await engine.sync(signal);
  const deleteMs = performance.now() - started;
  return {
    changesPerSecond: (ROUND * ROUNDS) / (changeMs / 1000),
    deletionsPerSecond: ROUND / (deleteMs / 1000),
  };
}

function recordOf(row: Record<string, string>): SourceRecord {
  const fields: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(row))
    if (name !== 'id' && value !== '') fields[name] = value.split('|');
  return { id: row.id!, fields };
}

// ---- the report ----------------------------------------------------------------------------------

function report(
  servers: readonly ServerFigures[],
  snapshotBytes: number,
  csvBytes: number,
  apply: ApplyRate,
  terms: number,
): string {
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const rate = (value: number | undefined): string =>
    value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
  const rows = servers.map(
    (s) =>
      `| ${s.label} | ${s.firstAnswerSeconds.toFixed(1)} s | ${s.loadMs === undefined ? '–' : `${(s.loadMs / 1000).toFixed(1)} s`} | ${s.rssFirst.toFixed(0)} MiB | ${s.rss.toFixed(0)} MiB | ${s.peak.toFixed(0)} MiB | ${rate(s.lookups.get('suffix'))} | ${rate(s.lookups.get('prefix'))} |`,
  );
  return [
    `### replica benchmark: ${ENTRIES.toLocaleString('en-US')} AD-shaped people (20 attributes, ~1 KB, 3 numbers each)`,
    '',
    `Node ${process.version}; a file source of ${mib(csvBytes)} CSV with directory.dataDir; lookups from 8 connections, ${SECONDS} s each (${terms} number suffixes and name prefixes drawn from the data).`,
    '',
    '| start | first answer | full load | RSS at first answer | RSS once current | peak RSS | number suffix lookups/s | name prefix lookups/s |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    `- snapshot: ${mib(snapshotBytes)}`,
    `- changes applied in place (engine in process, rounds of ${ROUND} from a change feed): ${rate(apply.changesPerSecond)} changed entries/s; ${rate(apply.deletionsPerSecond)} deletions/s`,
  ].join('\n');
}
