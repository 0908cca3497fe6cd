/**
 * Search result entries kept as sent: a replica's record never changes in place (a change is a new
 * record with a new stamp, src/replica/entry-store.ts), so its entry, encoded once under one
 * attribute selection for one kind of caller, can go out again as the same bytes. Phones ask the
 * same few attributes of the same people all day; re-selecting, decoding and encoding them was a
 * third of a name search. Paged searches (a PBX's import) read every entry once and keep nothing:
 * they would only push out what phones ask again.
 *
 * Bounded by bytes, with two generations instead of an exact LRU: entries go into the young one;
 * when it holds half the budget it becomes the old one and the old one is dropped, and an entry
 * found in the old one moves back to the young. No per-entry bookkeeping beyond one map slot.
 */

/** What the kept bytes may add up to, both generations together. */
export const ENCODED_ENTRIES_BYTES = 16 * 1024 * 1024;

/** Per selection: stamp -> encoded protocolOp. */
type Generation = Map<string, Map<number, Uint8Array>>;

export class EncodedEntries {
  #young: Generation = new Map();
  #old: Generation = new Map();
  #youngBytes = 0;
  #oldBytes = 0;
  /**
   * The selection asked for last, with its map in each generation: a search asks under one key
   * entry after entry, and finding a long key in a Map compares it character by character.
   */
  #last: string | undefined;
  #lastYoung: Map<number, Uint8Array> | undefined;
  #lastOld: Map<number, Uint8Array> | undefined;

  constructor(private readonly budget = ENCODED_ENTRIES_BYTES) {}

  /** The bytes kept for a stamp under a selection key (see selectionKey), or undefined. */
  get(selection: string, stamp: number): Uint8Array | undefined {
    if (selection !== this.#last) {
      this.#last = selection;
      this.#lastYoung = this.#young.get(selection);
      this.#lastOld = this.#old.get(selection);
    }
    const young = this.#lastYoung?.get(stamp);
    if (young !== undefined) return young;
    const old = this.#lastOld?.get(stamp);
    if (old !== undefined) this.set(selection, stamp, old);
    return old;
  }

  /** Bytes kept now (an entry read from the old generation counts in both until it goes). */
  get bytes(): number {
    return this.#youngBytes + this.#oldBytes;
  }

  set(selection: string, stamp: number, bytes: Uint8Array): void {
    let entries = this.#young.get(selection);
    // A selection's key is the client's attribute list: its size counts too, or many long lists
    // with one small entry each would grow the maps without ever filling the budget.
    const size = bytes.length + (entries === undefined ? selection.length * 2 : 0);
    if (this.#youngBytes + size > this.budget / 2) {
      this.#old = this.#young;
      this.#oldBytes = this.#youngBytes;
      this.#young = new Map();
      this.#youngBytes = 0;
      entries = undefined;
      this.#last = undefined;
    }
    if (entries === undefined) {
      this.#young.set(selection, (entries = new Map<number, Uint8Array>()));
      this.#last = undefined;
      this.#youngBytes += selection.length * 2;
    }
    entries.set(stamp, bytes);
    this.#youngBytes += bytes.length;
  }
}

/**
 * What decides the bytes of a stamped entry besides its stamp: the attributes asked for, typesOnly,
 * what the caller may not see, and the view naming the attributes. Two searches with the same key
 * send the same bytes for the same record.
 */
export function selectionKey(
  attributes: readonly string[],
  typesOnly: boolean,
  withheld: ReadonlySet<string>,
  view: string | undefined,
): string {
  return JSON.stringify([attributes, typesOnly, [...withheld].sort(), view ?? null]);
}
