/** Ascending lists of slot numbers, as the index hands them around, and what is done with them. */

/** Ascending slot numbers. */
export type Ids = Uint32Array;

export const EMPTY: Ids = new Uint32Array(0);

/** Whether an ascending id list holds the id (binary search). */
export function has(ids: Ids, id: number): boolean {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return ids[low] === id;
}

/** The intersection of two ascending id lists; gallops through the longer one when sizes differ a lot. */
export function intersect(a: Ids, b: Ids): Ids {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Uint32Array(small.length);
  let count = 0;
  if (small.length * 16 < large.length) {
    let low = 0;
    for (const id of small) {
      let high = large.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (large[middle]! < id) low = middle + 1;
        else high = middle;
      }
      if (large[low] === id) out[count++] = id;
    }
  } else {
    for (let i = 0, j = 0; i < small.length && j < large.length;) {
      const x = small[i]!;
      const y = large[j]!;
      if (x === y) {
        out[count++] = x;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
  }
  return out.subarray(0, count);
}

/** The union of two ascending id lists, without duplicates. */
export function union(a: Ids, b: Ids): Ids {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length + b.length);
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[count++] = x;
      i++;
      j++;
    } else if (x < y) {
      out[count++] = x;
      i++;
    } else {
      out[count++] = y;
      j++;
    }
  }
  while (i < a.length) out[count++] = a[i++]!;
  while (j < b.length) out[count++] = b[j++]!;
  return out.subarray(0, count);
}

/** The ids for which `keep` says yes; the same list when it keeps all. */
export function filterIds(ids: Ids, keep: (id: number) => boolean): Ids {
  let count = 0;
  const out = new Uint32Array(ids.length);
  for (const id of ids) if (keep(id)) out[count++] = id;
  return count === ids.length ? ids : out.subarray(0, count);
}
