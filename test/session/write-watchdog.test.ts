/** The stall detector on its own, with a fake socket's counters and fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECKS_PER_TIMEOUT, WriteWatchdog, type QueuedOutput } from '../../src/session/write-watchdog.js';

const TIMEOUT_MS = 3_000;

/** A socket's output: `queue` bytes written, `take` bytes taken by the kernel. */
class FakeOutput implements QueuedOutput {
  bytesWritten = 0;
  writableLength = 0;

  queue(bytes: number): void {
    this.bytesWritten += bytes;
    this.writableLength += bytes;
  }

  take(bytes: number): void {
    this.writableLength -= Math.min(bytes, this.writableLength);
  }
}

let stalls: number;
let watchdog: WriteWatchdog;
let output: FakeOutput;

beforeEach(() => {
  vi.useFakeTimers();
  stalls = 0;
  watchdog = new WriteWatchdog(TIMEOUT_MS, () => stalls++);
  output = new FakeOutput();
});

afterEach(() => {
  watchdog.stop();
  vi.useRealTimers();
});

describe('WriteWatchdog', () => {
  it('does not start while the kernel takes every write at once', () => {
    output.queue(100);
    output.take(100);
    watchdog.watch(output);
    expect(watchdog.watching).toBe(false);
    vi.advanceTimersByTime(10 * TIMEOUT_MS);
    expect(stalls).toBe(0);
  });

  it('reports output that has not moved for the timeout, not before, and stops', () => {
    output.queue(50_000);
    watchdog.watch(output);
    expect(watchdog.watching).toBe(true);
    vi.advanceTimersByTime(TIMEOUT_MS - 1);
    expect(stalls).toBe(0);
    vi.advanceTimersByTime(1);
    expect(stalls).toBe(1);
    expect(watchdog.watching).toBe(false);
    vi.advanceTimersByTime(10 * TIMEOUT_MS);
    expect(stalls).toBe(1);
  });

  it('reports a stall at most a tenth of the timeout after the last byte was taken', () => {
    output.queue(50_000);
    watchdog.watch(output);
    vi.advanceTimersByTime(TIMEOUT_MS / 2 + 1);
    output.take(10);
    const lastProgress = Date.now();
    let reported: number | undefined;
    while (reported === undefined) {
      vi.advanceTimersByTime(10);
      if (stalls > 0) reported = Date.now();
    }
    expect(reported - lastProgress).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(reported - lastProgress).toBeLessThanOrEqual(TIMEOUT_MS + TIMEOUT_MS / CHECKS_PER_TIMEOUT);
  });

  it('never reports a reader that takes a little now and then, however long the queue stays full', () => {
    output.queue(10_000_000);
    watchdog.watch(output);
    for (let elapsed = 0; elapsed < 100 * TIMEOUT_MS; elapsed += TIMEOUT_MS * 0.9) {
      vi.advanceTimersByTime(TIMEOUT_MS * 0.9);
      // One byte taken, and as much queued again: the queue never drains.
      output.take(1);
      output.queue(1);
      watchdog.watch(output);
    }
    expect(stalls).toBe(0);
    expect(watchdog.watching).toBe(true);
  });

  it('stops once the queue is empty and starts afresh with the next queued write', () => {
    output.queue(1_000);
    watchdog.watch(output);
    vi.advanceTimersByTime(TIMEOUT_MS / 2);
    output.take(1_000);
    vi.advanceTimersByTime(TIMEOUT_MS / CHECKS_PER_TIMEOUT);
    expect(watchdog.watching).toBe(false);
    // Queued again much later: the earlier half timeout does not count against it.
    vi.advanceTimersByTime(10 * TIMEOUT_MS);
    output.queue(1_000);
    watchdog.watch(output);
    vi.advanceTimersByTime(TIMEOUT_MS - 1);
    expect(stalls).toBe(0);
    vi.advanceTimersByTime(1);
    expect(stalls).toBe(1);
  });

  it('runs one timer however many writes there are', () => {
    output.queue(1_000);
    for (let i = 0; i < 1_000; i++) watchdog.watch(output);
    expect(vi.getTimerCount()).toBe(1);
  });
});
