/** After a big round, one full collection runs once the round has ended; requests meanwhile share it. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryReleased, releaseMemory } from '../../src/memory/release-memory.js';

const global = globalThis as { gc?: () => void };
const exposed = global.gc;

afterEach(() => {
  vi.useRealTimers();
  global.gc = exposed;
});

describe('releaseMemory', () => {
  it('collects once, after the round that asked has ended, however often it is asked meanwhile', () => {
    vi.useFakeTimers();
    const gc = vi.fn();
    global.gc = gc;
    releaseMemory();
    releaseMemory();
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(gc).toHaveBeenCalledTimes(1);
    releaseMemory();
    vi.advanceTimersByTime(100);
    expect(gc).toHaveBeenCalledTimes(2);
  });

  it('tells when the collection asked for has run', async () => {
    vi.useFakeTimers();
    // The first test's collector is the one in use from then on (it is looked up once).
    let ran = false;
    releaseMemory();
    const released = memoryReleased().then(() => (ran = true));
    await Promise.resolve();
    expect(ran).toBe(false);
    vi.advanceTimersByTime(100);
    await released;
    expect(ran).toBe(true);
    await memoryReleased();
  });
});
