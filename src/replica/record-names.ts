/**
 * The names of a replica's attributes as small integers, so each record spends a byte or two on a
 * name rather than its text. Ids are given in order of first use and never change while the store
 * lives (a snapshot saves the list with the records).
 */
export class RecordNames {
  readonly #names: string[] = [];
  readonly #ids = new Map<string, number>();
  /** Lower-cased names, the keys of a presented entry's attribute map. */
  readonly #keys: string[] = [];

  constructor(names: readonly string[] = []) {
    for (const name of names) this.idOf(name);
  }

  /** The id of a canonical attribute name (as the schema spells it), added when new. */
  idOf(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#names.push(name);
      this.#keys.push(name.toLowerCase());
      this.#ids.set(name, id);
    }
    return id;
  }

  /** The id of a name already known, by its lower-cased form (what filters look up). */
  nameOf(id: number): string {
    return this.#names[id]!;
  }

  keyOf(id: number): string {
    return this.#keys[id]!;
  }

  get all(): readonly string[] {
    return this.#names;
  }
}
