/**
 * The field map: which source field fills each presented attribute. A source's default map
 * (identity for the file source) is overlaid with the `map` from config. An attribute may name one
 * field or a fallback list (`userPrincipalName: [userPrincipalName, mail, InternetAddress]`): the
 * first field of the list that a record holds fills it. Field names are compared without regard to
 * case. Compiled once per source, and each field's targets worked out on first sight of the field,
 * so presenting a record is a loop over its fields, not a search through the map.
 */
import type { Schema } from '../schema/schema.js';
import type { EntryAttribute } from '../schema/entry.js';
import type { SourceRecord } from '../sources/source.js';

/** Presented attribute -> source field, or a non-empty list of fields to take the first held of. */
export type FieldMapSpec = Readonly<Record<string, string | readonly string[]>>;

/** Identity: every field named like a presented attribute fills that attribute. */
export const IDENTITY_MAP = 'identity';

/** An attribute a field fills: always (`after` empty), or when the record holds none of `after`. */
export interface FieldTarget {
  /** Canonical name of the presented attribute. */
  readonly attribute: string;
  /** The fields ahead of this one in the attribute's fallback list, as the map spells them. */
  readonly after: readonly string[];
}

/** Attributes the directory itself derives: no map may fill them. */
const DERIVED = new Set(['objectclass', 'objectcategory', 'entryuuid', 'entrydn', 'structuralobjectclass']);

const NONE: readonly never[] = Object.freeze([]);

export class FieldMapError extends Error {
  override name = 'FieldMapError';
}

/** What one field fills, compiled once per spelling of its name. */
interface Targets {
  /** The field's name lower-cased: the key a record's fields are compared by. */
  readonly key: string;
  /** Attributes it fills whenever it has values (single fields, heads of lists, identity). */
  readonly always: readonly string[];
  /** Attributes it fills only when the record holds no field ahead of it in their list. */
  readonly fallbacks: readonly Fallback[];
}

interface Fallback {
  readonly attribute: string;
  /** Lower-cased fields ahead of this one in the list. */
  readonly aheadKeys: readonly string[];
  /** The same, as the map spells them. */
  readonly ahead: readonly string[];
}

interface ExplicitTargets {
  readonly always: string[];
  readonly fallbacks: Fallback[];
}

export class FieldMap {
  /** Lower-cased native field -> what the explicit map (default map and config) fills from it. */
  readonly #explicitByField = new Map<string, ExplicitTargets>();
  /** Native field as a record spells it -> every attribute it fills, worked out on first sight. */
  readonly #resolved = new Map<string, Targets>();
  /** Lower-cased presented attribute -> native fields, first choice first, for translating filters. */
  readonly #byAttribute = new Map<string, readonly string[]>();
  readonly #identity: boolean;
  readonly #schema: Schema;
  /** Every field the explicit map reads, each once; undefined under the identity map (any field may fill). */
  readonly #nativeFields: readonly string[] | undefined;
  #identifierFields: readonly string[] | undefined;

  constructor(schema: Schema, defaultMap: FieldMapSpec | typeof IDENTITY_MAP, overrides: FieldMapSpec = {}) {
    this.#schema = schema;
    this.#identity = defaultMap === IDENTITY_MAP;
    // Per attribute, whatever the case it is written in: config replaces the default map's entry.
    const explicit = new Map<string, { attribute: string; fields: readonly string[] }>();
    for (const spec of defaultMap === IDENTITY_MAP ? [overrides] : [defaultMap, overrides]) {
      for (const [attribute, fields] of Object.entries(spec)) {
        const canonical = this.#attribute(attribute);
        explicit.set(canonical.toLowerCase(), {
          attribute: canonical,
          fields: checkedFields(attribute, fields),
        });
      }
    }
    for (const [key, { attribute, fields }] of explicit) this.#add(key, attribute, fields);
    this.#nativeFields = this.#identity ? undefined : distinctFields([...explicit.values()]);
  }

  /**
   * The source fields the map reads: what a source need fetch for its records to be presented.
   * Undefined under the identity map, where any field named like a presented attribute fills it.
   */
  nativeFields(): readonly string[] | undefined {
    return this.#nativeFields;
  }

  /**
   * The source fields that fill presented identifiers (AttributeType.identifier: `mail`, logins)
   * and nothing else, so a condition on one, translated from a condition on an identifier, may go
   * to the backend as written: the backend compares it as dirbridge does, without folding accents.
   * A field that also fills a name (`cn` from `uid`) is not one: a name condition on it is widened.
   */
  identifierFields(): readonly string[] {
    this.#identifierFields ??= this.#identifierCandidates().filter((field) => {
      const targets = this.attributesOf(field);
      return (
        targets.length > 0 && targets.every((target) => this.#schema.attribute(target.attribute)?.identifier)
      );
    });
    return this.#identifierFields;
  }

  /** Fields that may fill an identifier: those the map names, and under identity the identifiers' own names. */
  #identifierCandidates(): string[] {
    const byKey = new Map<string, string>();
    for (const fields of this.#byAttribute.values()) {
      for (const field of fields) if (!byKey.has(field.toLowerCase())) byKey.set(field.toLowerCase(), field);
    }
    if (this.#identity) {
      for (const definition of this.#schema.attributeTypes()) {
        const type = this.#schema.attribute(definition.oid);
        if (type?.identifier && !byKey.has(type.name.toLowerCase()))
          byKey.set(type.name.toLowerCase(), type.name);
      }
    }
    return [...byKey.values()];
  }

  /** The canonical name of an attribute a map may fill. */
  #attribute(attribute: string): string {
    const type = this.#schema.attribute(attribute);
    if (!type) throw new FieldMapError(`map.${attribute}: not an attribute of the presented schema`);
    if (DERIVED.has(type.name.toLowerCase()) || type.operational) {
      throw new FieldMapError(`map.${attribute}: derived by the directory, cannot be mapped`);
    }
    return type.name;
  }

  #add(key: string, attribute: string, fields: readonly string[]): void {
    this.#byAttribute.set(key, fields);
    const keys = fields.map((field) => field.toLowerCase());
    keys.forEach((fieldKey, rank) => {
      let targets = this.#explicitByField.get(fieldKey);
      if (!targets) {
        targets = { always: [], fallbacks: [] };
        this.#explicitByField.set(fieldKey, targets);
      }
      if (rank === 0) targets.always.push(attribute);
      else
        targets.fallbacks.push({ attribute, aheadKeys: keys.slice(0, rank), ahead: fields.slice(0, rank) });
    });
  }

  /** The presented attributes of a record (canonical names; derived attributes not included). */
  present(record: SourceRecord): EntryAttribute[] {
    const out: EntryAttribute[] = [];
    // Built only when a record holds a fallback field: the fields it holds, lower-cased.
    let held: ReadonlySet<string> | undefined;
    for (const [field, values] of Object.entries(record.fields)) {
      if (values.length === 0) continue;
      const { always, fallbacks } = this.#targets(field);
      for (const name of always) out.push({ name, values });
      for (let i = 0; i < fallbacks.length; i++) {
        const fallback = fallbacks[i]!;
        held ??= this.#held(record);
        if (!holdsAny(held, fallback.aheadKeys)) out.push({ name: fallback.attribute, values });
      }
    }
    return out;
  }

  /**
   * The source fields behind a presented attribute, in order of preference (the first a record holds
   * fills it); empty when nothing fills it.
   */
  fieldsFor(attribute: string): readonly string[] {
    const type = this.#schema.attribute(attribute);
    if (!type) return NONE;
    const key = type.name.toLowerCase();
    const mapped = this.#byAttribute.get(key);
    if (mapped !== undefined) return mapped;
    if (!this.#identity || DERIVED.has(key) || type.operational) return NONE;
    return [type.name];
  }

  /**
   * The source fields that fill these presented attributes (lower-cased canonical names), each
   * attribute's whole fallback list, so a record holding only these fields presents each of them as
   * it would holding every field. Undefined under the identity map, where any field may fill one.
   */
  fieldsFilling(attributes: Iterable<string>): readonly string[] | undefined {
    if (this.#identity) return undefined;
    return distinctFields([...attributes].map((attribute) => ({ fields: this.fieldsFor(attribute) })));
  }

  /** The presented attributes a source field fills under this map (none when the map leaves it out). */
  attributesOf(field: string): readonly FieldTarget[] {
    const { always, fallbacks } = this.#targets(field);
    return [
      ...always.map((attribute) => ({ attribute, after: NONE })),
      ...fallbacks.map(({ attribute, ahead }) => ({ attribute, after: ahead })),
    ];
  }

  /** The map's explicit entries (default map and config): presented attribute -> its source fields. */
  explicitEntries(): { readonly attribute: string; readonly fields: readonly string[] }[] {
    return [...this.#byAttribute].map(([key, fields]) => ({
      attribute: this.#schema.canonicalName(key),
      fields,
    }));
  }

  #targets(field: string): Targets {
    let targets = this.#resolved.get(field);
    if (!targets) {
      const key = field.toLowerCase();
      const explicit = this.#explicitByField.get(key);
      const always: readonly string[] = explicit?.always ?? NONE;
      const itself = this.#identity ? this.#identityTarget(field) : undefined;
      targets = {
        key,
        always: itself === undefined || always.includes(itself) ? always : [...always, itself],
        fallbacks: explicit?.fallbacks ?? NONE,
      };
      this.#resolved.set(field, targets);
    }
    return targets;
  }

  /** The lower-cased names of the fields a record holds values for. */
  #held(record: SourceRecord): ReadonlySet<string> {
    const held = new Set<string>();
    for (const field in record.fields) {
      if (record.fields[field]!.length > 0) held.add(this.#targets(field).key);
    }
    return held;
  }

  /** Under the identity map, the attribute a field fills by its own name, unless that is remapped. */
  #identityTarget(field: string): string | undefined {
    const type = this.#schema.attribute(field);
    if (!type || type.operational || DERIVED.has(type.name.toLowerCase())) return undefined;
    // A remapped attribute (map: { telephoneNumber: officePhone }) no longer comes from its namesake.
    return this.#byAttribute.has(type.name.toLowerCase()) ? undefined : type.name;
  }
}

/** A map entry's fields as a list, refused when it names no field or one field twice. */
function checkedFields(attribute: string, fields: string | readonly string[]): readonly string[] {
  const list: readonly string[] = typeof fields === 'string' ? [fields] : fields;
  if (list.length === 0) throw new FieldMapError(`map.${attribute}: an empty list fills nothing`);
  const seen = new Set<string>();
  for (const field of list) {
    if (field === '') throw new FieldMapError(`map.${attribute}: a field name cannot be empty`);
    const key = field.toLowerCase();
    if (seen.has(key)) throw new FieldMapError(`map.${attribute}: lists the field ${field} twice`);
    seen.add(key);
  }
  return list;
}

/** The fields of the map's entries, each once whatever its case, in the order first named. */
function distinctFields(entries: readonly { readonly fields: readonly string[] }[]): readonly string[] {
  const byKey = new Map<string, string>();
  for (const { fields } of entries) {
    for (const field of fields) if (!byKey.has(field.toLowerCase())) byKey.set(field.toLowerCase(), field);
  }
  return [...byKey.values()];
}

function holdsAny(held: ReadonlySet<string>, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) if (held.has(keys[i]!)) return true;
  return false;
}
