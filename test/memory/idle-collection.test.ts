/** An event loop collects once it goes quiet after work, once per busy spell, and never while busy. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectWhenIdle } from '../../src/memory/idle-collection.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Samples the loop's utilisation from a list, one a period, and counts the collections. */
function sampled(shares: readonly number[]) {
  vi.useFakeTimers();
  const queue = [...shares];
  const collect = vi.fn();
  const stop = collectWhenIdle({ sampleMs: 1_000, utilization: () => queue.shift() ?? 0, collect });
  return {
    collect,
    stop,
    /** Runs the next `count` samples. */
    run: (count = shares.length) => vi.advanceTimersByTime(count * 1_000),
  };
}

describe('collectWhenIdle', () => {
  it('collects at the first quiet sample after a busy one', () => {
    const loop = sampled([0.4, 0.3, 0.02, 0.005, 0]);
    loop.run(3);
    expect(loop.collect).not.toHaveBeenCalled(); // 0.02 is neither busy nor quiet
    loop.run(1);
    expect(loop.collect).toHaveBeenCalledTimes(1);
    loop.run(1);
    expect(loop.collect).toHaveBeenCalledTimes(1); // once per busy spell
    loop.stop();
  });

  it('never collects in a loop that has not worked, and again after each new busy spell', () => {
    const loop = sampled([0, 0.005, 0.01, 0.2, 0, 0, 0.06, 0.001]);
    loop.run(3);
    expect(loop.collect).not.toHaveBeenCalled();
    loop.run();
    expect(loop.collect).toHaveBeenCalledTimes(2);
    loop.stop();
  });

  it('never collects while the loop stays busy, and stops sampling when stopped', () => {
    const utilization = vi.fn(() => 0.5);
    vi.useFakeTimers();
    const collect = vi.fn();
    const stop = collectWhenIdle({ sampleMs: 1_000, utilization, collect });
    vi.advanceTimersByTime(10_000);
    expect(collect).not.toHaveBeenCalled();
    expect(utilization).toHaveBeenCalledTimes(10);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(utilization).toHaveBeenCalledTimes(10);
  });

  it('reads this thread’s own event loop by default', async () => {
    const collect = vi.fn();
    const stop = collectWhenIdle({ sampleMs: 50, collect });
    // Busy for a sample (a loop held for 80 ms), then quiet.
    const until = Date.now() + 80;
    while (Date.now() < until);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop();
    expect(collect).toHaveBeenCalled();
  });
});
