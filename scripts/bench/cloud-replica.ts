/**
 * What the cloud sources' benches (graph.ts, google.ts) measure alike: a `dirbridge serve` whose
 * replica loads everything from a fake in this process, then one change round at the fake timed
 * until the last changed number answers through dirbridge, and the two tables that report them.
 * Each bench says how to read its fake's request log; the timing and the tables are the same.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { firstAnswer, startServer, stopServer, type Server } from './dirbridge-server.js';
import { perSecond } from './markdown.js';
import { cpuSeconds, memoryMiB } from './proc-stats.js';

/** How often the last changed number is looked up while a round is awaited. */
export const POLL_MS = 25;
/** How long after the first answer the settled RSS is read: the load's garbage collected. */
const SETTLE_MS = 2_000;

export interface LoadFigures {
  readonly label: string;
  readonly entries: number;
  readonly pages: number;
  readonly firstAnswerSeconds: number;
  readonly loadMs: number | undefined;
  readonly rssFirst: number;
  readonly rssSettled: number;
  readonly peak: number;
  /** CPU seconds from spawn to the first answer: dirbridge's, and this process's (mostly the fake's). */
  readonly serverCpu: number;
  readonly fakeCpu: number;
}

export interface RoundFigures {
  readonly changes: number;
  /** From the changes made at the fake to the round's first request (waiting for the interval). */
  readonly waitMs: number;
  /** From the round's first request to the last changed number answered through dirbridge. */
  readonly roundMs: number;
  readonly pages: number;
  /** What the server logged for the round ('replica updated'). */
  readonly loggedMs: number | undefined;
  readonly loggedUpserts: number | undefined;
  /** Whether the first changed number answers too. */
  readonly firstAnswered: boolean;
  readonly rssAfter: number;
  readonly peak: number;
  /** CPU seconds from the changes to the answer: dirbridge's, and this process's. */
  readonly serverCpu: number;
  readonly fakeCpu: number;
}

export interface LoadRun {
  readonly folder: string;
  readonly label: string;
  readonly suffix: string;
  readonly config: Record<string, unknown>;
  /** Secrets the config reads from `${env:…}`. */
  readonly env: Readonly<Record<string, string>>;
  /** The pages the fake served for the full load, read once it is done. */
  readonly pages: () => number;
}

/** Starts a server and times its full load; the server is left running. */
export async function measureLoad(run: LoadRun): Promise<{ server: Server; figures: LoadFigures }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  // The server listens once its replica is loaded: startServer resolves after the full load.
  const server = await startServer(run.folder, run.config, run.env);
  try {
    await firstAnswer(server, run.suffix);
    const firstAnswerSeconds = (performance.now() - started) / 1000;
    const fakeCpu = cpuOf(process.cpuUsage(cpuBefore));
    const serverCpu = cpuSeconds(server.pid);
    const rssFirst = memoryMiB(server.pid, 'VmRSS');
    await sleep(SETTLE_MS);
    const loaded = loggedFields(server, 'replica loaded');
    return {
      server,
      figures: {
        label: run.label,
        entries: loaded?.entries ?? Number.NaN,
        pages: run.pages(),
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

export interface ChangeRound {
  readonly server: Server;
  readonly suffix: string;
  readonly changes: number;
  /** Gives the `index`th changed person the number `written`, at the fake. */
  readonly change: (index: number, number: ChangedNumber) => void;
  /** Marks the fake's request log before the changes. */
  readonly mark: () => void;
  /** The round's requests since the mark: when its first came, and how many came by `answeredAt`. */
  readonly round: (
    changedAt: number,
    answeredAt: number,
  ) => { readonly startAt?: number; readonly pages: number };
}

/** Makes the changes at once (one round reports them all), and times them until the last answers. */
export async function measureRound(run: ChangeRound): Promise<RoundFigures> {
  const client = new Client({ url: run.server.url, timeout: 60_000 });
  try {
    run.mark();
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = cpuSeconds(run.server.pid);
    const changedAt = Date.now();
    for (let index = 0; index < run.changes; index++) run.change(index, changedNumber(index));
    const last = changedNumber(run.changes - 1).e164;
    while (!(await answers(client, run.suffix, last))) await sleep(POLL_MS);
    const answeredAt = Date.now();
    const fakeCpu = cpuOf(process.cpuUsage(cpuBefore));
    const serverCpu = cpuSeconds(run.server.pid) - serverCpuBefore;
    const { startAt, pages } = run.round(changedAt, answeredAt);
    const firstAnswered = await answers(client, run.suffix, changedNumber(0).e164);
    // The round's log line comes right after it is applied; give it a moment.
    await sleep(500);
    const logged = loggedFields(
      run.server,
      'replica updated',
      (fields) => (fields.upserts ?? 0) >= run.changes,
    );
    return {
      changes: run.changes,
      waitMs: startAt === undefined ? Number.NaN : startAt - changedAt,
      roundMs: startAt === undefined ? Number.NaN : answeredAt - startAt,
      pages,
      loggedMs: logged?.ms,
      loggedUpserts: logged?.upserts,
      firstAnswered,
      rssAfter: memoryMiB(run.server.pid, 'VmRSS'),
      peak: memoryMiB(run.server.pid, 'VmHWM'),
      serverCpu,
      fakeCpu,
    };
  } finally {
    await client.unbind();
  }
}

export interface ChangedNumber {
  readonly written: string;
  readonly e164: string;
}

/** A number nobody has yet, unique per change: +49 40 7000000 onwards (Hamburg). */
function changedNumber(index: number): ChangedNumber {
  const subscriber = String(7_000_000 + index);
  return { written: `+49 40 ${subscriber}`, e164: `+4940${subscriber}` };
}

async function answers(client: Client, suffix: string, e164: string): Promise<boolean> {
  const { searchEntries } = await client.search(suffix, {
    filter: `(telephoneNumber=${e164})`,
    attributes: ['cn'],
  });
  return searchEntries.length > 0;
}

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

// ---- the tables ----------------------------------------------------------------------------------

export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

function mib(value: number): string {
  return `${value.toFixed(0)} MiB`;
}

function seconds(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} s`;
}

/** Names of what the fake calls its people and its pages, for the tables' headings. */
export interface Vocabulary {
  /** `users`, `people`. */
  readonly people: string;
  /** `users delta pages`, `listing pages`. */
  readonly loadPages: string;
  /** `delta query`, `sync-token round`. */
  readonly round: string;
  /** `delta pages`, `sync pages`. */
  readonly roundPages: string;
  /** `business number`, `work number`. */
  readonly number: string;
}

/** The load table, the memory per entry and the snapshot's size. */
export function loadReport(
  baseline: LoadFigures,
  load: LoadFigures,
  snapshotBytes: number,
  words: Vocabulary,
): string[] {
  const row = (f: LoadFigures): string =>
    `| ${f.label} | ${count(f.entries)} | ${f.pages} | ${seconds(f.firstAnswerSeconds)} | ${seconds(f.loadMs === undefined ? undefined : f.loadMs / 1000)} | ${f.loadMs === undefined ? '–' : perSecond(f.entries, f.loadMs / 1000)} | ${mib(f.rssFirst)} | ${mib(f.rssSettled)} | ${mib(f.peak)} | ${seconds(f.serverCpu)} | ${seconds(f.fakeCpu)} |`;
  const perEntryBytes = ((load.rssSettled - baseline.rssSettled) * 1024 * 1024) / load.entries;
  return [
    `| run | entries | ${words.loadPages} | first answer | full load (logged) | ${words.people}/s | RSS at first answer | RSS after 2 s | peak RSS | dirbridge CPU to first answer | bench process (fake) CPU |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    row(baseline),
    row(load),
    '',
    `- replica memory per entry: ${count(perEntryBytes)} bytes (RSS 2 s after the load, ${mib(load.rssSettled)}, less the same server's over ${count(baseline.entries)} ${words.people}, ${mib(baseline.rssSettled)}, over ${count(load.entries)} entries)`,
    `- snapshot: ${(snapshotBytes / 1024 / 1024).toFixed(1)} MiB (${count(snapshotBytes / load.entries)} bytes per entry)`,
  ];
}

/** The change round's table. */
export function roundReport(round: RoundFigures, words: Vocabulary): string[] {
  const roundSeconds = round.roundMs / 1000;
  const logged = round.loggedMs === undefined ? undefined : round.loggedMs / 1000;
  return [
    `Changes: ${count(round.changes)} ${words.people} given a new ${words.number} at the fake at once, then the last one looked up through dirbridge every ${POLL_MS} ms:`,
    '',
    `| changes | wait for the next ${words.round} | round to last change answered | changes/s (fetch + apply) | round as logged | changes/s (logged) | ${words.roundPages} | dirbridge CPU | bench process (fake) CPU | RSS after | peak RSS |`,
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(round.changes)} | ${seconds(round.waitMs / 1000)} | ${seconds(roundSeconds)} | ${perSecond(round.changes, roundSeconds)} | ${seconds(logged)} | ${logged === undefined ? '–' : perSecond(round.loggedUpserts ?? round.changes, logged)} | ${round.pages} | ${seconds(round.serverCpu)} | ${seconds(round.fakeCpu)} | ${mib(round.rssAfter)} | ${mib(round.peak)} |`,
    '',
    `- the first changed number answered too: ${round.firstAnswered ? 'yes' : 'no'}; the round's log line counted ${round.loggedUpserts === undefined ? '–' : count(round.loggedUpserts)} upserts`,
  ];
}
