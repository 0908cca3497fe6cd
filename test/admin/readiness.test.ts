/** Readiness from cn=Monitor's view: replicas that serve, stale ones only within maxStale, live ones always. */
import { describe, expect, it } from 'vitest';
import { readiness } from '../../src/admin/readiness.js';
import type { MonitoredSource } from '../../src/directory/monitor-entries.js';
import type { SourceStatus } from '../../src/directory/source-status.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const replica = (name: string, status: SourceStatus): MonitoredSource => ({ name, mode: 'replica', status });
const minutesAgo = (minutes: number): Date => new Date(NOW - minutes * 60_000);

describe('readiness', () => {
  it('is ready when every replica serves, held ones included', () => {
    const verdict = readiness(
      [
        replica('a', { state: 'ready', lastLoad: minutesAgo(1) }),
        replica('b', {
          state: 'held',
          held: { deletions: 40, entries: 100, limit: 10, since: minutesAgo(5) },
        }),
      ],
      () => 3_600_000,
      NOW,
    );
    expect(verdict.ready).toBe(true);
    expect(verdict.sources.map((source) => source.ready)).toEqual([true, true]);
  });

  it('takes a stale copy as ready only within maxStale, per source', () => {
    const stale = replica('hr', { state: 'stale', staleSince: minutesAgo(30) });
    expect(readiness([stale], () => 3_600_000, NOW).ready).toBe(true);
    const verdict = readiness([stale], () => 600_000, NOW);
    expect(verdict.ready).toBe(false);
    expect(verdict.sources[0]!.reason).toBe(
      'stale since 2026-12-06T11:30:00.000Z, longer than maxStale (600 s)',
    );
  });

  it('is not ready while a replica loads or has nothing to serve', () => {
    for (const state of ['loading', 'failed'] as const)
      expect(readiness([replica('x', { state })], () => 3_600_000, NOW).ready).toBe(false);
  });

  it('counts a live source ready whatever its last search met', () => {
    const live: MonitoredSource = {
      name: 'ad',
      mode: 'live',
      status: { state: 'failed', lastError: { message: 'down', at: minutesAgo(1) } },
    };
    expect(readiness([live], () => 0, NOW)).toEqual({
      ready: true,
      sources: [{ source: 'ad', ready: true, reason: 'live (last search: failed)' }],
    });
  });
});
