/**
 * Every request the fake received, in arrival order, for assertions: method, path, decoded query,
 * headers (lower-case names: `authorization`, `consistencylevel`, `x-ms-throttle-priority`,
 * `retry-attempt`...), the body, and how it ended (the status written, or hung / aborted).
 */

export type RequestOutcome = number | 'hung' | 'aborted' | 'pending';

export interface RecordedRequest {
  readonly seq: number;
  readonly method: string;
  /** The path without the query, as sent (percent-encoding kept). */
  readonly path: string;
  /** Query parameters, decoded (`$filter`, `$select`, ...); a repeated name keeps its last value. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly receivedAt: number;
  /** The status written, or what happened instead; 'pending' until then. */
  readonly outcome: RequestOutcome;
}

/** Which requests a fault or an assertion is about: a path prefix, a pattern on the path, or a test. */
export type RequestMatch = string | RegExp | ((request: RecordedRequest) => boolean);

export function matches(match: RequestMatch | undefined, request: RecordedRequest): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return request.path.startsWith(match);
  if (match instanceof RegExp) return match.test(request.path);
  return match(request);
}

interface MutableRecord extends Omit<RecordedRequest, 'outcome'> {
  outcome: RequestOutcome;
}

export class RequestLog {
  readonly #records: MutableRecord[] = [];
  #seq = 0;

  record(request: Omit<RecordedRequest, 'seq' | 'outcome' | 'receivedAt'>): RecordedRequest {
    const record: MutableRecord = {
      ...request,
      seq: ++this.#seq,
      receivedAt: Date.now(),
      outcome: 'pending',
    };
    this.#records.push(record);
    return record;
  }

  /** Called by the server when it knows how a request ended. */
  settle(request: RecordedRequest, outcome: RequestOutcome): void {
    // The record handed out by `record` is this log's own mutable object.
    const record = request as MutableRecord;
    if (record.outcome === 'pending') record.outcome = outcome;
  }

  all(): readonly RecordedRequest[] {
    return [...this.#records];
  }

  /** The requests that match, e.g. `requests.to('/v1.0/users/delta')` or `to(/contacts$/)`. */
  to(match: RequestMatch): readonly RecordedRequest[] {
    return this.#records.filter((record) => matches(match, record));
  }

  get count(): number {
    return this.#records.length;
  }

  clear(): void {
    this.#records.length = 0;
  }
}
