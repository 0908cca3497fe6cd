/**
 * Trigrams of keys: for "contains" searches, the keys holding each three-character sequence. Built
 * from the keys, never from entries, so a replica's contains search touches distinct keys only.
 */
import { CONTAINS } from './key-reach.js';
import type { KeyTable } from './key-table.js';
import { sharedUint32s } from './shared-arrays.js';
import { SnapshotUnusable } from './snapshot-format.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';

/** Components shorter than this cannot use the trigram index; they scan the key vocabulary instead. */
export const GRAM = 3;

/**
 * Keys by trigram, in CSR layout: one Uint32Array of key ids, sliced per trigram on lookup. The
 * trigrams' codes are a sorted array searched by bisection rather than a Map, so that all of it is
 * typed arrays in shared memory that every thread reads (SlotIndex.share).
 */
export class Trigrams {
  constructor(
    /** The trigram codes, ascending: code i is slot i. */
    readonly codes: Uint32Array,
    /** Keys of slot s: keys[offsets[s] .. offsets[s + 1]), ascending. */
    readonly offsets: Uint32Array,
    readonly keys: Uint32Array,
  ) {}

  /** Bytes held. */
  get bytes(): number {
    return this.codes.byteLength + this.offsets.byteLength + this.keys.byteLength;
  }

  /** What it holds in typed arrays (bytes), and how many trigram codes. */
  get layout(): { readonly arrayBytes: number; readonly codes: number } {
    return { arrayBytes: this.bytes, codes: this.codes.length };
  }

  async saveTo(writer: SnapshotWriter): Promise<void> {
    await writer.u32s(this.codes);
    await writer.u32s(this.offsets);
    await writer.u32s(this.keys);
  }

  static async loadFrom(reader: SnapshotReader, keyCount: number): Promise<Trigrams> {
    const codes = await reader.u32s(true);
    const offsets = await reader.u32s(true);
    const keys = await reader.u32s(true);
    if (offsets.length !== codes.length + 1 || offsets[codes.length] !== keys.length)
      throw new SnapshotUnusable('a trigram list is inconsistent');
    for (let i = 1; i < codes.length; i++)
      if (codes[i - 1]! >= codes[i]!) throw new SnapshotUnusable('the trigram codes are not in order');
    if (keys.some((key) => key >= keyCount))
      throw new SnapshotUnusable('a trigram names a key that is not there');
    return new Trigrams(codes, offsets, keys);
  }

  keysWith(gram: number): Uint32Array | undefined {
    const { codes } = this;
    let low = 0;
    let high = codes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (codes[middle]! < gram) low = middle + 1;
      else high = middle;
    }
    return codes[low] === gram ? this.keys.subarray(this.offsets[low], this.offsets[low + 1]) : undefined;
  }
}

/**
 * One pass over the keys gives every distinct trigram a slot and records each (slot, key)
 * occurrence; the slots are then ranked by code, and counting sort by rank lays the keys out.
 * Small integer codes and typed arrays keep it to a fraction of a second for a few hundred
 * thousand keys.
 */
export function buildTrigrams(keys: KeyTable, reach: Uint8Array | undefined): Trigrams {
  const slots = new Map<number, number>();
  /** The last key recorded for each slot: a trigram twice in one key is recorded once. */
  let lastKey = new Int32Array(1024).fill(-1);
  let slotOf = new Uint32Array(1024);
  let keyOf = new Uint32Array(1024);
  let count = 0;
  for (let k = 0; k < keys.length; k++) {
    if (reach && !(reach[k]! & CONTAINS)) continue;
    const length = keys.lengthOf(k);
    for (let i = 0; i + GRAM <= length; i++) {
      const gram = trigramOf(keys.charCodeAt(k, i), keys.charCodeAt(k, i + 1), keys.charCodeAt(k, i + 2));
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
  const codes = sharedUint32s(slots.size);
  let i = 0;
  for (const code of slots.keys()) codes[i++] = code;
  codes.sort();
  const rank = new Uint32Array(slots.size);
  for (let r = 0; r < codes.length; r++) rank[slots.get(codes[r]!)!] = r;
  const offsets = sharedUint32s(slots.size + 1);
  for (let i = 0; i < count; i++) offsets[rank[slotOf[i]!]! + 1]!++;
  for (let r = 0; r < slots.size; r++) offsets[r + 1]! += offsets[r]!;
  const cursor = offsets.slice(0, slots.size);
  // Occurrences are in key order, so each trigram's keys come out ascending.
  const postings = sharedUint32s(count);
  for (let i = 0; i < count; i++) postings[cursor[rank[slotOf[i]!]!]!++] = keyOf[i]!;
  return new Trigrams(codes, offsets, postings);
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
  return trigramOf(text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2));
}

/** The trigram code of three code units (see trigramAt); non-negative, so codes sort as Uint32. */
function trigramOf(a: number, b: number, c: number): number {
  return (((a & 0x3ff) << 20) | ((b & 0x3ff) << 10) | (c & 0x3ff)) >>> 0;
}
