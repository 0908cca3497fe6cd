/**
 * Connections per listener across the listener threads, for cn=Monitor and the metrics: each
 * thread counts those it accepts in its own cells of shared memory, and a reader adds up every
 * thread's. Counted in each thread alone, cn=Monitor read through a thread told of that thread's
 * connections only, and the metrics (the main thread's) of the main thread's.
 */
import type { ListenerCountCells } from '../observability/connection-counters.js';

/** Per listener and thread: connections open now, and accepted since start. */
const OPEN = 0;
const ACCEPTED = 1;
const COUNTS = 2;

export class SharedListenerCounts implements ListenerCountCells {
  readonly #cells: BigInt64Array;
  readonly #threads: number;

  constructor(
    readonly buffer: SharedArrayBuffer,
    /** This thread's cells (0: the main thread). */
    private readonly thread: number,
    /** Listeners counted (`config.listen`, the same in every thread). */
    private readonly listeners: number,
  ) {
    this.#cells = new BigInt64Array(buffer);
    this.#threads = this.#cells.length / (COUNTS * Math.max(listeners, 1));
  }

  /** Memory for the main thread and `threads` listener threads serving `listeners` listeners. */
  static memory(threads: number, listeners: number): SharedArrayBuffer {
    return new SharedArrayBuffer(8 * COUNTS * Math.max(listeners, 1) * (threads + 1));
  }

  opened(listener: number): void {
    if (listener >= this.listeners) return;
    Atomics.add(this.#cells, this.#at(this.thread, listener, ACCEPTED), 1n);
    Atomics.add(this.#cells, this.#at(this.thread, listener, OPEN), 1n);
  }

  closed(listener: number): void {
    if (listener < this.listeners) Atomics.sub(this.#cells, this.#at(this.thread, listener, OPEN), 1n);
  }

  /** Every thread's counts of a listener added up; undefined for one beyond those counted here. */
  counts(listener: number): { open: number; accepted: number } | undefined {
    if (listener >= this.listeners) return undefined;
    let open = 0n;
    let accepted = 0n;
    for (let thread = 0; thread < this.#threads; thread++) {
      open += Atomics.load(this.#cells, this.#at(thread, listener, OPEN));
      accepted += Atomics.load(this.#cells, this.#at(thread, listener, ACCEPTED));
    }
    return { open: Number(open), accepted: Number(accepted) };
  }

  /** A thread that ended holds no connection any more; what it accepted stays counted. */
  forget(thread: number): void {
    for (let listener = 0; listener < this.listeners; listener++) {
      Atomics.store(this.#cells, this.#at(thread, listener, OPEN), 0n);
    }
  }

  #at(thread: number, listener: number, count: number): number {
    return (thread * this.listeners + listener) * COUNTS + count;
  }
}
