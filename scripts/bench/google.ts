/**
 * The bench's google part (BENCH_PART=google): a `google` source (Google Workspace through the
 * People API, a replica kept by sync tokens) over the Google fake (test/fakes/google), which this
 * process serves over plain HTTP with 50,000 seeded directory people.
 *
 * - A `dirbridge serve` with a `google` source and `directory.dataDir`: time from start to the
 *   first answer (the full listing, 1,000 people a page), people synced per second, RSS after the
 *   load and its peak (VmHWM), RSS per entry against the same server over a fake of 10 people, and
 *   the snapshot's size;
 * - changes: BENCH_GOOGLE_CHANGES people (500) given new numbers at the fake at once, then the
 *   last of them looked up through dirbridge until it answers: changes per second from the
 *   sync-token round's first request to that answer (the fetch included), and as the round's log
 *   line times it.
 *
 * The fake runs in this process: its CPU (rendering every page) competes with dirbridge's for the
 * machine's cores. Prints Markdown tables and asserts nothing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { GoogleFake } from '../../test/fakes/google/google-fake.js';
import type { PersonRecord } from '../../test/fakes/google/person-record.js';
import { primeCanonicalForm } from '../../test/fakes/google/phone-canonical-form.js';
import { startServer, stopServer, type Server } from './dirbridge-server.js';
import { perSecond } from './markdown.js';
import { cpuSeconds, memoryMiB } from './proc-stats.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const SOURCE = 'workspace';
const PEOPLE = Number(process.env.BENCH_GOOGLE_PEOPLE ?? 50_000);
const CHANGES = Math.min(PEOPLE, Number(process.env.BENCH_GOOGLE_CHANGES ?? 500));
const BASELINE_PEOPLE = 10;
const CHANGE_INTERVAL = 5;
const REGION = 'DE';
const LIST_PATH = '/v1/people:listDirectoryPeople';
/** How long a loaded server is left alone before its resident size is read. */
const SETTLE_MS = 2_000;
/** How often the changed number is looked up while the sync-token round runs. */
const POLL_MS = 25;
/** The service account key reaches the config as `${env:…}`, as an operator's secret would. */
const KEY_VARIABLE = 'DIRBRIDGE_BENCH_GOOGLE_KEY';

interface LoadFigures {
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

interface RoundFigures {
  readonly changes: number;
  /** From the changes made at the fake to the sync-token round's first request (waiting for the interval). */
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

export async function googleBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-google-'));
  try {
    const baseline = await withFake(BASELINE_PEOPLE, async (fake, admin) => {
      const { server, figures } = await loadRun(fake, admin, join(folder, 'baseline'), 'baseline');
      await stopServer(server);
      return figures;
    });
    const report = await withFake(PEOPLE, async (fake, admin) => {
      const runFolder = join(folder, 'full');
      const { server, figures: load } = await loadRun(fake, admin, runFolder, 'first load');
      try {
        const snapshotBytes = statSync(join(runFolder, 'data', `${SOURCE}.snapshot`)).size;
        const profiles = fake.domain.directory.live().filter((p) => p.sourceType === 'DOMAIN_PROFILE');
        // The admin, whose address the source acts as, keeps theirs: the others change.
        const round = await roundRun(fake, server, profiles.slice(1));
        return reportOf(baseline, load, snapshotBytes, round);
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

/** A Google fake in this process with `people` directory profiles, stopped after `work`. */
async function withFake<T>(
  people: number,
  work: (fake: GoogleFake, admin: string) => Promise<T>,
): Promise<T> {
  process.stderr.write(`Google fake: seeding ${people} directory people\n`);
  const fake = await GoogleFake.start({ domain: 'example.com', region: REGION });
  try {
    const [first] = fake.seedDirectory({ count: people });
    return await work(fake, first!.data.emailAddresses![0]!.value);
  } finally {
    await fake.stop();
  }
}

// ---- the full load -------------------------------------------------------------------------------

/** Starts a server over the fake and times its full load; the server is left running. */
async function loadRun(
  fake: GoogleFake,
  admin: string,
  folder: string,
  label: string,
): Promise<{ server: Server; figures: LoadFigures }> {
  process.stderr.write(`${label}: dirbridge serve, full listing of ${fake.domain.directory.size} people\n`);
  mkdirSync(folder, { recursive: true });
  const config = {
    listen: [{ url: 'ldap://127.0.0.1:0' }],
    directory: { suffix: SUFFIX, dataDir: join(folder, 'data'), defaultCountry: REGION },
    access: { anonymous: true },
    log: { level: 'info' },
    sources: [
      {
        name: SOURCE,
        type: 'google',
        serviceAccountKey: `\${env:${KEY_VARIABLE}}`,
        adminEmail: admin,
        tokenUrl: fake.tokenUrl,
        rootUrl: fake.rootUrl,
        changeInterval: CHANGE_INTERVAL,
      },
    ],
  };
  fake.requests.clear();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  // The server listens once its replica is loaded: startServer resolves after the full load.
  const server = await startServer(folder, config, {
    [KEY_VARIABLE]: JSON.stringify(fake.serviceAccount.key),
  });
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
        pages: fake.requests.all(LIST_PATH).filter((request) => request.query.syncToken === undefined).length,
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
      filter: '(objectClass=person)',
      sizeLimit: 1,
      attributes: ['cn'],
    });
    if (searchEntries.length === 0) throw new Error('the first search found nobody');
  } finally {
    await client.unbind();
  }
}

// ---- a sync-token round --------------------------------------------------------------------------

/** A number nobody has yet, unique per change: +49 40 7000000 onwards (Hamburg). */
function changedNumber(index: number): { written: string; e164: string } {
  const subscriber = String(7_000_000 + index);
  return { written: `+49 40 ${subscriber}`, e164: `+4940${subscriber}` };
}

async function roundRun(
  fake: GoogleFake,
  server: Server,
  people: readonly PersonRecord[],
): Promise<RoundFigures> {
  const changes = Math.min(CHANGES, people.length);
  process.stderr.write(`sync-token round: ${changes} people given new numbers at the fake\n`);
  const client = new Client({ url: server.url, timeout: 60_000 });
  try {
    const step = Math.max(1, Math.floor(people.length / changes));
    const mark = fake.requests.all(LIST_PATH).length;
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = cpuSeconds(server.pid);
    const changedAt = Date.now();
    // All in one go (no request is served in between): one round reports them all.
    for (let index = 0; index < changes; index++) {
      const number = changedNumber(index);
      // Google's canonical form of the new number, known by construction (the fake need not parse it).
      primeCanonicalForm(number.written, REGION, number.e164);
      fake.domain.directory.change(people[index * step]!.resourceName, (data) => ({
        ...data,
        phoneNumbers: [{ value: number.written, type: 'work' }],
      }));
    }
    const last = changedNumber(changes - 1).e164;
    while (!(await answers(client, last))) await sleep(POLL_MS);
    const answeredAt = Date.now();
    const fakeCpu = cpuOf(process.cpuUsage(cpuBefore));
    const serverCpu = cpuSeconds(server.pid) - serverCpuBefore;
    const round = fake.requests
      .all(LIST_PATH)
      .slice(mark)
      .filter((request) => request.query.syncToken !== undefined && request.at >= changedAt);
    const start = round[0];
    const firstAnswered = await answers(client, changedNumber(0).e164);
    // The round's log line comes right after it is applied; give it a moment.
    await sleep(500);
    const logged = loggedFields(server, 'replica updated', (fields) => (fields.upserts ?? 0) >= changes);
    return {
      changes,
      waitMs: start === undefined ? Number.NaN : start.at - changedAt,
      roundMs: start === undefined ? Number.NaN : answeredAt - start.at,
      pages: round.filter((request) => request.at <= answeredAt).length,
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

// ---- the server's log ----------------------------------------------------------------------------

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
  round: RoundFigures,
): string {
  const count = (value: number): string =>
    Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
  const mib = (value: number): string => `${value.toFixed(0)} MiB`;
  const seconds = (value: number | undefined): string =>
    value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} s`;
  const loadRow = (f: LoadFigures): string =>
    `| ${f.label} | ${count(f.entries)} | ${f.pages} | ${seconds(f.firstAnswerSeconds)} | ${seconds(f.loadMs === undefined ? undefined : f.loadMs / 1000)} | ${f.loadMs === undefined ? '–' : perSecond(f.entries, f.loadMs / 1000)} | ${mib(f.rssFirst)} | ${mib(f.rssSettled)} | ${mib(f.peak)} | ${seconds(f.serverCpu)} | ${seconds(f.fakeCpu)} |`;
  const perEntryBytes = ((load.rssSettled - baseline.rssSettled) * 1024 * 1024) / load.entries;
  const roundSeconds = round.roundMs / 1000;
  return [
    `### google benchmark: ${PEOPLE.toLocaleString('en-US')} Google Workspace people from the Google fake`,
    '',
    `Node ${process.version}, ${availableParallelism()} cores. A \`google\` source (default map, \`changeInterval: ${CHANGE_INTERVAL}\`, directory.dataDir) over the Google fake (test/fakes/google) served over plain HTTP by the bench process itself; \`people.listDirectoryPeople\` pages of 1,000. **The fake's CPU (rendering every page) competes with dirbridge's for the same cores**: dirbridge alone would do more, while Google adds its network and service time to every page, which the fake on the loopback leaves out.`,
    '',
    '| run | entries | listing pages | first answer | full load (logged) | people/s | RSS at first answer | RSS after 2 s | peak RSS | dirbridge CPU to first answer | bench process (fake) CPU |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    loadRow(baseline),
    loadRow(load),
    '',
    `- replica memory per entry: ${count(perEntryBytes)} bytes (RSS 2 s after the load, ${mib(load.rssSettled)}, less the same server's over ${BASELINE_PEOPLE} people, ${mib(baseline.rssSettled)}, over ${count(load.entries)} entries)`,
    `- snapshot: ${(snapshotBytes / 1024 / 1024).toFixed(1)} MiB (${count(snapshotBytes / load.entries)} bytes per entry)`,
    '',
    `Changes: ${count(round.changes)} people given a new work number at the fake at once, then the last one looked up through dirbridge every ${POLL_MS} ms:`,
    '',
    '| changes | wait for the next sync-token round | round to last change answered | changes/s (fetch + apply) | round as logged | changes/s (logged) | sync pages | dirbridge CPU | bench process (fake) CPU | RSS after | peak RSS |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${count(round.changes)} | ${seconds(round.waitMs / 1000)} | ${seconds(roundSeconds)} | ${perSecond(round.changes, roundSeconds)} | ${seconds(round.loggedMs === undefined ? undefined : round.loggedMs / 1000)} | ${round.loggedMs === undefined ? '–' : perSecond(round.loggedUpserts ?? round.changes, round.loggedMs / 1000)} | ${round.pages} | ${seconds(round.serverCpu)} | ${seconds(round.fakeCpu)} | ${mib(round.rssAfter)} | ${mib(round.peak)} |`,
    '',
    `- the first changed number answered too: ${round.firstAnswered ? 'yes' : 'no'}; the round's log line counted ${round.loggedUpserts === undefined ? '–' : count(round.loggedUpserts)} upserts`,
  ].join('\n');
}
