/**
 * Fixed-size typed arrays in shared memory, for the index (slot-index.ts): built once, never
 * written after, and read by every thread through the same memory (SlotIndex.share, attach). A
 * typed array over a SharedArrayBuffer is posted to a worker as a view of the same memory, not a
 * copy; one over an ordinary buffer would be copied, silently, so what an index keeps comes from
 * here. Lists made per search (intersections, unions) stay ordinary arrays: nobody else reads them.
 */

/** A Uint32Array of `length` zeros in a SharedArrayBuffer of its own. */
export function sharedUint32s(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

/** A Uint16Array of `length` zeros in a SharedArrayBuffer of its own. */
export function sharedUint16s(length: number): Uint16Array {
  return new Uint16Array(new SharedArrayBuffer(length * 2));
}

/** A Uint8Array of `length` zeros in a SharedArrayBuffer of its own. */
export function sharedUint8s(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** The array itself when its memory is shared already, else a copy in shared memory. */
export function inShared<T extends Uint32Array | Uint16Array | Uint8Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(array.byteLength),
  );
  copy.set(array);
  return copy;
}
