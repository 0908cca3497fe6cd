/**
 * Growable typed memory in a SharedArrayBuffer: the replica's entries live here once, in a form
 * that worker threads can read without a copy. Growing keeps the same buffer (a growable
 * SharedArrayBuffer reserves address space up front and commits pages as it grows), so views made
 * earlier stay valid; nothing is ever moved.
 */

/** Address space reserved per buffer; only what is written is backed by memory. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - 1;

export class SharedBytes {
  readonly buffer: SharedArrayBuffer;
  #bytes: Uint8Array;

  constructor(initialBytes = 1 << 16, maxBytes = MAX_BYTES) {
    this.buffer = new SharedArrayBuffer(initialBytes, { maxByteLength: maxBytes });
    this.#bytes = new Uint8Array(this.buffer);
  }

  /** A view of everything allocated so far (valid until the next `ensure` that grows the buffer). */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  get capacity(): number {
    return this.buffer.byteLength;
  }

  /** Makes room for `size` bytes in all, growing by doubling so appends stay amortised O(1). */
  ensure(size: number): void {
    if (size <= this.buffer.byteLength) return;
    if (size > this.buffer.maxByteLength) {
      throw new RangeError(`replica store full: ${size} bytes asked, ${this.buffer.maxByteLength} reserved`);
    }
    let next = Math.max(this.buffer.byteLength, 1 << 16);
    while (next < size) next *= 2;
    this.buffer.grow(Math.min(next, this.buffer.maxByteLength));
    this.#bytes = new Uint8Array(this.buffer);
  }
}

/** A growable array of uint32 in shared memory. */
export class SharedUint32s {
  readonly #bytes: SharedBytes;
  #view: Uint32Array;
  #length = 0;

  constructor(initialLength = 1024) {
    this.#bytes = new SharedBytes(initialLength * 4, 1 << 30);
    this.#view = new Uint32Array(this.#bytes.buffer);
  }

  get length(): number {
    return this.#length;
  }

  /** The shared memory itself, for a reader in another thread (it grows in place). */
  get buffer(): SharedArrayBuffer {
    return this.#bytes.buffer;
  }

  get view(): Uint32Array {
    return this.#view;
  }

  get(index: number): number {
    return this.#view[index]!;
  }

  set(index: number, value: number): void {
    this.#view[index] = value;
  }

  /**
   * Sets a value a reader in another thread may read at any moment, after everything written before
   * it (what it points to): an atomic store, which orders the writes before it.
   */
  publish(index: number, value: number): void {
    Atomics.store(this.#view, index, value);
  }

  push(value: number): number {
    this.ensureLength(this.#length + 1);
    this.#view[this.#length] = value;
    return this.#length++;
  }

  /** Makes indexes below `length` usable (new ones read 0). */
  ensureLength(length: number): void {
    if (length <= this.#view.length) {
      this.#length = Math.max(this.#length, length);
      return;
    }
    this.#bytes.ensure(length * 4);
    this.#view = new Uint32Array(this.#bytes.buffer);
    this.#length = Math.max(this.#length, length);
  }
}
