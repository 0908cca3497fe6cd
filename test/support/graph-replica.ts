/**
 * A graph source's replica as the directory would run it, for tests against the Graph fake: the
 * source's default map, a presenter under `dc=test`, and the replica engine over them.
 */
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { FieldMap } from '../../src/mapping/field-map.js';
import { ReplicaEngine, type ReplicaEngineOptions } from '../../src/replica/replica-engine.js';
import { Schema } from '../../src/schema/schema.js';
import { GRAPH_DEFAULT_MAP } from '../../src/sources/graph/default-map.js';
import type { GraphSource } from '../../src/sources/graph/index.js';

const schema = Schema.load();

export function graphReplica(
  graph: GraphSource,
  options: Partial<ReplicaEngineOptions> & { readonly defaultCountry: string },
): ReplicaEngine {
  const map = new FieldMap(schema, GRAPH_DEFAULT_MAP);
  const presenter = new Presenter(
    graph.name,
    graph.kind,
    map,
    new Namespace('dc=test', [graph.name], schema),
  );
  return new ReplicaEngine({
    source: graph,
    present: (record) => presenter.present(record),
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    fields: map.nativeFields() ?? [],
    ...options,
  });
}
