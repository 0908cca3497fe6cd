/**
 * Faults a test arms before a round: quota errors (429, N times or a storm until cleared), server
 * errors (500, 503), or requests that hang with no answer. Each armed fault matches requests by
 * path (by default every People API call, not the token endpoint), optionally only a full sync's
 * first page or only later pages, and is used up one request at a time, in the order armed.
 */
export type FaultKind = 'quota' | 'internal' | 'unavailable' | 'hang';

export interface FaultMatch {
  /** An exact path such as `/v1/people:listDirectoryPeople` or `/token`; default: any `/v1/` path. */
  readonly path?: string;
  /** Only the first page of a full sync (no pageToken, no syncToken), which has its own quota. */
  readonly firstPageOfFullSync?: boolean;
  /** Only the pages after the first of a listing or sync (requests with a pageToken): a fault mid-way. */
  readonly laterPages?: boolean;
}

export interface FaultOptions {
  /** How many requests fail; default 1. */
  readonly times?: number;
  /** Fail every matching request until `clear()`. */
  readonly storm?: boolean;
  readonly match?: FaultMatch;
}

interface ArmedFault {
  readonly kind: FaultKind;
  readonly match: FaultMatch;
  remaining: number;
}

export interface FaultTarget {
  readonly path: string;
  readonly query: URLSearchParams;
}

export class FaultPlan {
  private armed: ArmedFault[] = [];

  quota(options: FaultOptions = {}): void {
    this.arm('quota', options);
  }

  serverError(status: 500 | 503, options: FaultOptions = {}): void {
    this.arm(status === 500 ? 'internal' : 'unavailable', options);
  }

  hang(options: FaultOptions = {}): void {
    this.arm('hang', options);
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault this request meets, if any, using one of its remaining occurrences. */
  take(target: FaultTarget): FaultKind | undefined {
    const fault = this.armed.find((armed) => armed.remaining > 0 && matches(armed.match, target));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    return fault.kind;
  }

  private arm(kind: FaultKind, options: FaultOptions): void {
    const remaining = options.storm === true ? Number.POSITIVE_INFINITY : (options.times ?? 1);
    this.armed.push({ kind, match: options.match ?? {}, remaining });
  }
}

function matches(match: FaultMatch, target: FaultTarget): boolean {
  const pathMatches = match.path === undefined ? target.path.startsWith('/v1/') : target.path === match.path;
  if (!pathMatches) return false;
  if (match.laterPages === true && !target.query.has('pageToken')) return false;
  if (match.firstPageOfFullSync !== true) return true;
  return !target.query.has('pageToken') && !target.query.has('syncToken');
}
