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
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleFake } from '../../test/fakes/google/google-fake.js';
import type { PersonRecord } from '../../test/fakes/google/person-record.js';
import { primeCanonicalForm } from '../../test/fakes/google/phone-canonical-form.js';
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

const SUFFIX = 'dc=dirbridge,dc=local';
const SOURCE = 'workspace';
const PEOPLE = Number(process.env.BENCH_GOOGLE_PEOPLE ?? 50_000);
const CHANGES = Math.min(PEOPLE, Number(process.env.BENCH_GOOGLE_CHANGES ?? 500));
const BASELINE_PEOPLE = 10;
const CHANGE_INTERVAL = 5;
const REGION = 'DE';
const LIST_PATH = '/v1/people:listDirectoryPeople';
/** The service account key reaches the config as `${env:…}`, as an operator's secret would. */
const KEY_VARIABLE = 'DIRBRIDGE_BENCH_GOOGLE_KEY';

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
  return measureLoad({
    folder,
    label,
    suffix: SUFFIX,
    config,
    env: { [KEY_VARIABLE]: JSON.stringify(fake.serviceAccount.key) },
    pages: () =>
      fake.requests.all(LIST_PATH).filter((request) => request.query.syncToken === undefined).length,
  });
}

// ---- a sync-token round --------------------------------------------------------------------------

async function roundRun(
  fake: GoogleFake,
  server: Server,
  people: readonly PersonRecord[],
): Promise<RoundFigures> {
  const changes = Math.min(CHANGES, people.length);
  process.stderr.write(`sync-token round: ${changes} people given new numbers at the fake\n`);
  const step = Math.max(1, Math.floor(people.length / changes));
  let mark = 0;
  return measureRound({
    server,
    suffix: SUFFIX,
    changes,
    mark: () => (mark = fake.requests.all(LIST_PATH).length),
    change: (index, number) => {
      // Google's canonical form of the new number, known by construction (the fake need not parse it).
      primeCanonicalForm(number.written, REGION, number.e164);
      fake.domain.directory.change(people[index * step]!.resourceName, (data) => ({
        ...data,
        phoneNumbers: [{ value: number.written, type: 'work' }],
      }));
    },
    round: (changedAt, answeredAt) => {
      const round = fake.requests
        .all(LIST_PATH)
        .slice(mark)
        .filter((request) => request.query.syncToken !== undefined && request.at >= changedAt);
      const pages = round.filter((request) => request.at <= answeredAt).length;
      return round[0] === undefined ? { pages } : { startAt: round[0].at, pages };
    },
  });
}

const WORDS: Vocabulary = {
  people: 'people',
  loadPages: 'listing pages',
  round: 'sync-token round',
  roundPages: 'sync pages',
  number: 'work number',
};

// ---- the report ----------------------------------------------------------------------------------

function reportOf(
  baseline: LoadFigures,
  load: LoadFigures,
  snapshotBytes: number,
  round: RoundFigures,
): string {
  return [
    `### google benchmark: ${PEOPLE.toLocaleString('en-US')} Google Workspace people from the Google fake`,
    '',
    `Node ${process.version}, ${availableParallelism()} cores. A \`google\` source (default map, \`changeInterval: ${CHANGE_INTERVAL}\`, directory.dataDir) over the Google fake (test/fakes/google) served over plain HTTP by the bench process itself; \`people.listDirectoryPeople\` pages of 1,000. **The fake's CPU (rendering every page) competes with dirbridge's for the same cores**: dirbridge alone would do more, while Google adds its network and service time to every page, which the fake on the loopback leaves out.`,
    '',
    ...loadReport(baseline, load, snapshotBytes, WORDS),
    '',
    ...roundReport(round, WORDS),
  ].join('\n');
}
