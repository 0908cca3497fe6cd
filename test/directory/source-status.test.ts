import { describe, expect, it, vi } from 'vitest';
import { SourceHealth } from '../../src/directory/source-status.js';
import { SourceBusy, SourceError } from '../../src/sources/source.js';

describe('source health', () => {
  it('a replica whose reloads fail is stale since the first failure, and ready again after a load; failures and the last round are counted', () => {
    const health = new SourceHealth('replica');
    expect(health.status.state).toBe('loading');
    health.succeeded(new Date('2026-01-01T10:00:00Z'));
    health.failed(new Error('refused'), true, new Date('2026-01-01T10:15:00Z'));
    health.failed(new Error('refused again'), true, new Date('2026-01-01T10:30:00Z'));
    expect(health.status).toEqual({
      state: 'stale',
      lastLoad: new Date('2026-01-01T10:00:00Z'),
      staleSince: new Date('2026-01-01T10:15:00Z'),
      lastError: { message: 'refused again', at: new Date('2026-01-01T10:30:00Z') },
      errors: 2,
    });
    health.timed(1234);
    health.succeeded(new Date('2026-01-01T10:45:00Z'));
    expect(health.status).toEqual({
      state: 'ready',
      lastLoad: new Date('2026-01-01T10:45:00Z'),
      lastError: { message: 'refused again', at: new Date('2026-01-01T10:30:00Z') },
      errors: 2,
      lastRoundMs: 1234,
    });
  });

  it('a replica that never loaded has failed, not gone stale', () => {
    const health = new SourceHealth('replica');
    health.failed(new Error('refused'), false, new Date('2026-01-01T10:00:00Z'));
    expect(health.status.state).toBe('failed');
    expect(health.status.staleSince).toBeUndefined();
  });

  it('a live search that reached the backend shows as the last load, read when the status is, and a failed source is ready again after one', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T10:00:00Z') });
    try {
      const health = new SourceHealth('live');
      health.searched();
      vi.setSystemTime(new Date('2026-01-01T10:05:00Z'));
      health.searched();
      expect(health.status).toEqual({
        state: 'ready',
        lastLoad: new Date('2026-01-01T10:05:00Z'),
        errors: 0,
      });
      health.failed(new Error('refused'), false, new Date('2026-01-01T10:06:00Z'));
      expect(health.status.state).toBe('failed');
      expect(health.status.lastLoad).toEqual(new Date('2026-01-01T10:05:00Z'));
      vi.setSystemTime(new Date('2026-01-01T10:07:00Z'));
      health.searched();
      expect(health.status).toEqual({
        state: 'ready',
        lastLoad: new Date('2026-01-01T10:07:00Z'),
        lastError: { message: 'refused', at: new Date('2026-01-01T10:06:00Z') },
        errors: 1,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a live search refused as busy leaves the state as it was; one the backend failed marks it failed', async () => {
    const health = new SourceHealth('live');
    const drain = async (items: AsyncIterable<unknown>): Promise<unknown> => {
      try {
        for await (const item of items) expect(item).toBeUndefined();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const refused = (error: Error): AsyncIterable<never> => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    });
    const signal = new AbortController().signal;
    const busy = new SourceBusy('gal', 'every backend request is taken');
    expect(await drain(health.track(refused(busy), signal))).toBe(busy);
    expect(health.status).toMatchObject({ state: 'ready', errors: 0 });
    expect(health.status.lastError).toBeUndefined();
    await drain(health.track(refused(new SourceError('gal', 'connection refused')), signal));
    expect(health.status).toMatchObject({ state: 'failed', errors: 1 });
    expect(health.status.lastError?.message).toBe('source gal: connection refused');
  });
});
