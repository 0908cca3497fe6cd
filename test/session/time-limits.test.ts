/** The coarse clock of search time limits: never early, at most a tick late, idle when unused. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TICK_MS, TimeLimits } from '../../src/session/time-limits.js';

describe('TimeLimits', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('aborts with the reason once the limit has passed, not before, and at most a tick late', () => {
    const limits = new TimeLimits();
    vi.advanceTimersByTime(TICK_MS / 2);
    const controller = new AbortController();
    const reason = new Error('time');
    limits.watch(1, controller, reason);
    vi.advanceTimersByTime(1000 - 1);
    expect(controller.signal.aborted).toBe(false);
    vi.advanceTimersByTime(TICK_MS + 1);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(reason);
    expect(limits.size).toBe(0);
  });

  it('is never early for a limit set between two ticks', () => {
    const limits = new TimeLimits();
    limits.watch(5, new AbortController(), 'first');
    vi.advanceTimersByTime(TICK_MS * 3 + TICK_MS - 1);
    const controller = new AbortController();
    limits.watch(1, controller, 'second');
    vi.advanceTimersByTime(1000 - 1);
    expect(controller.signal.aborted).toBe(false);
    vi.advanceTimersByTime(TICK_MS + 1);
    expect(controller.signal.aborted).toBe(true);
  });

  it('never aborts a released limit, and stops ticking when nothing is watched', () => {
    const limits = new TimeLimits();
    const controller = new AbortController();
    const limit = limits.watch(1, controller, 'time');
    limits.release(limit);
    vi.advanceTimersByTime(5000);
    expect(controller.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
