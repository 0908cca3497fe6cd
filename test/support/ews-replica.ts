/**
 * An ews source's replica as the directory would run it, for tests against the EWS fake: the
 * source's default map, a presenter under `dc=test`, and the replica engine over them.
 */
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { FieldMap } from '../../src/mapping/field-map.js';
import { ReplicaEngine, type ReplicaEngineOptions } from '../../src/replica/replica-engine.js';
import { Schema } from '../../src/schema/schema.js';
import { EWS_DEFAULT_MAP } from '../../src/sources/ews/default-map.js';
import type { EwsSource } from '../../src/sources/ews/index.js';

const schema = Schema.load();

export function ewsReplica(ews: EwsSource, options: Partial<ReplicaEngineOptions> = {}): ReplicaEngine {
  const map = new FieldMap(schema, EWS_DEFAULT_MAP);
  const presenter = new Presenter(ews.name, ews.kind, map, new Namespace('dc=test', [ews.name], schema));
  return new ReplicaEngine({
    source: ews,
    present: (record) => presenter.present(record),
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    defaultCountry: 'DE',
    maxDeletes: '100%',
    fields: map.nativeFields() ?? [],
    ...options,
  });
}
