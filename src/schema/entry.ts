/** A presented directory entry: its DN and its attributes, keyed by lower-cased canonical name. */

export interface EntryAttribute {
  /** Canonical name from the presented schema. */
  readonly name: string;
  readonly values: readonly string[];
}

export interface Entry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, EntryAttribute>;
  /**
   * Set on an entry read from storage that never changes in place (a replica's record): every entry
   * with the same stamp has the same DN and attributes, so what is made from one may be kept for the
   * next (the encoded answer). A changed entry is another record with another stamp.
   */
  readonly stamp?: number;
  /**
   * Present on an entry held as bytes (a replica's record): hands the chosen attributes to `sink`
   * as they are stored, in the order `attributes` has them, without making strings or objects of
   * them (a full export encoded 100,000 entries this way).
   */
  writeAttributes?(choice: AttributeChoice, sink: AttributeSink): void;
}

/** Which attributes of an entry to hand over, and under what name. */
export interface AttributeChoice {
  /**
   * The type an attribute is shown under (by its lower-cased key and its canonical name), or
   * undefined to leave it out.
   */
  typeOf(key: string, name: string): string | undefined;
  /** False: types only, no values. */
  readonly values: boolean;
}

/** Takes an entry's attributes one by one, each value as UTF-8 bytes. */
export interface AttributeSink {
  startAttribute(type: string): void;
  /** One value: `bytes` from `start` to `end` (exclusive), UTF-8. */
  value(bytes: Uint8Array, start: number, end: number): void;
  endAttribute(): void;
}

/** Builds an entry from canonical attribute names; empty attributes are left out. */
export function makeEntry(dn: string, attributes: Iterable<EntryAttribute>): Entry {
  const map = new Map<string, EntryAttribute>();
  for (const attribute of attributes) {
    if (attribute.values.length === 0) continue;
    const key = attribute.name.toLowerCase();
    const existing = map.get(key);
    map.set(
      key,
      existing ? { name: existing.name, values: [...existing.values, ...attribute.values] } : attribute,
    );
  }
  return { dn, attributes: map };
}

export function attributeValues(entry: Entry, name: string): readonly string[] {
  return entry.attributes.get(name.toLowerCase())?.values ?? [];
}
