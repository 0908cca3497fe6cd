/**
 * The bench's changes part (BENCH_PART=changes): how long a change in Active Directory takes to be
 * answered through dirbridge, whose `ad` source is a replica that polls the domain controller for
 * `(uSNChanged>=n)` every `changeInterval` (issue 12's target: at most 35 s at the default 30 s).
 *
 * Starts the test DC (scripts/test-backends/samba-ad.ts, on DIRBRIDGE_TEST_AD_ADDRESS) and a
 * dirbridge with one `ad` source on it, searching as the DC's low-privilege service account, with
 * the default change interval (BENCH_CHANGE_INTERVAL=<seconds> sets another, for a quick run) and
 * disabled accounts filtered out. Once the replica answers, it measures dirbridge's and Samba's CPU
 * over two idle intervals (what polling costs), then makes its changes at seeded random moments over
 * three intervals, as the DC's Administrator over LDAPS:
 *
 * - BENCH_CHANGES (default 8) new telephoneNumbers, each on another paging user;
 * - one new user (with a number of its own), and one paging user disabled.
 *
 * After each write a poller of its own asks dirbridge for the number every 100 ms, until the person
 * is answered (for the disabled one: no longer answered); the latency is from the write's completion
 * to that answer. Everything the run changed is put back afterwards (and before, should an earlier
 * run have stopped half-way): the DC's folder is the test suite's. Prints Markdown tables and
 * asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client, NoSuchObjectError } from 'ldapts';
import { AD_SETTINGS } from '../../src/sources/ad/settings-schema.js';
import { SeededRandom } from '../seeded-random.js';
import { startSambaAd, type SambaAd } from '../test-backends/samba-ad.js';
import { startServer, stopServer, type Server } from './dirbridge-server.js';
import { cpu } from './markdown.js';
import { cpuSeconds, groupCpuSeconds } from './proc-stats.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const MOUNT = 'ad';
const BASE = `ou=${MOUNT},${SUFFIX}`;
const CHANGES = Number(process.env.BENCH_CHANGES ?? 8);
/** The `ad` source's default, read from its schema: the bench leaves the setting out unless told. */
const DEFAULT_INTERVAL = Number(AD_SETTINGS.properties.changeInterval?.default);
const INTERVAL_OVERRIDE =
  process.env.BENCH_CHANGE_INTERVAL === undefined ? undefined : Number(process.env.BENCH_CHANGE_INTERVAL);
const INTERVAL = INTERVAL_OVERRIDE ?? DEFAULT_INTERVAL;
/** Issue 12's target at the default interval (30 s + 5 s); for another interval, that interval + 5 s. */
const TARGET_SECONDS = INTERVAL + 5;
/** The changes fall at random moments within this many change intervals. */
const SPREAD_INTERVALS = 3;
/** dirbridge's CPU is measured over this many intervals with nothing changing and nobody asking. */
const IDLE_INTERVALS = 2;
const POLL_MS = 100;
/** A poller gives up after this long (the latency is then shown as not answered). */
const GIVE_UP_SECONDS = 3 * INTERVAL + 30;
const SEED = 12;
const AD_PASSWORD_VARIABLE = 'DIRBRIDGE_BENCH_AD_PASSWORD';
/** What the source serves: AD's users and contacts, without disabled accounts. */
const ENABLED_ONLY = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
/** userAccountControl of the seeded paging users (NORMAL_ACCOUNT | PASSWD_NOTREQD), and disabled. */
const ENABLED_UAC = '544';
const DISABLED_UAC = '546';
const NEWCOMER = { cn: 'Bench Newcomer', sam: 'bench-newcomer' } as const;

type Kind = 'telephoneNumber changed' | 'user added' | 'user disabled';

/** One change: what is written, and which number then answers (or stops answering). */
interface Planned {
  readonly kind: Kind;
  /** Seconds after the changes begin. */
  readonly at: number;
  readonly dn: string;
  readonly number: string;
  readonly write: (admin: Client) => Promise<void>;
  /** Whether a search for the number is the answer awaited: someone found, or (disabled) nobody. */
  readonly answered: (found: number) => boolean;
}

interface Measured {
  readonly change: Planned;
  /** Seconds from the write's completion to the first answer; undefined when none came in time. */
  readonly latency: number | undefined;
  readonly polls: number;
}

interface CpuWindow {
  readonly label: string;
  readonly seconds: number;
  readonly dirbridge: number;
  readonly samba: number;
}

// ---- the people changed -----------------------------------------------------------------------

interface PagingUser {
  readonly dn: string;
  /** The number the DC was seeded with, put back afterwards. */
  readonly number: string;
}

function pagingUser(ad: SambaAd, index: number): PagingUser {
  const n = String(index).padStart(4, '0');
  return { dn: `CN=Page User ${n},OU=Paging,${ad.baseDn}`, number: `+49 40 555${n}` };
}

interface Plan {
  readonly changes: readonly Planned[];
  readonly renumbered: readonly PagingUser[];
  readonly disabled: PagingUser;
  readonly newcomerDn: string;
}

/** Distinct paging users, fresh numbers (`+49 40 777…`, which the seed never uses) and moments, all seeded. */
function plan(ad: SambaAd): Plan {
  const random = new SeededRandom(SEED);
  const picked = new Set<number>();
  const pick = (): PagingUser => {
    let index: number;
    do index = random.int(1, ad.pagingUsers);
    while (picked.has(index));
    picked.add(index);
    return pagingUser(ad, index);
  };
  const moment = (): number => random.next() * SPREAD_INTERVALS * INTERVAL;
  const freshNumber = (i: number): string => `+49 40 777${String(i).padStart(2, '0')}${random.digits(3)}`;
  const replace = (dn: string, type: string, value: string) => async (admin: Client) => {
    await admin.modify(
      dn,
      new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }),
    );
  };
  const changes: Planned[] = [];
  const renumbered: PagingUser[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const user = pick();
    renumbered.push(user);
    const number = freshNumber(i);
    changes.push({
      kind: 'telephoneNumber changed',
      at: moment(),
      dn: user.dn,
      number,
      write: replace(user.dn, 'telephoneNumber', number),
      answered: (found) => found > 0,
    });
  }
  const newcomerDn = `CN=${NEWCOMER.cn},OU=Paging,${ad.baseDn}`;
  const newcomerNumber = freshNumber(CHANGES);
  changes.push({
    kind: 'user added',
    at: moment(),
    dn: newcomerDn,
    number: newcomerNumber,
    write: async (admin) => {
      await admin.add(newcomerDn, {
        objectClass: 'user',
        cn: NEWCOMER.cn,
        sAMAccountName: NEWCOMER.sam,
        userPrincipalName: `${NEWCOMER.sam}@${ad.realm.toLowerCase()}`,
        givenName: 'Bench',
        sn: 'Newcomer',
        displayName: NEWCOMER.cn,
        telephoneNumber: newcomerNumber,
        userAccountControl: ENABLED_UAC,
      });
    },
    answered: (found) => found > 0,
  });
  const disabled = pick();
  changes.push({
    kind: 'user disabled',
    at: moment(),
    dn: disabled.dn,
    number: disabled.number,
    write: replace(disabled.dn, 'userAccountControl', DISABLED_UAC),
    answered: (found) => found === 0,
  });
  changes.sort((a, b) => a.at - b.at);
  return { changes, renumbered, disabled, newcomerDn };
}

/** Puts back what a run changes: the seeded numbers, the disabled user enabled, the newcomer gone. */
async function restore(admin: Client, what: Plan): Promise<void> {
  const replace = (dn: string, type: string, value: string): Promise<void> =>
    admin.modify(
      dn,
      new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }),
    );
  for (const user of what.renumbered) await replace(user.dn, 'telephoneNumber', user.number);
  await replace(what.disabled.dn, 'userAccountControl', ENABLED_UAC);
  try {
    await admin.del(what.newcomerDn);
  } catch (error) {
    if (!(error instanceof NoSuchObjectError)) throw error;
  }
}

async function adminClient(ad: SambaAd): Promise<Client> {
  const client = new Client({ url: ad.url, timeout: 30_000, tlsOptions: { ca: [readFileSync(ad.caFile)] } });
  await client.bind(ad.adminDn, ad.adminPassword);
  return client;
}

// ---- dirbridge, and asking it -----------------------------------------------------------------

async function startDirbridge(folder: string, ad: SambaAd): Promise<Server> {
  return startServer(
    folder,
    {
      listen: [{ url: 'ldap://127.0.0.1:0' }],
      directory: { suffix: SUFFIX },
      access: { anonymous: true },
      log: { level: 'info' },
      sources: [
        {
          name: MOUNT,
          type: 'ad',
          urls: [ad.url],
          tls: { ca: ad.caFile },
          bind: { name: ad.serviceAccount.userPrincipalName, password: `\${env:${AD_PASSWORD_VARIABLE}}` },
          base: ad.baseDn,
          filter: ENABLED_ONLY,
          ...(INTERVAL_OVERRIDE === undefined ? {} : { changeInterval: INTERVAL_OVERRIDE }),
        },
      ],
    },
    { [AD_PASSWORD_VARIABLE]: ad.serviceAccount.password },
  );
}

/** How many people dirbridge answers for `(telephoneNumber=<number>)` under the mount. */
async function lookUp(client: Client, number: string): Promise<number> {
  const { searchEntries } = await client.search(BASE, {
    scope: 'sub',
    filter: `(telephoneNumber=${number})`,
    attributes: ['telephoneNumber'],
  });
  return searchEntries.length;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the replica answers (a seeded paging user is found); returns the seconds since `since`. */
async function replicaReady(server: Server, ad: SambaAd, since: number): Promise<number> {
  const client = new Client({ url: server.url, timeout: 10_000 });
  try {
    for (;;) {
      try {
        if ((await lookUp(client, pagingUser(ad, 1).number)) > 0) return (performance.now() - since) / 1000;
      } catch {
        // not serving yet
      }
      if (performance.now() - since > 300_000)
        throw new Error(`the replica did not answer; see ${server.logFile}`);
      await sleep(POLL_MS);
    }
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Asks every 100 ms, from the write's completion, until the change is answered or the poller gives up. */
async function awaitAnswer(server: Server, change: Planned, written: number): Promise<Measured> {
  const client = new Client({ url: server.url, timeout: 10_000 });
  let polls = 0;
  try {
    while (performance.now() - written < GIVE_UP_SECONDS * 1000) {
      const asked = performance.now();
      polls++;
      if (change.answered(await lookUp(client, change.number)))
        return { change, latency: (performance.now() - written) / 1000, polls };
      await sleep(Math.max(0, POLL_MS - (performance.now() - asked)));
    }
    return { change, latency: undefined, polls };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Every change at its moment (writes one at a time, on the admin connection), each with its poller. */
async function runChanges(server: Server, admin: Client, changes: readonly Planned[]): Promise<Measured[]> {
  const began = performance.now();
  let writes = Promise.resolve();
  const measured = changes.map(async (change) => {
    await sleep(Math.max(0, change.at * 1000 - (performance.now() - began)));
    const write = writes.then(() => change.write(admin));
    writes = write.catch(() => undefined);
    await write;
    const written = performance.now();
    const result = await awaitAnswer(server, change, written);
    process.stderr.write(
      `  ${change.kind} at ${change.at.toFixed(1)} s (${change.number}): ${result.latency === undefined ? 'not answered' : `${result.latency.toFixed(1)} s`} (${result.polls} polls)\n`,
    );
    return result;
  });
  return Promise.all(measured);
}

function cpuWindow(label: string, servers: { dirbridge: number; samba: number }): () => CpuWindow {
  const started = performance.now();
  const dirbridge = cpuSeconds(servers.dirbridge);
  const samba = groupCpuSeconds(servers.samba);
  return () => ({
    label,
    seconds: (performance.now() - started) / 1000,
    dirbridge: cpuSeconds(servers.dirbridge) - dirbridge,
    samba: groupCpuSeconds(servers.samba) - samba,
  });
}

// ---- the report -------------------------------------------------------------------------------

const KINDS: readonly Kind[] = ['telephoneNumber changed', 'user added', 'user disabled'];

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function seconds(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(1)} s`;
}

function latencyTable(measured: readonly Measured[]): string {
  const rows = [
    '| change in AD | count | answered | min | p50 | max | target | within target |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const line = (label: string, of: readonly Measured[]): void => {
    if (of.length === 0) return;
    const latencies = of.flatMap((m) => (m.latency === undefined ? [] : [m.latency])).sort((a, b) => a - b);
    const within = latencies.filter((l) => l <= TARGET_SECONDS).length;
    const cells = [
      label,
      of.length,
      latencies.length,
      seconds(latencies[0]),
      seconds(latencies.length > 0 ? median(latencies) : undefined),
      seconds(latencies.at(-1)),
      `≤ ${TARGET_SECONDS} s`,
      `${within} / ${of.length}`,
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  };
  for (const kind of KINDS)
    line(
      kind,
      measured.filter((m) => m.change.kind === kind),
    );
  line('all', measured);
  return rows.join('\n');
}

function cpuTable(windows: readonly CpuWindow[]): string {
  const rows = [
    '| window | seconds | dirbridge CPU | per change interval | Samba CPU | per change interval |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const w of windows) {
    const perInterval = (seconds: number): string => cpu((seconds / w.seconds) * INTERVAL);
    const cells = [
      w.label,
      w.seconds.toFixed(0),
      `${w.dirbridge.toFixed(2)} s`,
      perInterval(w.dirbridge),
      `${w.samba.toFixed(2)} s`,
      perInterval(w.samba),
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

function report(
  measured: readonly Measured[],
  windows: readonly CpuWindow[],
  ad: SambaAd,
  readySeconds: number,
  loadBefore: number,
): string {
  const interval =
    INTERVAL_OVERRIDE === undefined ? `${INTERVAL} s (the default)` : `${INTERVAL} s (BENCH_CHANGE_INTERVAL)`;
  return [
    '### a change in AD to its first answer through dirbridge',
    '',
    `Node ${process.version}, ${availableParallelism()} cores shared by Samba, dirbridge and the pollers (load average ${loadBefore.toFixed(1)} before the changes); \`ad\` source in replica mode, changeInterval ${interval}; ${measured.length} changes at seeded random moments over ${SPREAD_INTERVALS * INTERVAL} s.`,
    '',
    latencyTable(measured),
    '',
    cpuTable(windows),
    '',
    `- latency: from the write's completion at the DC (as Administrator, over LDAPS) to the first answer through dirbridge of a search \`(telephoneNumber=<number>)\` under \`${BASE}\`, asked every ${POLL_MS} ms by a poller of its own; a disabled user's is the first answer without them (the source filters out disabled accounts)`,
    `- target: ${TARGET_SECONDS} s, the change interval and 5 s (issue 12's ≤ 35 s at the default 30 s); a poller gives up after ${GIVE_UP_SECONDS} s`,
    `- the DC: Samba at ${ad.url}, ${ad.pagingUsers.toLocaleString('en-US')} paging users and the seeded users; dirbridge searches as the low-privilege service account, which sees no deleted objects; the replica answered ${readySeconds.toFixed(1)} s after dirbridge was started`,
    `- CPU: "idle" is ${IDLE_INTERVALS} change intervals with nothing changing and no searches (USN polling alone); "changes" runs from the first change to the last answer and includes the pollers' searches (each logged, log level info)`,
  ].join('\n');
}

// ---- main -------------------------------------------------------------------------------------

export async function changeLatencyBench(): Promise<void> {
  if (!(INTERVAL > 0) || !(CHANGES >= 1))
    throw new Error('BENCH_CHANGE_INTERVAL and BENCH_CHANGES must be positive');
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-changes-'));
  process.stderr.write('starting the Samba AD DC\n');
  const ad = await startSambaAd();
  let server: Server | undefined;
  let admin: Client | undefined;
  const changes = plan(ad);
  try {
    admin = await adminClient(ad);
    // An earlier run that stopped half-way may have left its changes behind.
    await restore(admin, changes);
    process.stderr.write(`starting dirbridge in front of it (changeInterval ${INTERVAL} s)\n`);
    const started = performance.now();
    server = await startDirbridge(folder, ad);
    const readySeconds = await replicaReady(server, ad, started);
    process.stderr.write(`replica answering after ${readySeconds.toFixed(1)} s\n`);
    const servers = { dirbridge: server.pid, samba: ad.pid };
    process.stderr.write(`idle for ${IDLE_INTERVALS * INTERVAL} s\n`);
    const idle = cpuWindow('idle (USN polling only)', servers);
    await sleep(IDLE_INTERVALS * INTERVAL * 1000);
    const idleWindow = idle();
    const loadBefore = loadavg()[0] ?? Number.NaN;
    process.stderr.write(`${changes.changes.length} changes over ${SPREAD_INTERVALS * INTERVAL} s\n`);
    const busy = cpuWindow('changes (with the pollers)', servers);
    const measured = await runChanges(server, admin, changes.changes);
    const changesWindow = busy();
    process.stdout.write(`${report(measured, [idleWindow, changesWindow], ad, readySeconds, loadBefore)}\n`);
  } finally {
    if (server) await stopServer(server);
    if (admin) {
      await restore(admin, changes).catch((error: unknown) => {
        process.stderr.write(`putting back the DC's seed failed: ${String(error)}\n`);
        process.exitCode = 1;
      });
      await admin.unbind().catch(() => undefined);
    }
    await ad.stop();
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stderr.write(`kept ${folder}\n`);
  }
}
