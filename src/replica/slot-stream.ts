/**
 * Candidate slots handed out one at a time, made as they are asked for: a phone's search stops at
 * its size limit (50 entries, or 51 to know there are more), so an index that gathers, unions and
 * sorts every candidate first spends most of its time on candidates nobody reads, and more of it the
 * larger the directory. A stream may hand a slot more than once (an entry found through two of its
 * values, or two branches of an OR); whoever reads it drops the repeats (SlotSet). Order is the
 * order found, not slot order.
 */
import type { Ids } from './sorted-ids.js';

/** The next slot, or DONE. */
export interface SlotStream {
  next(): number;
}

export const DONE = -1;

const NOTHING: SlotStream = { next: () => DONE };

/** The slots of an ascending list. */
export function listStream(ids: Ids): SlotStream {
  if (ids.length === 0) return NOTHING;
  let i = 0;
  return { next: () => (i < ids.length ? ids[i++]! : DONE) };
}

/** Each stream's slots in turn. */
export function chainStreams(streams: readonly SlotStream[]): SlotStream {
  if (streams.length === 0) return NOTHING;
  if (streams.length === 1) return streams[0]!;
  let current = 0;
  return {
    next: () => {
      while (current < streams.length) {
        const slot = streams[current]!.next();
        if (slot !== DONE) return slot;
        current++;
      }
      return DONE;
    },
  };
}

/** The slots `keep` accepts. */
export function filterStream(stream: SlotStream, keep: (slot: number) => boolean): SlotStream {
  return {
    next: () => {
      for (let slot = stream.next(); slot !== DONE; slot = stream.next()) if (keep(slot)) return slot;
      return DONE;
    },
  };
}

/** Keys one at a time (key ids of a TermIndex), or DONE. */
export interface KeyCursor {
  next(): number;
}

/** The slots of each key a cursor hands out, key after key (CSR postings, see TermIndex). */
export function postingsStream(cursor: KeyCursor, offsets: Uint32Array, postings: Uint32Array): SlotStream {
  let position = 0;
  let end = 0;
  return {
    next: () => {
      while (position === end) {
        const key = cursor.next();
        if (key === DONE) return DONE;
        position = offsets[key]!;
        end = offsets[key + 1]!;
      }
      return postings[position++]!;
    },
  };
}

/** Slots a SlotSet holds in a Set before it takes a bitmap. */
const SMALL = 256;

/**
 * Which slots a reader has had. A phone's search reads a few dozen: those sit in a small Set (a
 * bitmap over 100,000 slots is 12.5 KB allocated and zeroed per search, ~3% of a number-suffix
 * search). Past SMALL, one bit per slot, so a search reading the whole copy holds 12.5 KB, not a
 * Set of 100,000 numbers.
 */
export class SlotSet {
  #small: Set<number> | undefined = new Set<number>();
  #words: Uint32Array | undefined;

  constructor(private readonly slotCount: number) {}

  /** Adds the slot; false when it was there already. */
  add(slot: number): boolean {
    const small = this.#small;
    if (small === undefined) return this.#addBit(slot);
    if (small.has(slot)) return false;
    if (small.size < SMALL) {
      small.add(slot);
      return true;
    }
    this.#words = new Uint32Array((this.slotCount >>> 5) + 1);
    for (const held of small) this.#addBit(held);
    this.#small = undefined;
    return this.#addBit(slot);
  }

  #addBit(slot: number): boolean {
    let words = this.#words!;
    const word = slot >>> 5;
    if (word >= words.length) {
      const bigger = new Uint32Array(Math.max(word + 1, words.length * 2));
      bigger.set(words);
      this.#words = words = bigger;
    }
    const bit = 1 << (slot & 31);
    if ((words[word]! & bit) !== 0) return false;
    words[word]! |= bit;
    return true;
  }
}
