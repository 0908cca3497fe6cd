import { describe, expect, it } from 'vitest';
import { ScryptQueue, type ScryptPlace } from '../../src/auth/scrypt-queue.js';

/** Work that runs until it is let go, recording how many run at once and in which order they started. */
function gatedWork() {
  const started: string[] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  let mostAtOnce = 0;
  const work = (label: string) => (): Promise<string> => {
    started.push(label);
    active++;
    mostAtOnce = Math.max(mostAtOnce, active);
    return new Promise((resolve) =>
      gates.push(() => {
        active--;
        resolve(label);
      }),
    );
  };
  return {
    work,
    started,
    mostAtOnce: () => mostAtOnce,
    /** Lets the oldest running work finish, and lets the queue hand its slot on. */
    async finishOne(): Promise<void> {
      gates.shift()?.();
      await settle();
    },
  };
}

/** Lets promise callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const signal = new AbortController().signal;

function placeFor(queue: ScryptQueue, trusted = false): ScryptPlace {
  const place = queue.reserve(trusted);
  expect(place).toBeDefined();
  return place!;
}

describe('scrypt queue', () => {
  it('runs at most `running` computations at once, the others in the order they came', async () => {
    const queue = new ScryptQueue({ running: 2, waiting: 10 });
    const gated = gatedWork();
    const results = ['a', 'b', 'c', 'd', 'e'].map((label) => placeFor(queue).run(gated.work(label), signal));
    await settle();
    expect(gated.started).toEqual(['a', 'b']);
    expect(queue.running).toBe(2);
    for (let i = 0; i < 5; i++) await gated.finishOne();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gated.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gated.mostAtOnce()).toBe(2);
    expect(queue.running).toBe(0);
  });

  it('gives no place past `waiting` binds not yet running, and one again when a place is freed', async () => {
    const queue = new ScryptQueue({ running: 1, waiting: 2 });
    const gated = gatedWork();
    const first = placeFor(queue).run(gated.work('running'), signal);
    await settle();
    // Running does not hold a place: two more may wait.
    const waiting = [placeFor(queue), placeFor(queue)];
    expect(queue.reserve(false)).toBeUndefined();
    expect(queue.held(false)).toBe(2);
    // A place given up unused makes room at once.
    waiting[0]!.release();
    const again = placeFor(queue);
    expect(queue.reserve(false)).toBeUndefined();
    await gated.finishOne();
    await first;
    again.release();
    waiting[1]!.release();
    expect(queue.held(false)).toBe(0);
  });

  it('keeps places for trusted clients apart, and gives them freed slots first', async () => {
    const queue = new ScryptQueue({ running: 1, waiting: 2 });
    const gated = gatedWork();
    const running = placeFor(queue).run(gated.work('outsider-0'), signal);
    await settle();
    const outsiders = [1, 2].map((i) => placeFor(queue).run(gated.work(`outsider-${i}`), signal));
    expect(queue.reserve(false)).toBeUndefined();
    // A flood from outside fills its own places only: the PBX's user still gets one.
    const pbx = placeFor(queue, true).run(gated.work('pbx'), signal);
    await settle();
    for (let i = 0; i < 4; i++) await gated.finishOne();
    await Promise.all([running, pbx, ...outsiders]);
    expect(gated.started).toEqual(['outsider-0', 'pbx', 'outsider-1', 'outsider-2']);
  });

  it('does not run the work of a client that left while waiting, and frees its place', async () => {
    const queue = new ScryptQueue({ running: 1, waiting: 2 });
    const gated = gatedWork();
    const running = placeFor(queue).run(gated.work('running'), signal);
    await settle();
    const client = new AbortController();
    const left = placeFor(queue).run(gated.work('left'), client.signal);
    const next = placeFor(queue).run(gated.work('next'), signal);
    await settle();
    client.abort();
    expect(await left).toBeUndefined();
    expect(queue.held(false)).toBe(1);
    await gated.finishOne();
    await gated.finishOne();
    expect(await Promise.all([running, next])).toEqual(['running', 'next']);
    expect(gated.started).toEqual(['running', 'next']);
  });

  it('runs nothing for a client already gone', async () => {
    const queue = new ScryptQueue({ running: 1, waiting: 1 });
    const gated = gatedWork();
    const gone = new AbortController();
    gone.abort();
    expect(await placeFor(queue).run(gated.work('gone'), gone.signal)).toBeUndefined();
    expect(gated.started).toEqual([]);
    expect(queue.held(false)).toBe(0);
    expect(queue.running).toBe(0);
  });

  it('frees the slot when the work fails', async () => {
    const queue = new ScryptQueue({ running: 1, waiting: 1 });
    await expect(
      placeFor(queue).run(() => Promise.reject(new Error('scrypt: out of memory')), signal),
    ).rejects.toThrow('out of memory');
    expect(queue.running).toBe(0);
    expect(await placeFor(queue).run(() => Promise.resolve('next'), signal)).toBe('next');
  });

  it('runs one computation per place', async () => {
    const queue = new ScryptQueue({ running: 1, waiting: 1 });
    const place = placeFor(queue);
    await place.run(() => Promise.resolve(1), signal);
    place.release();
    await expect(place.run(() => Promise.resolve(2), signal)).rejects.toThrow('one computation');
  });

  it('refuses limits that would run nothing', () => {
    expect(() => new ScryptQueue({ running: 0, waiting: 4 })).toThrow(RangeError);
    expect(() => new ScryptQueue({ running: 2, waiting: 0 })).toThrow(RangeError);
  });
});
