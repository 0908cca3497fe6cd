/**
 * The process the bench's workers part measures (scripts/bench/workers.ts), bundled with esbuild
 * and run by plain Node so that neither it nor its workers carry a TypeScript loader.
 *
 * The main thread loads a file source into the replica engine as a `file` mount does, then starts
 * worker threads one at a time. Each worker attaches to the engine's store from its shared buffers
 * (StoreReader: nothing copied but the two dictionaries), reports its memory, then attaches to the
 * engine's index in shared memory (ReplicaIndex.attach: nothing copied but the stale slots) and
 * reports its memory and attach time again, then runs a few searches through it and reports once
 * more. Every step's figures go
 * to stdout as one JSON line; each worker's counts of what the searches find must equal the main
 * thread's counts.
 */
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Namespace } from '../../src/directory/namespace.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { Presenter } from '../../src/directory/presenter.js';
import { PHONEBOOK_NAME_ATTRIBUTES } from '../../src/directory/replica-mount.js';
import type { Filter } from '../../src/filter/ast.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FieldMap } from '../../src/mapping/field-map.js';
import type { SlotReader } from '../../src/replica/attribute-index.js';
import { memoryReleased, releaseMemory } from '../../src/memory/release-memory.js';
import { ReplicaEngine } from '../../src/replica/replica-engine.js';
import { ReplicaIndex, type ReplicaIndexShare } from '../../src/replica/replica-index.js';
import { DONE, SlotSet } from '../../src/replica/slot-stream.js';
import { StoreReader, type StoreShare } from '../../src/replica/store-reader.js';
import type { Entry } from '../../src/schema/entry.js';
import { MatchingRules } from '../../src/schema/matching-rules.js';
import { Schema } from '../../src/schema/schema.js';
import { createFileSource } from '../../src/sources/file/create-file-source.js';
import { FILE_DEFAULT_MAP } from '../../src/sources/file/default-map.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const MOUNT = 'people';
const COUNTRY = 'DE';

/** What the bench is handed on stdout, one line per step. */
export interface StepFigures {
  readonly step: string;
  /** The process's RSS and the main thread's heap (bytes). */
  readonly rss: number;
  readonly mainHeapUsed: number;
  readonly mainHeapCommitted: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** The worker's own heap (bytes), when the step is a worker's. */
  readonly workerHeapUsed?: number;
  readonly workerHeapCommitted?: number;
  readonly ms?: number;
  /** Matches of the sample searches (the workers' must equal the main thread's). */
  readonly matches?: readonly number[];
}

/** Everything else the bench reports, once. */
export interface LoadFigures {
  readonly step: 'loaded';
  readonly entries: number;
  readonly loadMs: number;
  readonly store: { readonly arena: number; readonly slotTables: number; readonly uuids: number };
  readonly dictionaries: { readonly names: number; readonly values: number; readonly valueChars: number };
  readonly index: readonly IndexPart[];
}

export interface IndexPart {
  readonly attribute: string;
  readonly presentBytes: number;
  readonly keys: number;
  readonly keyChars: number;
  /** The keys' code units and starts (KeyTable). */
  readonly keyBytes: number;
  /** Offsets, postings, reach, trigrams, suffix order and codes. */
  readonly arrayBytes: number;
  readonly trigramCodes: number;
}

/** A search's hop to a worker and back (filter text in, 50 slot numbers out), on average. */
export interface HopFigures {
  readonly step: 'hop';
  readonly trips: number;
  readonly cpuMicros: number;
  readonly wallMicros: number;
}

const HOPS = 20_000;

interface WorkerInput {
  readonly share: StoreShare;
  readonly index: ReplicaIndexShare;
  readonly searches: readonly string[];
}

type WorkerReport =
  | { readonly kind: 'attached'; readonly heapUsed: number; readonly heapCommitted: number }
  | {
      readonly kind: 'indexed';
      readonly heapUsed: number;
      readonly heapCommitted: number;
      readonly ms: number;
    }
  | {
      readonly kind: 'searched';
      readonly heapUsed: number;
      readonly heapCommitted: number;
      readonly matches: readonly number[];
    };

function presenterOf(schema: Schema): { presenter: Presenter; map: FieldMap } {
  const map = new FieldMap(schema, FILE_DEFAULT_MAP);
  const namespace = new Namespace(SUFFIX, [MOUNT], schema);
  return { presenter: new Presenter(MOUNT, 'users', map, namespace), map };
}

/** Matches of each search among the candidates, as the directory would count them. */
function matchCounts(
  searches: readonly string[],
  schema: Schema,
  candidates: (filter: Filter) => Iterable<readonly Entry[]>,
): number[] {
  const evaluator = new FilterEvaluator(schema, { defaultCountry: COUNTRY });
  return searches.map((text) => {
    const filter = parseFilter(text);
    const matches = evaluator.predicate(filter);
    let count = 0;
    for (const batch of candidates(filter)) for (const entry of batch) if (matches(entry)) count++;
    return count;
  });
}

function heap(): { heapUsed: number; heapCommitted: number } {
  const stats = getHeapStatistics();
  return { heapUsed: stats.used_heap_size, heapCommitted: stats.total_heap_size };
}

// ---- a worker ------------------------------------------------------------------------------------

async function worker(input: WorkerInput, port: NonNullable<typeof parentPort>): Promise<void> {
  const schema = Schema.load();
  const { presenter } = presenterOf(schema);
  const reader = new StoreReader(input.share, (uuid) => presenter.dnOfUuid(uuid));
  await collected();
  port.postMessage({ kind: 'attached', ...heap() } satisfies WorkerReport);
  await new Promise((resolve) => port.once('message', resolve));

  const started = performance.now();
  const index = indexOf(reader, schema, input.index);
  const ms = performance.now() - started;
  await collected();
  port.postMessage({ kind: 'indexed', ms, ...heap() } satisfies WorkerReport);
  await new Promise((resolve) => port.once('message', resolve));

  const matches = matchCounts(input.searches, schema, (filter) => candidatesOf(reader, index, filter));
  await collected();
  port.postMessage({ kind: 'searched', matches, ...heap() } satisfies WorkerReport);
  // Then a search's hop, should the index live in one thread only: a filter in, 50 slots out.
  const slots = new Uint32Array(50);
  port.on('message', (filter: string) => {
    slots[0] = filter.length;
    port.postMessage(slots);
  });
  await new Promise(() => undefined);
}

/**
 * The engine's index, attached to in this thread: its lists and keys are the engine's shared
 * memory. The numbers' readings are not shared: the evaluator here reads a number as it tests it.
 */
function indexOf(reader: StoreReader, schema: Schema, share: ReplicaIndexShare): ReplicaIndex {
  const rules = new MatchingRules(schema, { defaultCountry: COUNTRY });
  const read: SlotReader = (slot) => reader.entry(slot)?.attributes;
  return ReplicaIndex.attach({ schema, rules, read, prepare: PHONEBOOK_NAME_ATTRIBUTES }, share);
}

/** As ReplicaEngine.candidates does, over a reader and the worker's own index. */
function* candidatesOf(
  reader: StoreReader,
  index: ReplicaIndex,
  filter: Filter,
): Generator<readonly Entry[]> {
  const stream = index.stream(filter);
  const seen = new SlotSet(reader.slotCount);
  const frees = reader.frees;
  const batch: Entry[] = [];
  for (let slot = stream.next(); slot !== DONE; slot = stream.next()) {
    if (!seen.add(slot) || reader.generationOf(slot) > frees) continue;
    const entry = reader.entry(slot);
    if (entry) batch.push(entry);
  }
  yield batch;
}

// ---- the main thread -----------------------------------------------------------------------------

function report(figures: StepFigures | LoadFigures | HopFigures): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function mainFigures(step: string): StepFigures {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { step, rss, mainHeapUsed: heapUsed, mainHeapCommitted: heapTotal, external, arrayBuffers };
}

/** After a full collection in this thread, and half a second for the allocator to settle. */
async function collected(): Promise<void> {
  releaseMemory();
  // The collection's timer does not keep a thread alive (a server's listener does): this one does.
  await Promise.all([memoryReleased(), new Promise((resolve) => setTimeout(resolve, 500))]);
}

async function main(
  csvPath: string,
  workers: number,
  searches: readonly string[],
  youngMb: number | undefined,
): Promise<void> {
  report(mainFigures('process started'));
  const schema = Schema.load();
  const { presenter, map } = presenterOf(schema);
  const source = createFileSource({ name: MOUNT, type: 'file', path: csvPath });
  const fields = map.nativeFields();
  const engine = new ReplicaEngine({
    source,
    present: (record) => presenter.present(record),
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    defaultCountry: COUNTRY,
    prepare: PHONEBOOK_NAME_ATTRIBUTES,
    ...(fields ? { fields } : {}),
  });
  const started = performance.now();
  await engine.sync(new AbortController().signal);
  const loadMs = performance.now() - started;
  await collected();
  const matches = matchCounts(searches, schema, (filter) => engine.candidates(filter));
  report({ ...mainFigures('loaded: the engine alone (N = 0)'), ms: loadMs, matches });
  report(loadFigures(engine, loadMs));

  const share = engine.store.share();
  const index = engine.indexShare()!;
  const running: Worker[] = [];
  try {
    for (let n = 1; n <= workers; n++) {
      const thread = new Worker(new URL(import.meta.url), {
        workerData: { share, index, searches } satisfies WorkerInput,
        ...(youngMb === undefined ? {} : { resourceLimits: { maxYoungGenerationSizeMb: youngMb } }),
      });
      running.push(thread);
      const next = (): Promise<WorkerReport> =>
        new Promise((resolve, reject) => {
          thread.once('message', resolve);
          thread.once('error', reject);
        });
      const attached = await next();
      await new Promise((resolve) => setTimeout(resolve, 500));
      report({
        ...mainFigures(`worker ${n} attached to the store`),
        workerHeapUsed: attached.heapUsed,
        workerHeapCommitted: attached.heapCommitted,
      });
      thread.postMessage('index');
      const indexed = await next();
      await new Promise((resolve) => setTimeout(resolve, 500));
      report({
        ...mainFigures(`worker ${n} attached to the shared index`),
        workerHeapUsed: indexed.heapUsed,
        workerHeapCommitted: indexed.heapCommitted,
        ...(indexed.kind === 'indexed' ? { ms: indexed.ms } : {}),
      });
      thread.postMessage('search');
      const searched = await next();
      await new Promise((resolve) => setTimeout(resolve, 500));
      report({
        ...mainFigures(`worker ${n} ran the sample searches (N = ${n})`),
        workerHeapUsed: searched.heapUsed,
        workerHeapCommitted: searched.heapCommitted,
        ...(searched.kind === 'searched' ? { matches: searched.matches } : {}),
      });
    }
    if (running[0]) report(await roundTrips(running[0], searches));
  } finally {
    await Promise.all(running.map((thread) => thread.terminate()));
  }
}

/** What one message round trip to a worker costs: the process's CPU (every thread) and wall time. */
async function roundTrips(thread: Worker, searches: readonly string[]): Promise<HopFigures> {
  const trips = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const answered = new Promise((resolve) => thread.once('message', resolve));
      thread.postMessage(searches[i % searches.length]);
      await answered;
    }
  };
  await trips(HOPS / 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await trips(HOPS);
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    step: 'hop',
    trips: HOPS,
    cpuMicros: (used.user + used.system) / HOPS,
    wallMicros: (wall * 1000) / HOPS,
  };
}

function loadFigures(engine: ReplicaEngine, loadMs: number): LoadFigures {
  const share = engine.store.share();
  const index: IndexPart[] = [];
  for (const part of engine.indexLayout()) {
    index.push({
      attribute: part.key,
      presentBytes: part.presentBytes,
      keys: part.terms?.keys ?? 0,
      keyChars: part.terms?.keyChars ?? 0,
      keyBytes: part.terms?.keyBytes ?? 0,
      arrayBytes: part.terms?.arrayBytes ?? 0,
      trigramCodes: part.terms?.trigramCodes ?? 0,
    });
  }
  return {
    step: 'loaded',
    entries: engine.size,
    loadMs,
    store: {
      arena: engine.store.usage.bytes,
      // offsets, lengths and generations (4 bytes a slot each), the record ids' tables
      slotTables: share.slotCount * 4 * 3,
      uuids: share.slotCount * 36,
    },
    dictionaries: {
      names: share.names.length,
      values: share.values.length,
      valueChars: share.values.reduce((sum, value) => sum + value.length, 0),
    },
    index,
  };
}

if (isMainThread) {
  const [csvPath, workers, searches, youngMb] = process.argv.slice(2);
  await main(
    csvPath!,
    Number(workers),
    JSON.parse(searches!) as string[],
    youngMb === undefined ? undefined : Number(youngMb),
  );
} else {
  await worker(workerData as WorkerInput, parentPort!);
}
