/**
 * Turns a source's record into a presented entry (DESIGN.md "Namespace"): the mapped attributes plus
 * what every entry presents whatever its source — entryUUID, objectCategory and objectClass by kind.
 */
import type { SourceKind, SourceRecord } from '../sources/source.js';
import type { FieldMap } from '../mapping/field-map.js';
import { makeEntry, type Entry, type EntryAttribute } from '../schema/entry.js';
import { entryUuid } from './entry-uuid.js';
import type { Namespace } from './namespace.js';

const OBJECT_CLASSES = {
  user: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'user'],
  contact: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'contact'],
} as const;

export class Presenter {
  constructor(
    private readonly mount: string,
    private readonly sourceKind: SourceKind,
    private readonly map: FieldMap,
    private readonly namespace: Namespace,
  ) {}

  /** The DN a record is presented at. */
  dnOf(record: SourceRecord): string {
    return this.dnOfUuid(entryUuid(this.mount, record.id, record.uuid));
  }

  /** The DN of the mount's entry with this UUID. */
  dnOfUuid(uuid: string): string {
    return this.namespace.entryDn(this.mount, uuid);
  }

  present(record: SourceRecord): Entry {
    const uuid = entryUuid(this.mount, record.id, record.uuid);
    const kind = record.kind ?? (this.sourceKind === 'contacts' ? 'contact' : 'user');
    const attributes: EntryAttribute[] = [
      { name: 'objectClass', values: OBJECT_CLASSES[kind] },
      { name: 'objectCategory', values: ['person'] },
      ...this.map.present(record),
      { name: 'entryUUID', values: [uuid] },
    ];
    return makeEntry(this.namespace.entryDn(this.mount, uuid), attributes);
  }
}
