/**
 * Whether this instance should take traffic (`/readyz`), from what cn=Monitor shows: every replica
 * serves a copy (ready, held by the deletion guard, or stale for no longer than its `maxStale`),
 * and every live source is there to be asked. A balancer then prefers an instance whose copies are
 * current, and one still loading is not sent phones it cannot answer.
 */
import type { MonitoredSource } from '../directory/monitor-entries.js';

export interface SourceReadiness {
  readonly source: string;
  readonly ready: boolean;
  /** Why, in a few words: the state, and for a stale copy since when. */
  readonly reason: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly sources: readonly SourceReadiness[];
}

/** `maxStaleMs`: each source's `maxStale`, in ms. */
export function readiness(
  sources: readonly MonitoredSource[],
  maxStaleMs: (source: string) => number,
  now = Date.now(),
): Readiness {
  const each = sources.map((source) => sourceReadiness(source, maxStaleMs(source.name), now));
  return { ready: each.every((source) => source.ready), sources: each };
}

function sourceReadiness(source: MonitoredSource, maxStaleMs: number, now: number): SourceReadiness {
  const { state, staleSince } = source.status;
  const verdict = (ready: boolean, reason: string): SourceReadiness => ({
    source: source.name,
    ready,
    reason,
  });
  // A live source's state is its last search's: each search reaches the backend itself.
  if (source.mode === 'live') return verdict(true, `live (last search: ${state})`);
  switch (state) {
    case 'ready':
      return verdict(true, 'ready');
    case 'held':
      return verdict(true, 'held by the deletion guard; the copy before it serves');
    case 'stale': {
      const staleMs = now - (staleSince?.getTime() ?? now);
      const since = `stale since ${staleSince?.toISOString() ?? 'now'}`;
      return staleMs <= maxStaleMs
        ? verdict(true, since)
        : verdict(false, `${since}, longer than maxStale (${Math.round(maxStaleMs / 1000)} s)`);
    }
    case 'loading':
      return verdict(false, 'loading its first copy');
    case 'failed':
      return verdict(false, 'failed: no copy to serve');
  }
}
