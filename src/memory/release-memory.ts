/**
 * A full garbage collection after a replica's big rounds (a first load, a restore, a full listing
 * applied as a diff), and when an event loop goes quiet after work (idle-collection.ts). Loading
 * 100,000 people leaves tens of megabytes of parsed rows that V8 has promoted to its old space and
 * keeps, committed, until a full collection that may not come for a long time: measured on 100,000
 * AD-shaped people, RSS after load falls from about 316 MB to 278 MB. Node exposes `gc` only behind
 * a flag, which the V8 API can set at run time; a process started with `--expose-gc` already has it.
 * Costs one pause of well under a second after a round of seconds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A round that listed at least this many records (or a snapshot of as many) leaves enough garbage to collect. */
export const RELEASE_AFTER = 10_000;

let collect: (() => void) | undefined;
/** The collection asked for and not run yet: resolves when it has. */
let scheduled: Promise<void> | undefined;

/**
 * Collects once the round that asks has ended: its listing, parser and builders are garbage by
 * then, not still on the stack.
 */
export function releaseMemory(): void {
  scheduled ??= new Promise((resolve) => {
    setTimeout(() => {
      scheduled = undefined;
      collect ??= fullCollection();
      collect();
      resolve();
    }, 100).unref();
  });
}

/** Resolves once the collection asked for has run (at once when none is pending). */
export function memoryReleased(): Promise<void> {
  return scheduled ?? Promise.resolve();
}

function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
