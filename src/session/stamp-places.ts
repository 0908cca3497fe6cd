/**
 * Stamps -> places for one selection of the kept encoded entries (encoded-entries.ts): a hash table
 * with open addressing over one Float64Array, each stamp next to its place. A replica's stamp is no
 * small integer (an arena's number times 2^32 plus an offset, src/replica/entry-store.ts), and a Map
 * keyed by such numbers keeps each key as an object of its own that a probe reads through a pointer:
 * with the table's chain and the entry, three or four cache misses per lookup, fifty per phone
 * search, which a lone connection's search (finding the caches cold) paid as a tenth of its time.
 * Here a probe reads one slot, key and place side by side.
 */

/** Slots a table starts with; it doubles when half of them are used. */
const FIRST_SLOTS = 64;
/** An empty slot's place (places are never negative). */
const EMPTY = -1;
const HALF = 2 ** 32;

export class StampPlaces {
  /** Per slot: the stamp, then its place (EMPTY: a free slot). */
  #slots = emptySlots(FIRST_SLOTS);
  #mask = FIRST_SLOTS - 1;
  /** 32 less the bits of a slot number: a hash's top bits pick the first slot. */
  #shift = 32 - Math.log2(FIRST_SLOTS);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Where the stamp's bytes lie, or undefined. */
  get(stamp: number): number | undefined {
    const slots = this.#slots;
    for (let slot = slotOf(stamp, this.#shift); ; slot = (slot + 1) & this.#mask) {
      const place = slots[2 * slot + 1]!;
      if (place === EMPTY) return undefined;
      if (slots[2 * slot] === stamp) return place;
    }
  }

  /** Keeps the place of a stamp (a place is a whole number, 0 or more); replaces one kept before. */
  set(stamp: number, place: number): void {
    if (2 * (this.#size + 1) > this.#mask + 1) this.#grow();
    if (this.#put(stamp, place)) this.#size++;
  }

  /** Puts the pair in its slot or the first free one after it; true when the stamp was new. */
  #put(stamp: number, place: number): boolean {
    const slots = this.#slots;
    for (let slot = slotOf(stamp, this.#shift); ; slot = (slot + 1) & this.#mask) {
      const held = slots[2 * slot + 1]!;
      if (held !== EMPTY && slots[2 * slot] !== stamp) continue;
      slots[2 * slot] = stamp;
      slots[2 * slot + 1] = place;
      return held === EMPTY;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const count = 2 * (this.#mask + 1);
    this.#slots = emptySlots(count);
    this.#mask = count - 1;
    this.#shift--;
    for (let slot = 0; 2 * slot < old.length; slot++) {
      const place = old[2 * slot + 1]!;
      if (place !== EMPTY) this.#put(old[2 * slot]!, place);
    }
  }
}

function emptySlots(count: number): Float64Array {
  return new Float64Array(2 * count).fill(EMPTY);
}

/**
 * A stamp's first slot: the top bits of its two 32-bit halves mixed and multiplied by 2^32/phi
 * (Fibonacci hashing), which every bit of the stamp reaches, aligned offsets' zero low bits too.
 */
function slotOf(stamp: number, shift: number): number {
  const high = Math.floor(stamp / HALF);
  const low = stamp - high * HALF;
  return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> shift;
}
