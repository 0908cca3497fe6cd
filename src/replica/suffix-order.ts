/** Keys ordered by their reversed text, for "ends with" searches on numbers (`*4567`). */
import { ENDS } from './key-reach.js';

/**
 * Key ids ordered by their reversed text, by LSD radix sort: one stable counting pass per character
 * position, from the deepest. Keys are digit strings with a small alphabet, so this costs a few
 * passes over typed arrays where a comparison sort of reversed strings took a second.
 */
export function suffixOrder(allKeys: readonly string[], reach: Uint8Array | undefined): Uint32Array {
  const ids: number[] = [];
  for (let k = 0; k < allKeys.length; k++) if (!reach || reach[k]! & ENDS) ids.push(k);
  const keys = ids.map((k) => allKeys[k]!);
  const count = keys.length;
  let longest = 0;
  for (const key of keys) longest = Math.max(longest, key.length);
  // Dense symbols in character order; 0 means "past the start of the key", which sorts first.
  const symbolOf = new Uint16Array(0x10000);
  for (const key of keys) for (let i = 0; i < key.length; i++) symbolOf[key.charCodeAt(i)] = 1;
  let alphabet = 0;
  for (let code = 0; code < symbolOf.length; code++) if (symbolOf[code]) symbolOf[code] = ++alphabet;
  // The symbols by depth (distance from the end of the key), read once from the strings, so that
  // the passes below run over one compact array instead of chasing every string on every pass.
  const columns = alphabet < 0x100 ? new Uint8Array(count * longest) : new Uint16Array(count * longest);
  for (let k = 0; k < count; k++) {
    const key = keys[k]!;
    for (let depth = 0; depth < key.length; depth++)
      columns[depth * count + k] = symbolOf[key.charCodeAt(key.length - 1 - depth)]!;
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
  for (let i = 0; i < count; i++) order[i] = ids[order[i]!]!;
  return order;
}

/** The first position in the suffix order whose key, read backwards, is not below `suffix` read backwards. */
export function suffixLowerBound(keys: readonly string[], bySuffix: Uint32Array, suffix: string): number {
  let low = 0;
  let high = bySuffix.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBackwards(keys[bySuffix[middle]!]!, suffix) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Compares two strings read from their ends, without building reversed copies. */
function compareBackwards(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 1; i <= length; i++) {
    const difference = a.charCodeAt(a.length - i) - b.charCodeAt(b.length - i);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
