/**
 * `npm run bench`: dirbridge under phone-style load, in parts, each printing a Markdown table and
 * asserting nothing:
 *
 * - `file` (scripts/bench/file-source.ts): a 100,000-entry phonebook from a file source;
 * - `ad` (scripts/bench/ad-comparison.ts): through dirbridge to a Samba AD DC vs the DC directly
 *   (needs root; the DC listens on DIRBRIDGE_TEST_AD_ADDRESS, 127.0.0.2 unless set);
 * - `replica` (scripts/bench/replica.ts): 100,000 AD-shaped people in a replica: memory, load time,
 *   first answer after a restart from the snapshot, lookups and changes applied per second;
 * - `binds` (scripts/bench/bind-timing.ts): refused binds of names that exist vs names nobody has,
 *   for local accounts and for a Domino source (the Domino stand-in needs slapd, installed as root);
 * - `changes` (scripts/bench/change-latency.ts): the time from a change in a Samba AD DC (numbers
 *   changed, a user added, a user disabled) to its first answer through an `ad` replica at the
 *   default change interval (30 s; a few minutes' run), and the CPU its polling costs (needs root,
 *   as `ad`);
 * - `graph` (scripts/bench/graph.ts): a `graph` source (Microsoft 365) over the Graph fake, served
 *   by the bench process with 50,000 users: the full delta load (users/s, time to the first answer),
 *   RSS per entry against a 10-user baseline, the snapshot, 5,000 changed numbers applied by one
 *   delta round (changes/s, fetch included), and number and name lookups from 1 and 8 connections.
 *   The fake's CPU competes with dirbridge's.
 * - `google` (scripts/bench/google.ts): a `google` source (Google Workspace, People API) over the
 *   Google fake, served by the bench process with 50,000 directory people: the full listing
 *   (people/s, time to the first answer), RSS per entry against a 10-person baseline, the snapshot,
 *   and 500 changed numbers applied by one sync-token round (changes/s, fetch included). The
 *   fake's CPU competes with dirbridge's.
 * - `workers` (scripts/bench/workers.ts): the memory each worker thread would add reading the one
 *   replica store (100,000 people, shared memory) with an index of its own, and the index's parts
 *   that shared memory could hold (BENCH_WORKERS: how many, 2 by default).
 *
 * Server and load generator share the machine's cores: compare ratios within one run, not figures
 * across machines.
 *
 *   npm run bench                                  every part
 *   BENCH_PART=file|replica|ad|binds|changes|graph|google|workers npm run bench  one of them
 *   BENCH_ENTRIES=20000 BENCH_SECONDS=2 npm run bench   (BENCH_ENTRIES: the file part only)
 *   BENCH_CHANGES=8 BENCH_CHANGE_INTERVAL=2 npm run bench   (the changes part: how many numbers
 *                                                  change, and a change interval for a quick run)
 *   BENCH_GRAPH_USERS=5000 BENCH_GRAPH_CHANGES=500 BENCH_GRAPH_PAGE=999 npm run bench   (the graph
 *                                                  part: users seeded, numbers changed, users per
 *                                                  delta page, 100 by default)
 *   BENCH_GOOGLE_PEOPLE=5000 BENCH_GOOGLE_CHANGES=500 npm run bench   (the google part: directory
 *                                                  people seeded, numbers changed)
 *   BENCH_KEEP=1 npm run bench                     keep the temporary folders (configs, logs)
 */
import { adComparisonBench } from './ad-comparison.js';
import { bindTimingBench } from './bind-timing.js';
import { changeLatencyBench } from './change-latency.js';
import { fileSourceBench } from './file-source.js';
import { googleBench } from './google.js';
import { graphBench } from './graph.js';
import { replicaBench } from './replica.js';
import { workersBench } from './workers.js';

const PARTS: Readonly<Record<string, () => Promise<void>>> = {
  file: fileSourceBench,
  replica: replicaBench,
  ad: adComparisonBench,
  binds: bindTimingBench,
  changes: changeLatencyBench,
  graph: graphBench,
  google: googleBench,
  workers: workersBench,
};

async function main(): Promise<void> {
  const chosen = process.env.BENCH_PART;
  if (chosen !== undefined && !(chosen in PARTS)) {
    process.stderr.write(`BENCH_PART must be one of ${Object.keys(PARTS).join(', ')} (or unset for all)\n`);
    process.exitCode = 2;
    return;
  }
  const parts = chosen === undefined ? Object.values(PARTS) : [PARTS[chosen]!];
  for (const [index, part] of parts.entries()) {
    if (index > 0) process.stdout.write('\n');
    await part();
  }
}

await main();
