/**
 * Trigrams of keys: for "contains" searches, the keys holding each three-character sequence. Built
 * from the keys, never from entries, so a replica's contains search touches distinct keys only.
 */
import { CONTAINS } from './key-reach.js';
import { SnapshotUnusable } from './snapshot-format.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';

/** Components shorter than this cannot use the trigram index; they scan the key vocabulary instead. */
export const GRAM = 3;

/** Keys by trigram, in CSR layout: one Uint32Array of key ids, sliced per trigram on lookup. */
export class Trigrams {
  constructor(
    /** Trigram code -> its slot. */
    private readonly slots: ReadonlyMap<number, number>,
    /** Keys of slot s: keys[offsets[s] .. offsets[s + 1]), ascending. */
    private readonly offsets: Uint32Array,
    private readonly keys: Uint32Array,
  ) {}

  /** Bytes held: the arrays, and about 16 per trigram in the map. */
  get bytes(): number {
    return this.offsets.byteLength + this.keys.byteLength + this.slots.size * 16;
  }

  /** What it holds in typed arrays (bytes), and how many trigram codes its map holds. */
  get layout(): { readonly arrayBytes: number; readonly codes: number } {
    return { arrayBytes: this.offsets.byteLength + this.keys.byteLength, codes: this.slots.size };
  }

  async saveTo(writer: SnapshotWriter): Promise<void> {
    const codes = new Uint32Array(this.slots.size);
    this.slots.forEach((slot, code) => (codes[slot] = code));
    await writer.u32s(codes);
    await writer.u32s(this.offsets);
    await writer.u32s(this.keys);
  }

  static async loadFrom(reader: SnapshotReader, keyCount: number): Promise<Trigrams> {
    const codes = await reader.u32s();
    const offsets = await reader.u32s();
    const keys = await reader.u32s();
    if (offsets.length !== codes.length + 1 || offsets[codes.length] !== keys.length)
      throw new SnapshotUnusable('a trigram list is inconsistent');
    if (keys.some((key) => key >= keyCount))
      throw new SnapshotUnusable('a trigram names a key that is not there');
    const slots = new Map<number, number>();
    codes.forEach((code, slot) => slots.set(code, slot));
    return new Trigrams(slots, offsets, keys);
  }

  keysWith(gram: number): Uint32Array | undefined {
    const slot = this.slots.get(gram);
    return slot === undefined ? undefined : this.keys.subarray(this.offsets[slot], this.offsets[slot + 1]);
  }
}

/**
 * One pass over the keys gives every distinct trigram a slot and records each (slot, key)
 * occurrence; counting sort by slot then lays the keys out. Small integer codes and typed arrays
 * keep it to a fraction of a second for a few hundred thousand keys.
 */
export function buildTrigrams(keys: readonly string[], reach: Uint8Array | undefined): Trigrams {
  const slots = new Map<number, number>();
  /** The last key recorded for each slot: a trigram twice in one key is recorded once. */
  let lastKey = new Int32Array(1024).fill(-1);
  let slotOf = new Uint32Array(1024);
  let keyOf = new Uint32Array(1024);
  let count = 0;
  for (let k = 0; k < keys.length; k++) {
    if (reach && !(reach[k]! & CONTAINS)) continue;
    const key = keys[k]!;
    for (let i = 0; i + GRAM <= key.length; i++) {
      const gram = trigramAt(key, i);
      let slot = slots.get(gram);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(gram, slot);
        if (slot === lastKey.length) lastKey = grow(lastKey, -1);
      }
      if (lastKey[slot] === k) continue;
      lastKey[slot] = k;
      if (count === slotOf.length) [slotOf, keyOf] = [grow(slotOf), grow(keyOf)];
      slotOf[count] = slot;
      keyOf[count++] = k;
    }
  }
  const offsets = new Uint32Array(slots.size + 1);
  for (let i = 0; i < count; i++) offsets[slotOf[i]! + 1]!++;
  for (let slot = 0; slot < slots.size; slot++) offsets[slot + 1]! += offsets[slot]!;
  const cursor = offsets.slice(0, slots.size);
  // Occurrences are in key order, so each trigram's keys come out ascending.
  const postings = new Uint32Array(count);
  for (let i = 0; i < count; i++) postings[cursor[slotOf[i]!]!++] = keyOf[i]!;
  return new Trigrams(slots, offsets, postings);
}

/** A typed array twice as long, with the old contents (and `fill` in the new half). */
export function grow<T extends Uint32Array | Int32Array>(array: T, fill = 0): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  if (fill !== 0) bigger.fill(fill, array.length);
  return bigger;
}

/**
 * The trigram code at a position: three UTF-16 units folded to 10 bits each, so a code is a small
 * integer. Distinct trigrams may share a code; that only adds candidates, which are checked anyway.
 */
export function trigramAt(text: string, i: number): number {
  return (
    ((text.charCodeAt(i) & 0x3ff) << 20) |
    ((text.charCodeAt(i + 1) & 0x3ff) << 10) |
    (text.charCodeAt(i + 2) & 0x3ff)
  );
}
