/** Keys ordered by their reversed text, for "ends with" searches on numbers (`*4567`). */
import { ENDS } from './key-reach.js';
import { KeyTable } from './key-table.js';
import { sharedUint32s } from './shared-arrays.js';

/** Keys as the index holds them; strings are taken too (tests), as a table of their own. */
type Keys = KeyTable | readonly string[];

function tableOf(keys: Keys): KeyTable {
  return keys instanceof KeyTable ? keys : KeyTable.of(keys);
}

/**
 * Key ids ordered by their reversed text, by LSD radix sort: one stable counting pass per character
 * position, from the deepest. Keys are digit strings with a small alphabet, so this costs a few
 * passes over typed arrays where a comparison sort of reversed strings took a second.
 */
export function suffixOrder(allKeys: Keys, reach: Uint8Array | undefined): Uint32Array {
  const table = tableOf(allKeys);
  const ids: number[] = [];
  for (let k = 0; k < table.length; k++) if (!reach || reach[k]! & ENDS) ids.push(k);
  const count = ids.length;
  let longest = 0;
  for (const k of ids) longest = Math.max(longest, table.lengthOf(k));
  // Dense symbols in character order; 0 means "past the start of the key", which sorts first.
  const symbolOf = new Uint16Array(0x10000);
  for (const k of ids) for (let i = 0; i < table.lengthOf(k); i++) symbolOf[table.charCodeAt(k, i)] = 1;
  let alphabet = 0;
  for (let code = 0; code < symbolOf.length; code++) if (symbolOf[code]) symbolOf[code] = ++alphabet;
  // The symbols by depth (distance from the end of the key), read once from the keys, so that
  // the passes below run over one compact array instead of chasing every key on every pass.
  const columns = alphabet < 0x100 ? new Uint8Array(count * longest) : new Uint16Array(count * longest);
  for (let k = 0; k < count; k++) {
    const id = ids[k]!;
    const length = table.lengthOf(id);
    for (let depth = 0; depth < length; depth++)
      columns[depth * count + k] = symbolOf[table.charCodeAt(id, length - 1 - depth)]!;
  }
  let order = new Uint32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  let next = new Uint32Array(count);
  const counts = new Uint32Array(alphabet + 2);
  for (let depth = longest - 1; depth >= 0; depth--) {
    const column = columns.subarray(depth * count, (depth + 1) * count);
    counts.fill(0);
    for (let k = 0; k < count; k++) counts[column[k]! + 1]!++;
    for (let s = 1; s < counts.length; s++) counts[s]! += counts[s - 1]!;
    for (let i = 0; i < count; i++) {
      const k = order[i]!;
      next[counts[column[k]!]!++] = k;
    }
    const sorted = next;
    next = order;
    order = sorted;
  }
  const out = sharedUint32s(count);
  for (let i = 0; i < count; i++) out[i] = ids[order[i]!]!;
  return out;
}

/** The first position in the suffix order whose key, read backwards, is not below `suffix` read backwards. */
export function suffixLowerBound(keys: KeyTable, bySuffix: Uint32Array, suffix: string): number {
  let low = 0;
  let high = bySuffix.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBackwards(keys, bySuffix[middle]!, suffix) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Compares key k with a string, both read from their ends, without building reversed copies. */
function compareBackwards(keys: KeyTable, k: number, b: string): number {
  const aLength = keys.lengthOf(k);
  const length = Math.min(aLength, b.length);
  for (let i = 1; i <= length; i++) {
    const difference = keys.charCodeAt(k, aLength - i) - b.charCodeAt(b.length - i);
    if (difference !== 0) return difference;
  }
  return aLength - b.length;
}

/** The characters a suffix code spells, in char-code order (as compareBackwards sorts them). */
const CODE_CHARS = '#*0123456789';
/** One more than the characters: 0 stands for "before the key's start". */
const CODE_BASE = CODE_CHARS.length + 1;
/** Characters a code holds: CODE_BASE ** CODE_DEPTH fits a Uint32 (13^8 < 2^32). */
export const CODE_DEPTH = 8;
/** Char code -> its symbol in a code (1..12); 0: a character no code spells. */
const SYMBOLS = new Uint8Array(128);
for (let s = 0; s < CODE_CHARS.length; s++) SYMBOLS[CODE_CHARS.charCodeAt(s)] = s + 1;
/** CODE_BASE ** (CODE_DEPTH - 1 - depth), by depth. */
const PLACES = Array.from({ length: CODE_DEPTH }, (_, depth) => CODE_BASE ** (CODE_DEPTH - 1 - depth));

/**
 * Per position of a suffix order, the last CODE_DEPTH characters of its key read backwards as one
 * number: the order ascends in them too, so an ending is found by a binary search over a typed
 * array, and the keys with it form one range, read without touching a key string (each a cache miss
 * away). Undefined when a key holds a character other than digits, `*` and `#`.
 */
export function suffixCodes(keys: Keys, bySuffix: Uint32Array): Uint32Array | undefined {
  const table = tableOf(keys);
  const codes = sharedUint32s(bySuffix.length);
  for (let i = 0; i < bySuffix.length; i++) {
    const code = keyCodeOf(table, bySuffix[i]!);
    if (code < 0) return undefined;
    codes[i] = code;
  }
  return codes;
}

/**
 * The positions [from, to) of a suffix order whose keys end with `suffix`'s last CODE_DEPTH
 * characters (all of it, when it is no longer: then exactly the keys ending with it); undefined
 * when the suffix holds a character no code spells.
 */
export function suffixRange(codes: Uint32Array, suffix: string): readonly [number, number] | undefined {
  const tail = suffix.length > CODE_DEPTH ? suffix.slice(-CODE_DEPTH) : suffix;
  const low = codeOf(tail);
  if (low < 0 || tail === '') return undefined;
  const high = low + PLACES[tail.length - 1]!;
  return [codeBound(codes, low), codeBound(codes, high)];
}

/** A key's last CODE_DEPTH characters backwards, as a number; -1 if one of them has no symbol. */
function codeOf(key: string): number {
  let code = 0;
  const depth = Math.min(key.length, CODE_DEPTH);
  for (let d = 0; d < depth; d++) {
    const char = key.charCodeAt(key.length - 1 - d);
    const symbol = char < 128 ? SYMBOLS[char]! : 0;
    if (symbol === 0) return -1;
    code += symbol * PLACES[d]!;
  }
  return code;
}

/** codeOf for key k of a table. */
function keyCodeOf(keys: KeyTable, k: number): number {
  let code = 0;
  const length = keys.lengthOf(k);
  const depth = Math.min(length, CODE_DEPTH);
  for (let d = 0; d < depth; d++) {
    const char = keys.charCodeAt(k, length - 1 - d);
    const symbol = char < 128 ? SYMBOLS[char]! : 0;
    if (symbol === 0) return -1;
    code += symbol * PLACES[d]!;
  }
  return code;
}

/**
 * The first position whose code is not below `code`. KeyTable.lowerBound does the same over keys;
 * one function for both would make the name lookups' loop polymorphic.
 */
function codeBound(codes: Uint32Array, code: number): number {
  let low = 0;
  let high = codes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (codes[middle]! < code) low = middle + 1;
    else high = middle;
  }
  return low;
}
