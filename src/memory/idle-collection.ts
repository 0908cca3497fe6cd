/**
 * A full collection once an event loop goes quiet after work. V8 gives back the pages a busy spell
 * left (its young generation grown to its most, old-space pages emptied) when its memory reducer
 * runs, which it decides by heuristics of its own: at 100,000 people after the bench's runs, a
 * server with a listener thread gave them back 45 to 80 s later in two runs and still held 260 MiB
 * a minute later in a third. With this collection, servers with and without a thread settled within
 * 20 s in all three runs (159-177 MiB without a thread, 194-235 with one).
 *
 * Each event loop (the main thread and every listener thread) samples its own utilisation; after a
 * sample busy enough to leave garbage, the first quiet one collects: one pause, when no request waits.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { releaseMemory } from './release-memory.js';

/** How often the loop's utilisation is sampled. */
const SAMPLE_MS = 5_000;
/** A sample at least this busy (a share of the loop's time) leaves garbage worth a collection. */
const BUSY = 0.05;
/** A sample at most this busy is quiet: a pause then delays next to nothing. */
const QUIET = 0.01;

export interface IdleCollectionOptions {
  readonly sampleMs?: number;
  /** The loop's utilisation since the previous call (default: this thread's, from perf_hooks). */
  readonly utilization?: () => number;
  /** The collection (default: releaseMemory). */
  readonly collect?: () => void;
}

/** Starts sampling this thread's event loop; returns what stops it. */
export function collectWhenIdle(options: IdleCollectionOptions = {}): () => void {
  const utilization = options.utilization ?? loopUtilization();
  const collect = options.collect ?? releaseMemory;
  let worked = false;
  const timer = setInterval(() => {
    const share = utilization();
    if (share >= BUSY) worked = true;
    else if (worked && share <= QUIET) {
      worked = false;
      collect();
    }
  }, options.sampleMs ?? SAMPLE_MS).unref();
  return () => clearInterval(timer);
}

/** This thread's event loop utilisation since the previous call. */
function loopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return share;
  };
}
