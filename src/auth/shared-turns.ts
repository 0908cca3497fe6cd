/**
 * The throttle's binds under way, in shared memory, so that a listener thread can give a bind its
 * turn itself instead of asking the main thread through a port (a message costs both threads tens
 * of microseconds, as much as the rest of a service account's bind). Keys (logins, client addresses,
 * turns) are hashed to slots; per slot and lane (logins, addresses) it holds:
 * - `underWay`: binds under way whose turn hashes there, from every thread (the main thread's
 *   throttle counts its own binds and those it admits for threads here too);
 * - `failing`: how many keys hashing there the main thread's throttle counts failures for;
 * - `waiting`: how many binds the main thread keeps waiting for a turn there, so that a thread
 *   whose bind ends tells it (and only then);
 * - per listener thread, the turns it took itself and holds, so that those of a thread that dies
 *   can be given back.
 * A slot shared by several keys adds them up: a collision only makes a bind look busier or failing,
 * so it takes its turn the slow way (through the main thread) or waits longer, never the fast way.
 */

/** The throttle's two tables: failures and turns per login, and per client address. */
export type LaneIndex = 0 | 1;
export const LOGINS: LaneIndex = 0;
export const ADDRESSES: LaneIndex = 1;

/** Slots per lane: a few hundred KiB in all, so that collisions are rare among the keys in use. */
const SLOTS = 8192;
/** The hash seed, then the throttle in force: whether it delays at all, and each lane's free failures. */
const SEED = 0;
const ON = 1;
const FREE = 2;
const HEADER = 4;
const UNDER_WAY = 0;
const WAITING = 1;
const FAILING = 2;

export interface SharedSettings {
  /** Whether the throttle delays at all (`delay` > 0): off, a bind never waits. */
  readonly on: boolean;
  /** Failures that are answered without delay, per lane. */
  readonly free: readonly [number, number];
}

export class SharedTurns {
  readonly #cells: Int32Array;
  readonly #seed: number;
  /** Main thread only: the binds it keeps waiting, per lane and slot. */
  readonly #waiters = new Map<number, Set<() => void>>();
  /** Main thread only: which throttle marks failing keys (takeOver). */
  #owner = 0;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.#cells = new Int32Array(buffer);
    this.#seed = Atomics.load(this.#cells, SEED);
  }

  /** Memory for the main thread and `threads` listener threads, with a random hash seed. */
  static memory(threads: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(4 * (HEADER + 2 * SLOTS * (3 + threads)));
    // Random, so that nobody can pick names that fall on the slot of a login they want to slow down.
    new Int32Array(buffer)[SEED] = (Math.random() * 2 ** 31) | 0;
    return buffer;
  }

  /** The slot of `key` in a lane (FNV-1a over its UTF-16 code units). */
  slot(key: string): number {
    let hash = 0x811c9dc5 ^ this.#seed;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return (hash >>> 0) % SLOTS;
  }

  /**
   * How many binds a key no failure is counted for may have under way, each answered without
   * delay: its free failures (0: none is), any number when the throttle is off.
   */
  freeTurns(lane: LaneIndex): number {
    if (Atomics.load(this.#cells, ON) === 0) return Infinity;
    return Atomics.load(this.#cells, FREE + lane);
  }

  /**
   * A throttle took over (at start, or after a reload changed it): its settings, no key failing yet.
   * Returns how it marks the keys it counts failures for; the previous throttle's marking stops (its
   * last binds still settle there, but its failures are no longer the ones in force).
   */
  takeOver(settings: SharedSettings): (lane: LaneIndex, key: string, delta: 1 | -1) => void {
    const owner = ++this.#owner;
    const cells = this.#cells;
    Atomics.store(cells, ON, settings.on ? 1 : 0);
    Atomics.store(cells, FREE + LOGINS, settings.free[LOGINS]);
    Atomics.store(cells, FREE + ADDRESSES, settings.free[ADDRESSES]);
    for (const lane of [LOGINS, ADDRESSES]) {
      const start = this.#at(lane, FAILING, 0);
      for (let slot = 0; slot < SLOTS; slot++) Atomics.store(cells, start + slot, 0);
    }
    return (lane, key, delta) => {
      if (owner === this.#owner) Atomics.add(cells, this.#at(lane, FAILING, this.slot(key)), delta);
    };
  }

  underWay(lane: LaneIndex, slot: number): number {
    return Atomics.load(this.#cells, this.#at(lane, UNDER_WAY, slot));
  }

  /**
   * Takes a turn if fewer than `limit` binds are under way in the slot: one compare-and-swap, so
   * two threads can never both take the last one. `holder`: the listener thread that holds the
   * turn (0: the main thread, whose turns end with its throttle).
   */
  tryEnter(lane: LaneIndex, slot: number, limit: number, holder = 0): boolean {
    const cells = this.#cells;
    const at = this.#at(lane, UNDER_WAY, slot);
    for (let seen = Atomics.load(cells, at); seen < limit;) {
      const before = Atomics.compareExchange(cells, at, seen, seen + 1);
      if (before === seen) {
        // After the count: a thread that dies in between leaves a turn taken (stricter), never freed.
        if (holder > 0) Atomics.add(cells, this.#held(holder, lane, slot), 1);
        return true;
      }
      seen = before;
    }
    return false;
  }

  /** A turn ends; true if the main thread keeps a bind waiting in the slot (it must be told). */
  leave(lane: LaneIndex, slot: number, holder = 0): boolean {
    const cells = this.#cells;
    if (holder > 0) Atomics.sub(cells, this.#held(holder, lane, slot), 1);
    Atomics.sub(cells, this.#at(lane, UNDER_WAY, slot), 1);
    // Read after the count changed, while the main thread marks before it looks at the count: one
    // of the two sees the other (Atomics are sequentially consistent), so no wake-up is lost.
    return Atomics.load(cells, this.#at(lane, WAITING, slot)) > 0;
  }

  /**
   * A listener thread hands a turn it holds to the main thread, which counts the bind's outcome and
   * then ends the turn: counted before it ends, so no other bind takes the turn before it sees the
   * failure.
   */
  handOver(lane: LaneIndex, slot: number, holder: number): void {
    Atomics.sub(this.#cells, this.#held(holder, lane, slot), 1);
  }

  /** The turns a listener thread that ended still held end (its binds are gone with it). */
  release(holder: number): void {
    const cells = this.#cells;
    for (const lane of [LOGINS, ADDRESSES]) {
      for (let slot = 0; slot < SLOTS; slot++) {
        const held = Atomics.exchange(cells, this.#held(holder, lane, slot), 0);
        if (held === 0) continue;
        Atomics.sub(cells, this.#at(lane, UNDER_WAY, slot), held);
        this.wake(lane, slot);
      }
    }
  }

  /** Whether the main thread's throttle counts failures for a key in the slot (or one sharing it). */
  failing(lane: LaneIndex, slot: number): boolean {
    return Atomics.load(this.#cells, this.#at(lane, FAILING, slot)) > 0;
  }

  /**
   * Main thread: resolves when a turn in the slot ends, at once if fewer than `limit` are under way
   * once the slot is marked as waited for, or when `signal` aborts (the client went away).
   */
  whenBelow(lane: LaneIndex, slot: number, limit: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const cells = this.#cells;
      const mark = this.#at(lane, WAITING, slot);
      const key = lane * SLOTS + slot;
      const waiters = this.#waiters.get(key) ?? new Set<() => void>();
      this.#waiters.set(key, waiters);
      const done = (): void => {
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        signal.removeEventListener('abort', done);
        Atomics.sub(cells, mark, 1);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
      Atomics.add(cells, mark, 1);
      // A turn that ended in a thread before the mark was there was not told: looked at here.
      if (this.underWay(lane, slot) < limit) done();
    });
  }

  /** Main thread: a turn in the slot ended (here or in a thread): the binds waiting there look again. */
  wake(lane: LaneIndex, slot: number): void {
    const waiters = this.#waiters.get(lane * SLOTS + slot);
    for (const done of [...(waiters ?? [])]) done();
  }

  #at(lane: LaneIndex, field: number, slot: number): number {
    return HEADER + (lane * 3 + field) * SLOTS + slot;
  }

  /** Where a listener thread (from 1) counts the turns it holds. */
  #held(holder: number, lane: LaneIndex, slot: number): number {
    return HEADER + (6 + (holder - 1) * 2 + lane) * SLOTS + slot;
  }
}
