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

/** Which slots a reader has had: one bit per slot, so a search over 100,000 slots costs 12.5 KB. */
export class SlotSet {
  #words: Uint32Array;

  constructor(slotCount: number) {
    this.#words = new Uint32Array((slotCount >>> 5) + 1);
  }

  /** Adds the slot; false when it was there already. */
  add(slot: number): boolean {
    const word = slot >>> 5;
    if (word >= this.#words.length) {
      const bigger = new Uint32Array(Math.max(word + 1, this.#words.length * 2));
      bigger.set(this.#words);
      this.#words = bigger;
    }
    const bit = 1 << (slot & 31);
    if ((this.#words[word]! & bit) !== 0) return false;
    this.#words[word]! |= bit;
    return true;
  }
}
