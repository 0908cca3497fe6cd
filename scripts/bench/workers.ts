/**
 * The bench's workers part (BENCH_PART=workers): what more listener threads cost in memory when
 * each reads the one replica store and the one index the engine keeps, both in shared memory
 * (issue 16: with 2 workers, RSS may rise by less than 30%).
 *
 * Generates 100,000 people (scripts/bench/phonebook.ts), bundles scripts/bench/workers-process.ts
 * with esbuild and runs it with the `dirbridge` command's Node flags: the engine loads the file as a
 * `file` mount does, then worker threads start one at a time, each attaching to the store's shared
 * memory (StoreReader) and then to the index's (ReplicaIndex.attach). Prints RSS and heaps per
 * step, each worker's attach time and what it adds, the sample searches' matches (a worker's must
 * equal the main thread's), and the index's parts by attribute, all of them in shared memory.
 *
 *   BENCH_PART=workers npm run bench
 *   BENCH_ENTRIES=20000 BENCH_WORKERS=3 BENCH_PART=workers npm run bench
 *   BENCH_WORKER_YOUNG_MB=2 BENCH_PART=workers npm run bench   (a worker's young generation, MB)
 *
 * Asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { cliEnvironment, cliNodeFlags, REPO } from './dirbridge-server.js';
import { ms } from './markdown.js';
import { generatePhonebook } from './phonebook.js';
import type { HopFigures, IndexPart, LoadFigures, StepFigures } from './workers-process.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
/** A worker's young generation in MB (its resourceLimits); unset: what the flags give every thread. */
const YOUNG_MB = process.env.BENCH_WORKER_YOUNG_MB;
/** The budget the issue sets: RSS with 2 workers at most this share above RSS without. */
const BUDGET = 0.3;

export async function workersBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-bench-workers-'));
  try {
    process.stderr.write(`generating ${ENTRIES} people in ${folder}\n`);
    const { csv, terms } = generatePhonebook(ENTRIES);
    const csvPath = join(folder, 'people.csv');
    writeFileSync(csvPath, csv);
    const searches = [
      ...terms.namePrefixes.slice(0, 3).map((p) => `(|(cn=${p}*)(sn=${p}*))`),
      ...terms.numberSuffixes.slice(0, 3).map((d) => `(|(telephoneNumber=*${d})(mobile=*${d}))`),
      `(|(cn=*${terms.namePrefixes[3]!}*)(telephoneNumber=*${terms.numberSuffixes[3]!}*))`,
    ];
    const program = join(folder, 'workers-process.mjs');
    await compileProgram(program);
    process.stderr.write(`loading into the engine, then ${WORKERS} worker(s)\n`);
    const output = execFileSync(
      process.execPath,
      [
        ...cliNodeFlags(),
        program,
        csvPath,
        String(WORKERS),
        JSON.stringify(searches),
        ...(YOUNG_MB === undefined ? [] : [YOUNG_MB]),
      ],
      {
        cwd: REPO,
        env: { ...process.env, ...cliEnvironment() },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 24,
      },
    );
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as StepFigures | LoadFigures | HopFigures);
    const steps = lines.filter((line): line is StepFigures => line.step !== 'loaded' && line.step !== 'hop');
    const load = lines.find((line): line is LoadFigures => line.step === 'loaded')!;
    const hop = lines.find((line): line is HopFigures => line.step === 'hop');
    process.stdout.write(`${report(steps, load, hop, searches)}\n`);
  } finally {
    if (process.env.BENCH_KEEP === undefined) rmSync(folder, { recursive: true, force: true });
    else process.stderr.write(`kept ${folder}\n`);
  }
}

/**
 * The measured program as plain JavaScript: its own code compiled, its imports of src/ turned into
 * imports of the built modules in dist/ (what `dirbridge serve` runs; `npm run bench` builds first).
 */
async function compileProgram(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(REPO, 'scripts/bench/workers-process.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    plugins: [
      {
        name: 'dist',
        setup(plugin) {
          plugin.onResolve({ filter: /\/src\// }, ({ path, resolveDir }) => ({
            path: pathToFileURL(join(REPO, 'dist', relative(join(REPO, 'src'), join(resolveDir, path)))).href,
            external: true,
          }));
        },
      },
    ],
  });
}

const mib = (bytes: number | undefined): string =>
  bytes === undefined ? '–' : (bytes / 1024 / 1024).toFixed(1);

function report(
  steps: readonly StepFigures[],
  load: LoadFigures,
  hop: HopFigures | undefined,
  searches: readonly string[],
): string {
  const base = steps.find((step) => step.step.startsWith('loaded'))!;
  const rows = steps.map((step, i) => {
    const before = steps[i - 1];
    const added = before === undefined ? '–' : mib(step.rss - before.rss);
    const share =
      step === base || steps.indexOf(step) < steps.indexOf(base) ? '–' : pct(step.rss / base.rss - 1);
    return `| ${step.step} | ${mib(step.rss)} | ${added} | ${share} | ${mib(step.mainHeapUsed)} / ${mib(step.mainHeapCommitted)} | ${mib(step.external)} | ${mib(step.workerHeapUsed)} / ${mib(step.workerHeapCommitted)} | ${step.ms === undefined ? '–' : ms(step.ms)} | ${step.matches?.join(' ') ?? '–'} |`;
  });
  const withAll = steps.at(-1)!;
  const budget = base.rss * BUDGET;
  return [
    `### workers benchmark: ${load.entries.toLocaleString('en-US')} people, one store and one index in shared memory`,
    '',
    `Node ${process.version}, the \`dirbridge\` command's flags (${cliNodeFlags().join(' ')})${YOUNG_MB === undefined ? '' : `, workers' young generation ${YOUNG_MB} MB`}; a file source loaded into the replica engine in ${(load.loadMs / 1000).toFixed(1)} s. Memory in MiB, after a full collection in every thread and 0.5 s to settle. Sample searches (their matches, in order): ${searches.map((s) => `\`${s}\``).join(', ')}.`,
    '',
    '| step | RSS | RSS added | RSS above N = 0 | main heap used / committed | external | worker heap used / committed | time (ms) | matches |',
    '|---|--:|--:|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
    `- budget (issue 16: RSS with 2 workers < 1.3 × without): ${mib(budget)} MiB above ${mib(base.rss)} MiB; measured ${mib(withAll.rss - base.rss)} MiB (${pct(withAll.rss / base.rss - 1)}) with ${steps.length - 2 > 0 ? Math.floor((steps.length - 2) / 3) : 0} worker(s).`,
    `- every worker's matches equal the main thread's: ${sameMatches(base, steps) ? 'yes' : '**no**'}.`,
    ...(hop
      ? [
          `- a search's hop to a worker and back, were the index in one thread only (filter text in, 50 slot numbers out; ${hop.trips.toLocaleString('en-US')} in a row): ${hop.cpuMicros.toFixed(1)} µs of CPU (all threads), ${hop.wallMicros.toFixed(1)} µs wall.`,
        ]
      : []),
    `- the shared store: records ${mib(load.store.arena)} MiB, slot tables ${mib(load.store.slotTables)} MiB, UUIDs ${mib(load.store.uuids)} MiB; copied per worker: ${load.dictionaries.names} attribute names and ${load.dictionaries.values} shared values (${load.dictionaries.valueChars.toLocaleString('en-US')} characters).`,
    '',
    indexTable(load.index),
  ].join('\n');
}

/** Whether every step that searched found what the engine alone (`base`) found. */
function sameMatches(base: StepFigures, steps: readonly StepFigures[]): boolean {
  const expected = JSON.stringify(base.matches);
  return steps.every((step) => step.matches === undefined || JSON.stringify(step.matches) === expected);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/**
 * The main thread's index by attribute, all of it typed arrays in shared memory: the keys (code
 * units and starts, KeyTable) and the rest (offsets, postings, reach, trigram codes and lists,
 * suffix order and codes). What the keys would cost as JS strings in every thread's heap (2 bytes
 * a character plus a ~16-byte header and an 8-byte array slot each) is shown for comparison.
 */
function indexTable(parts: readonly IndexPart[]): string {
  const asStrings = (part: IndexPart): number => part.keys * 24 + part.keyChars * 2;
  const rows = [...parts]
    .sort((a, b) => b.arrayBytes + b.keyBytes - (a.arrayBytes + a.keyBytes))
    .map(
      (part) =>
        `| ${part.attribute} | ${mib(part.presentBytes)} | ${part.keys.toLocaleString('en-US')} | ${mib(part.keyBytes)} | ${mib(part.arrayBytes)} | ${part.trigramCodes.toLocaleString('en-US')} | ${mib(asStrings(part))} |`,
    );
  const total = (pick: (part: IndexPart) => number): number =>
    parts.reduce((sum, part) => sum + pick(part), 0);
  const all = total((p) => p.presentBytes + p.keyBytes + p.arrayBytes);
  return [
    "The main thread's index (built keys only: text attributes no search has asked about have none yet), every part in shared memory:",
    '',
    '| attribute | present list | keys | keys (code units + starts) | other arrays | trigram codes | keys as JS strings would be (about) |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
    `| **all** | ${mib(total((p) => p.presentBytes))} | ${total((p) => p.keys).toLocaleString('en-US')} | ${mib(total((p) => p.keyBytes))} | ${mib(total((p) => p.arrayBytes))} | ${total((p) => p.trigramCodes).toLocaleString('en-US')} | ${mib(total(asStrings))} |`,
    '',
    `- the index in all: ${mib(all)} MiB, held once however many threads read it.`,
  ].join('\n');
}
