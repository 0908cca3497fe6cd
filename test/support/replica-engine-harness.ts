/**
 * A replica engine over a scripted feed source, presenting records through the identity map, and a
 * way to ask it what matches a filter as the directory would.
 */
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FieldMap, IDENTITY_MAP } from '../../src/mapping/field-map.js';
import { ReplicaEngine, type ReplicaEngineOptions } from '../../src/replica/replica-engine.js';
import type { Entry } from '../../src/schema/entry.js';
import { Schema } from '../../src/schema/schema.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { person, type ScriptedFeedSource } from './scripted-feed-source.js';

const schema = Schema.load();
const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });

export function engineFor(
  source: ScriptedFeedSource,
  options: Partial<ReplicaEngineOptions> = {},
): { engine: ReplicaEngine; presented: () => number } {
  const namespace = new Namespace('dc=test', [source.name], schema);
  const presenter = new Presenter(source.name, 'users', new FieldMap(schema, IDENTITY_MAP), namespace);
  let presented = 0;
  const engine = new ReplicaEngine({
    source,
    present: (record: SourceRecord) => {
      presented++;
      return presenter.present(record);
    },
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    defaultCountry: 'DE',
    prepare: ['cn', 'sn', 'givenName'],
    ...options,
  });
  return { engine, presented: () => presented };
}

/** The names of the entries matching a filter, as the directory would find them. */
export function namesFor(engine: ReplicaEngine, filterText: string): string[] {
  const filter = parseFilter(filterText);
  const names: string[] = [];
  for (const batch of engine.candidates(filter))
    for (const entry of batch) if (evaluator.matches(filter, entry)) names.push(cnOf(entry));
  return names.sort();
}

function cnOf(entry: Entry): string {
  return entry.attributes.get('cn')!.values[0]!;
}

export function people(count: number): SourceRecord[] {
  return Array.from({ length: count }, (_, i) => person(i + 1));
}
