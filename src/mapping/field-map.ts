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
  /** Native field -> presented attributes the explicit map (default map and config) fills from it. */
  readonly #explicitByField = new Map<string, string[]>();
  /** Native field -> every presented attribute it fills, worked out on first sight of the field. */
  readonly #resolved = new Map<string, readonly string[]>();
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
    const targets = this.#explicitByField.get(field) ?? [];
    targets.push(type.name);
    this.#explicitByField.set(field, targets);
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

  /** The presented attributes a source field fills under this map (none when the map leaves it out). */
  attributesOf(field: string): readonly string[] {
    return this.#targets(field);
  }

  /** The map's explicit entries (default map and config), as presented attribute -> source field. */
  explicitEntries(): { readonly attribute: string; readonly field: string }[] {
    return [...this.#byAttribute].map(([key, field]) => ({
      attribute: this.#schema.canonicalName(key),
      field,
    }));
  }

  #targets(field: string): readonly string[] {
    let targets = this.#resolved.get(field);
    if (!targets) {
      const explicit = this.#explicitByField.get(field) ?? [];
      const itself = this.#identity ? this.#identityTarget(field) : undefined;
      targets = itself === undefined || explicit.includes(itself) ? explicit : [...explicit, itself];
      this.#resolved.set(field, targets);
    }
    return targets;
  }

  /** Under the identity map, the attribute a field fills by its own name, unless that is remapped. */
  #identityTarget(field: string): string | undefined {
    const type = this.#schema.attribute(field);
    if (!type || type.operational || DERIVED.has(type.name.toLowerCase())) return undefined;
    // A remapped attribute (map: { telephoneNumber: officePhone }) no longer comes from its namesake.
    return this.#byAttribute.has(type.name.toLowerCase()) ? undefined : type.name;
  }
}
