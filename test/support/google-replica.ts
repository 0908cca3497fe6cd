/**
 * A google source's replica as the directory would run it, for tests against the Google fake: the
 * source's default map, a presenter under `dc=test`, and the replica engine over them.
 */
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { FieldMap, type FieldMapSpec } from '../../src/mapping/field-map.js';
import { ReplicaEngine } from '../../src/replica/replica-engine.js';
import { Schema } from '../../src/schema/schema.js';
import { GOOGLE_DEFAULT_MAP } from '../../src/sources/google/default-map.js';
import type { GoogleSource } from '../../src/sources/google/index.js';

const schema = Schema.load();

/** `map`: the config's map over the default one, as `map:` in a source's config. */
export function googleReplica(google: GoogleSource, map: FieldMapSpec = {}): ReplicaEngine {
  const fieldMap = new FieldMap(schema, GOOGLE_DEFAULT_MAP, map);
  const presenter = new Presenter(
    google.name,
    google.kind,
    fieldMap,
    new Namespace('dc=test', [google.name], schema),
  );
  return new ReplicaEngine({
    source: google,
    present: (record) => presenter.present(record),
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    defaultCountry: 'DE',
    fields: fieldMap.nativeFields() ?? [],
  });
}
