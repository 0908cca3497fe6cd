/**
 * The sorted keys of one attribute's index (term-index.ts) as UTF-16 code units in shared memory,
 * key k at units[starts[k] .. starts[k + 1]), so every thread reads the one copy (SlotIndex.share):
 * as JS strings, 100,000 people's keys cost each thread about 12 MiB of its own heap. What a lookup
 * asks of a key (its order against a query, a prefix, a suffix, a substring pattern) is answered on
 * the code units; a key is decoded into a string only where one is unavoidable.
 *
 * Code units rather than Latin-1 bytes: one array type, so the lookups' loops stay monomorphic, and
 * the order is JS string order (code unit by code unit) for any text, so results do not change; the
 * keys are held once per process whatever the threads, so the second byte a character is paid once.
 */
import type { SubstringPattern } from '../schema/text-fold.js';
import { inShared, sharedUint16s, sharedUint32s } from './shared-arrays.js';

/** Code units decoded per call of String.fromCharCode (its arguments go on the stack). */
const DECODE_CHUNK = 4096;

export class KeyTable {
  static readonly EMPTY = new KeyTable(sharedUint16s(0), sharedUint32s(1));

  constructor(
    /** Every key's code units, one after the other. */
    readonly units: Uint16Array,
    /** Key k is units[starts[k] .. starts[k + 1]); one more than there are keys. */
    readonly starts: Uint32Array,
  ) {}

  /** Strings (in the order given) as a table in shared memory. */
  static of(keys: readonly string[]): KeyTable {
    let total = 0;
    for (const key of keys) total += key.length;
    const units = sharedUint16s(total);
    const starts = sharedUint32s(keys.length + 1);
    let at = 0;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      for (let i = 0; i < key.length; i++) units[at++] = key.charCodeAt(i);
      starts[k + 1] = at;
    }
    return new KeyTable(units, starts);
  }

  get length(): number {
    return this.starts.length - 1;
  }

  /** Code units held by all keys. */
  get chars(): number {
    return this.units.length;
  }

  /** Bytes held: the code units and the starts. */
  get bytes(): number {
    return this.units.byteLength + this.starts.byteLength;
  }

  lengthOf(k: number): number {
    return this.starts[k + 1]! - this.starts[k]!;
  }

  /** Code unit i of key k (as String.charCodeAt; i within the key). */
  charCodeAt(k: number, i: number): number {
    return this.units[this.starts[k]! + i]!;
  }

  /** Key k as a string. */
  at(k: number): string {
    const start = this.starts[k]!;
    const end = this.starts[k + 1]!;
    let text = '';
    for (let from = start; from < end; from += DECODE_CHUNK) {
      const chunk = this.units.subarray(from, Math.min(end, from + DECODE_CHUNK));
      text += String.fromCharCode.apply(null, chunk as unknown as number[]);
    }
    return text;
  }

  /** Key k against `text` in JS string order: negative below, 0 equal, positive above. */
  compare(k: number, text: string): number {
    const { units } = this;
    const start = this.starts[k]!;
    const length = this.starts[k + 1]! - start;
    const shorter = length < text.length ? length : text.length;
    for (let i = 0; i < shorter; i++) {
      const difference = units[start + i]! - text.charCodeAt(i);
      if (difference !== 0) return difference;
    }
    return length - text.length;
  }

  /** Key i of table a against key j of table b, in JS string order. */
  static compareKeys(a: KeyTable, i: number, b: KeyTable, j: number): number {
    const aStart = a.starts[i]!;
    const bStart = b.starts[j]!;
    const aLength = a.starts[i + 1]! - aStart;
    const bLength = b.starts[j + 1]! - bStart;
    const shorter = aLength < bLength ? aLength : bLength;
    for (let n = 0; n < shorter; n++) {
      const difference = a.units[aStart + n]! - b.units[bStart + n]!;
      if (difference !== 0) return difference;
    }
    return aLength - bLength;
  }

  /**
   * The first key not below `text` (the keys being sorted). Every key between the bounds starts
   * with the code units that both bounds share with `text`, so each step compares from there on:
   * number keys share their first digits, and comparing them all again at every step made an
   * exact lookup half again as slow as JS string comparison.
   */
  lowerBound(text: string): number {
    const { units, starts } = this;
    const wanted = text.length;
    let low = 0;
    let high = starts.length - 1;
    /** Code units `text` shares with the key below `low`, and with the key at `high`. */
    let lowShared = 0;
    let highShared = 0;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const start = starts[middle]!;
      const length = starts[middle + 1]! - start;
      const shorter = length < wanted ? length : wanted;
      let i = lowShared < highShared ? lowShared : highShared;
      while (i < shorter && units[start + i] === text.charCodeAt(i)) i++;
      const below = i < shorter ? units[start + i]! < text.charCodeAt(i) : length < wanted;
      if (below) {
        low = middle + 1;
        lowShared = i;
      } else {
        high = middle;
        highShared = i;
      }
    }
    return low;
  }

  equals(k: number, text: string): boolean {
    return this.lengthOf(k) === text.length && this.#holdsAt(this.starts[k]!, text);
  }

  startsWith(k: number, prefix: string): boolean {
    return this.lengthOf(k) >= prefix.length && this.#holdsAt(this.starts[k]!, prefix);
  }

  endsWith(k: number, suffix: string): boolean {
    const end = this.starts[k + 1]!;
    return end - this.starts[k]! >= suffix.length && this.#holdsAt(end - suffix.length, suffix);
  }

  /** Whether key k matches the pattern, as matchesSubstrings (text-fold.ts) tests its string. */
  matches(k: number, pattern: SubstringPattern): boolean {
    const start = this.starts[k]!;
    const end = this.starts[k + 1]!;
    let position = start;
    const { initial, final, any } = pattern;
    if (initial !== undefined) {
      if (end - start < initial.length || !this.#holdsAt(start, initial)) return false;
      position += initial.length;
    }
    for (let p = 0; p < any.length; p++) {
      const part = any[p]!;
      const found = this.#indexOf(part, position, end);
      if (found < 0) return false;
      position = found + part.length;
    }
    if (final !== undefined)
      return end - final.length >= position && this.#holdsAt(end - final.length, final);
    return true;
  }

  /** Whether the units from `at` on spell `text` (the caller knows they are there). */
  #holdsAt(at: number, text: string): boolean {
    const { units } = this;
    for (let i = 0; i < text.length; i++) if (units[at + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Where `text` first occurs in units[from .. end), or -1 (String.indexOf on the code units). */
  #indexOf(text: string, from: number, end: number): number {
    const last = end - text.length;
    if (text.length === 0) return from <= end ? from : -1;
    const first = text.charCodeAt(0);
    const { units } = this;
    for (let at = from; at <= last; at++) if (units[at] === first && this.#holdsAt(at, text)) return at;
    return -1;
  }
}

/** Builds a table key by key, from strings or from other tables' keys (TermIndex.merge). */
export class KeyTableBuilder {
  #units: Uint16Array;
  readonly #starts: number[] = [0];
  #length = 0;

  constructor(capacity = 1024) {
    this.#units = new Uint16Array(Math.max(capacity, 16));
  }

  /** Appends key k of `table`. */
  pushKey(table: KeyTable, k: number): void {
    const from = table.starts[k]!;
    const to = table.starts[k + 1]!;
    this.#ensure(to - from);
    this.#units.set(table.units.subarray(from, to), this.#length);
    this.#length += to - from;
    this.#starts.push(this.#length);
  }

  build(): KeyTable {
    const starts = sharedUint32s(this.#starts.length);
    starts.set(this.#starts);
    return new KeyTable(inShared(this.#units.subarray(0, this.#length)), starts);
  }

  #ensure(more: number): void {
    if (this.#length + more <= this.#units.length) return;
    const bigger = new Uint16Array(Math.max(this.#units.length * 2, this.#length + more));
    bigger.set(this.#units.subarray(0, this.#length));
    this.#units = bigger;
  }
}
