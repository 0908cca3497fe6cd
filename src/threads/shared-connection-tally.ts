/**
 * `limits.maxConnections` across the listener threads: each thread counts its connections in its
 * own cell of shared memory, and a thread deciding on a new connection adds them all up. Cells, not
 * one counter, so that a thread that dies can be forgotten by zeroing its cell.
 */
import type { ConnectionTally } from '../server.js';

export class SharedConnectionTally implements ConnectionTally {
  readonly #cells: Int32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    /** This thread's cell. */
    private readonly cell: number,
  ) {
    this.#cells = new Int32Array(buffer);
  }

  /** Memory for the main thread and `threads` listener threads. */
  static memory(threads: number): SharedArrayBuffer {
    return new SharedArrayBuffer(4 * (threads + 1));
  }

  add(delta: number): void {
    if (delta !== 0) Atomics.add(this.#cells, this.cell, delta);
  }

  get count(): number {
    let count = 0;
    for (let cell = 0; cell < this.#cells.length; cell++) count += Atomics.load(this.#cells, cell);
    return count;
  }

  /** A thread that ended holds no connection any more. */
  forget(cell: number): void {
    Atomics.store(this.#cells, cell, 0);
  }
}
