/**
 * One way to build a Directory or a mount in unit tests: sources given as lists of records, mounted
 * through the identity map (record fields are presented attribute names) or the map a spec gives, in
 * the mode each asks for, and loaded. A live source that takes pushdown runs the native filter it gets
 * as a backend would, seeing every field (passwords included, as a Domino service account does), so
 * tests see the whole path. A test that needs a source to behave otherwise (hold a search open, fail,
 * record its queries, announce changes) mounts a source of its own (a TestSource, test-source.ts);
 * one that watches a mount load builds the directory without starting it.
 */
import { Directory } from '../../src/directory/directory.js';
import { makeEntry, type Entry } from '../../src/schema/entry.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { MountedSource, type ReplicaLogger } from '../../src/directory/mounted-source.js';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { Schema } from '../../src/schema/schema.js';
import { FieldMap, type FieldMapSpec } from '../../src/mapping/field-map.js';
import type { Source, SourceQuery, SourceRecord } from '../../src/sources/source.js';
import { TestSource, type TestSourceOptions } from './test-source.js';

export const TEST_SUFFIX = 'dc=dirbridge,dc=local';

/** A source to mount: its kind and pushdown as TestSourceOptions say, and its mode the mount's too. */
export interface TestSourceSpec extends TestSourceOptions {
  readonly name: string;
  /** What the source holds (none when absent). */
  readonly records?: readonly SourceRecord[];
  /** A source of the test's own, mounted instead of one answering from `records`. */
  readonly source?: Source;
  /** The field map (the identity map when absent). */
  readonly map?: FieldMapSpec | 'identity';
  /** Where a replica reports its loads and reloads (nowhere when absent). */
  readonly logger?: ReplicaLogger;
}

/** A directory and its mounts, in the order of the specs. */
export interface TestDirectory {
  readonly directory: Directory;
  readonly mounts: readonly MountedSource[];
}

const schema = Schema.load();
const backendEvaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });

/** A source answering from a list of records, as a backend holding exactly them would. */
export class RecordsSource extends TestSource {
  constructor(private readonly spec: TestSourceSpec) {
    super(spec.name, spec);
  }

  async *search(query: SourceQuery): AsyncIterable<SourceRecord> {
    await Promise.resolve();
    for (const record of this.spec.records ?? []) {
      if (!query.filter || backendEvaluator.matches(query.filter, asBackendEntry(record))) yield record;
    }
  }

  override get(id: string): Promise<SourceRecord | undefined> {
    return Promise.resolve(this.spec.records?.find((record) => record.id === id));
  }
}

/** A loaded directory with a mount per source, in the order given. */
export async function testDirectory(sources: readonly TestSourceSpec[]): Promise<Directory> {
  const { directory } = buildTestDirectory(sources);
  await directory.start(new AbortController().signal);
  return directory;
}

/** A directory with a mount per source, in the order given, not yet started (no replica loaded). */
export function buildTestDirectory(sources: readonly TestSourceSpec[]): TestDirectory {
  const namespace = new Namespace(
    TEST_SUFFIX,
    sources.map((s) => s.name),
    schema,
  );
  const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });
  const mounts = sources.map((spec) => {
    const source = spec.source ?? new RecordsSource(spec);
    const map = new FieldMap(schema, spec.map ?? 'identity');
    return new MountedSource({
      source,
      mode: spec.mode ?? 'replica',
      map,
      presenter: new Presenter(source.name, source.kind, map, namespace),
      schema,
      defaultCountry: 'DE',
      description: source.name,
      type: 'test',
      logger: spec.logger,
    });
  });
  const directory = new Directory({
    namespace,
    schema,
    evaluator,
    mounts,
    features: {
      supportedControls: [],
      supportedExtensions: [],
      supportedFeatures: [],
      vendorName: 'dirbridge',
      vendorVersion: 'dirbridge test',
    },
  });
  return { directory, mounts };
}

/** The mount of one source, alone in its directory, not yet started. */
export function testMount(spec: TestSourceSpec): MountedSource {
  return buildTestDirectory([spec]).mounts[0]!;
}

/** A record's fields as the entry a backend holds: what a pushed-down filter is run against there. */
function asBackendEntry(record: SourceRecord): Entry {
  return makeEntry(
    `id=${record.id}`,
    Object.entries(record.fields).map(([name, values]) => ({
      name: schema.canonicalName(name),
      values,
    })),
  );
}
