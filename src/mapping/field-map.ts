/**
 * The field map: which source field fills each presented attribute. A source's default map
 * (identity for the file source) is overlaid with the `map` from config. Compiled once per source so
 * presenting a record is a loop over its fields, not a search through the map.
 */
import type { Schema } from '../directory/schema.js';
import type { EntryAttribute } from '../directory/entry.js';
import type { SourceRecord } from '../sources/source.js';

/** Presented attribute -> source field. */
export type FieldMapSpec = Readonly<Record<string, string>>;

/** Identity: every field named like a presented attribute fills that attribute. */
export const IDENTITY_MAP = 'identity';

/** Attributes the directory itself derives: no map may fill them. */
const DERIVED = new Set(['objectclass', 'objectcategory', 'entryuuid', 'entrydn', 'structuralobjectclass']);

export class FieldMapError extends Error {
  override name = 'FieldMapError';
}

export class FieldMap {
  /** Native field -> presented attributes it fills (a field may fill several). */
  readonly #byField = new Map<string, string[]>();
  /** Lower-cased presented attribute -> native field, for translating filters. */
  readonly #byAttribute = new Map<string, string>();
  readonly #identity: boolean;
  readonly #schema: Schema;

  constructor(schema: Schema, defaultMap: FieldMapSpec | typeof IDENTITY_MAP, overrides: FieldMapSpec = {}) {
    this.#schema = schema;
    this.#identity = defaultMap === IDENTITY_MAP;
    const explicit = { ...(defaultMap === IDENTITY_MAP ? {} : defaultMap), ...overrides };
    for (const [attribute, field] of Object.entries(explicit)) this.#add(attribute, field);
  }

  #add(attribute: string, field: string): void {
    const type = this.#schema.attribute(attribute);
    if (!type) throw new FieldMapError(`map.${attribute}: not an attribute of the presented schema`);
    if (DERIVED.has(type.name.toLowerCase()) || type.operational) {
      throw new FieldMapError(`map.${attribute}: derived by the directory, cannot be mapped`);
    }
    this.#byAttribute.set(type.name.toLowerCase(), field);
    const targets = this.#byField.get(field) ?? [];
    targets.push(type.name);
    this.#byField.set(field, targets);
  }

  /** The presented attributes of a record (canonical names; derived attributes not included). */
  present(record: SourceRecord): EntryAttribute[] {
    const out: EntryAttribute[] = [];
    for (const [field, values] of Object.entries(record.fields)) {
      if (values.length === 0) continue;
      for (const name of this.#targets(field)) out.push({ name, values });
    }
    return out;
  }

  /** The source field behind a presented attribute, or undefined when nothing fills it. */
  fieldFor(attribute: string): string | undefined {
    const type = this.#schema.attribute(attribute);
    if (!type) return undefined;
    const key = type.name.toLowerCase();
    const mapped = this.#byAttribute.get(key);
    if (mapped !== undefined) return mapped;
    if (!this.#identity || DERIVED.has(key) || type.operational) return undefined;
    return type.name;
  }

  #targets(field: string): readonly string[] {
    const mapped = this.#byField.get(field);
    if (mapped) return mapped;
    if (!this.#identity) return [];
    const type = this.#schema.attribute(field);
    if (!type || type.operational || DERIVED.has(type.name.toLowerCase())) return [];
    // A field remapped elsewhere (map: { telephoneNumber: officePhone }) no longer fills itself.
    if (this.#byAttribute.has(type.name.toLowerCase())) return [];
    const targets = [type.name];
    this.#byField.set(field, targets);
    return targets;
  }
}
