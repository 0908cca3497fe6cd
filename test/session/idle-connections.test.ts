/** The coarse clock of idle connections: never early, at most a tick late, quiet counted from the last activity. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleConnections, TICK_MS } from '../../src/session/idle-connections.js';

describe('IdleConnections', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells a connection once it has been quiet for its limit, not before, and at most a tick late', () => {
    const idle = new IdleConnections();
    vi.advanceTimersByTime(TICK_MS / 2);
    const onIdle = vi.fn();
    idle.watch(1, onIdle);
    vi.advanceTimersByTime(1000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(TICK_MS + 1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('counts the quiet from the last activity', () => {
    const idle = new IdleConnections();
    const onIdle = vi.fn();
    const watch = idle.watch(1, onIdle);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900);
      idle.touch(watch);
    }
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(TICK_MS + 1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('tells it again after as long when it stays (its operations still running)', () => {
    const idle = new IdleConnections();
    const onIdle = vi.fn();
    idle.watch(1, onIdle);
    vi.advanceTimersByTime(1000 + TICK_MS);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000 + TICK_MS);
    expect(onIdle).toHaveBeenCalledTimes(2);
  });

  it('never tells an unwatched connection, and stops ticking when none is watched', () => {
    const idle = new IdleConnections();
    const onIdle = vi.fn();
    const other = vi.fn();
    const watch = idle.watch(1, onIdle);
    const otherWatch = idle.watch(60, other);
    idle.unwatch(watch);
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
    idle.unwatch(otherWatch);
    expect(idle.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets a connection unwatch itself while it is told', () => {
    const idle = new IdleConnections();
    const watches = [1, 2, 3].map(() => {
      const watch = idle.watch(1, () => idle.unwatch(watch));
      return watch;
    });
    vi.advanceTimersByTime(1000 + TICK_MS);
    expect(idle.size).toBe(0);
    expect(watches).toHaveLength(3);
  });
});
