/**
 * Search result entries kept as sent: a replica's record never changes in place (a change is a new
 * record with a new stamp, src/replica/entry-store.ts), so its entry, encoded once under one
 * attribute selection for one kind of caller, can go out again as the same bytes. Phones ask the
 * same few attributes of the same people all day; re-selecting, decoding and encoding them was a
 * third of a name search. Paged searches (a PBX's import) read every entry once and keep nothing:
 * they would only push out what phones ask again.
 *
 * Bounded by bytes, with generations instead of an exact LRU: entries go into the young one; when
 * it holds its share of the budget (a quarter) a new young one starts and the oldest is dropped, and
 * an entry found in the oldest moves back to the young one (found in another, it is read where it
 * lies). No per-entry bookkeeping beyond one map slot. With two halves, where every entry found in
 * the old one moved, the young half had to hold all a busy phone system asks within its fill: the
 * bench's number suffixes (about 6 MB of answers at 100,000 people) fitted 16 MB but not the 8 MB
 * a listener thread's event loop gets (app.ts), whose cache then missed one entry in six and copied
 * one in three; with four quarters whatever is asked again within three quarters of the budget stays.
 *
 * A generation lays the bytes it keeps one after the other in a few large blocks, in the order they
 * were first sent, and its maps hold where they lie (a small integer): the next search for the same
 * name reads the same run of memory again. Kept each in a buffer of its own, a 50-entry answer was
 * 50 buffers scattered over the heap and as many cache misses, which a phone's lone connection,
 * whose every search finds the caches cold, paid on each lookup.
 */

import { StampPlaces } from './stamp-places.js';

/** What the kept bytes may add up to in a process, every generation (and every event loop) together. */
export const ENCODED_ENTRIES_BYTES = 16 * 1024 * 1024;

/** Generations the budget is shared among (see the top of this file). */
const GENERATIONS = 4;
/** Bytes of a generation's block, unless the generation's share of the budget is smaller. */
const BLOCK_BYTES = 256 * 1024;
/** Bytes before each kept entry in a block: its length. */
const LENGTH_BYTES = 4;

/** One generation: its blocks, and per selection key where each stamp's bytes lie in them. */
class Generation {
  /** Per selection: stamp -> place (block number * BLOCK_BYTES + offset in the block). */
  readonly selections = new Map<string, StampPlaces>();
  /** Kept bytes with their lengths, selection keys, and the ends of blocks left unused. */
  bytes = 0;
  readonly #blocks: Buffer[] = [];
  /** Bytes used of the last block. */
  #used = 0;

  constructor(private readonly blockBytes: number) {}

  /** What keeping `length` bytes adds to `bytes`: the end of the last block too when they do not fit. */
  cost(length: number): number {
    const size = LENGTH_BYTES + length;
    const last = this.#blocks.at(-1);
    return last === undefined || this.#used + size <= last.length ? size : size + last.length - this.#used;
  }

  /** Copies `bytes` in after what it holds; where they lie. */
  put(bytes: Uint8Array): number {
    this.bytes += this.cost(bytes.length);
    const size = LENGTH_BYTES + bytes.length;
    let block = this.#blocks.at(-1);
    if (block === undefined || this.#used + size > block.length) {
      // An entry longer than a block gets one of its own, where it lies at 0.
      block = Buffer.allocUnsafe(Math.max(this.blockBytes, size));
      this.#blocks.push(block);
      this.#used = 0;
    }
    const offset = this.#used;
    block.writeUInt32LE(bytes.length, offset);
    block.set(bytes, offset + LENGTH_BYTES);
    this.#used = offset + size;
    return (this.#blocks.length - 1) * BLOCK_BYTES + offset;
  }

  /** The bytes at a place `put` returned: a view of its block, which is never written there again. */
  at(place: number): Uint8Array {
    const block = this.#blocks[Math.floor(place / BLOCK_BYTES)]!;
    const offset = place % BLOCK_BYTES;
    const length = block.readUInt32LE(offset);
    return new Uint8Array(block.buffer, block.byteOffset + offset + LENGTH_BYTES, length);
  }
}

export class EncodedEntries {
  readonly #blockBytes: number;
  /** Youngest first; the last is the next to go. */
  readonly #generations: Generation[] = [];
  /**
   * The selection asked for last, with its map in each generation: a search asks under one key
   * entry after entry, and finding a long key in a Map compares it character by character.
   */
  #last: string | undefined;
  readonly #lastPlaces: (StampPlaces | undefined)[] = new Array<StampPlaces | undefined>(GENERATIONS);

  constructor(readonly budget = ENCODED_ENTRIES_BYTES) {
    this.#blockBytes = Math.max(1, Math.min(BLOCK_BYTES, Math.floor(budget / GENERATIONS)));
    for (let i = 0; i < GENERATIONS; i++) this.#generations.push(new Generation(this.#blockBytes));
  }

  /** The bytes kept for a stamp under a selection key (see selectionKey), or undefined. */
  get(selection: string, stamp: number): Uint8Array | undefined {
    const generations = this.#generations;
    const places = this.#lastPlaces;
    if (selection !== this.#last) {
      this.#last = selection;
      for (let i = 0; i < GENERATIONS; i++) places[i] = generations[i]!.selections.get(selection);
    }
    for (let i = 0; i < GENERATIONS; i++) {
      const place = places[i]?.get(stamp);
      if (place === undefined) continue;
      const bytes = generations[i]!.at(place);
      // Found in the generation that goes next: kept on in the young one.
      if (i === GENERATIONS - 1) this.set(selection, stamp, bytes);
      return bytes;
    }
    return undefined;
  }

  /** Bytes kept now (an entry read from the oldest generation counts twice until it goes). */
  get bytes(): number {
    let bytes = 0;
    for (const generation of this.#generations) bytes += generation.bytes;
    return bytes;
  }

  set(selection: string, stamp: number, bytes: Uint8Array): void {
    let young = this.#generations[0]!;
    let entries = young.selections.get(selection);
    // A selection's key is the client's attribute list: its size counts too, or many long lists
    // with one small entry each would grow the maps without ever filling the budget.
    const cost = young.cost(bytes.length) + (entries === undefined ? selection.length * 2 : 0);
    if (young.bytes + cost > this.budget / GENERATIONS) {
      this.#generations.pop();
      this.#generations.unshift((young = new Generation(this.#blockBytes)));
      entries = undefined;
      this.#last = undefined;
    }
    if (entries === undefined) {
      young.selections.set(selection, (entries = new StampPlaces()));
      this.#last = undefined;
      young.bytes += selection.length * 2;
    }
    entries.set(stamp, young.put(bytes));
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
