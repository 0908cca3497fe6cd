/**
 * Fault injection, applied to matching requests before they reach a route: N answers of 429, 503
 * or 504 with `Retry-After` (seconds, default 0 so tests never sleep), a storm (every matching
 * request until it is called off), a hang (the request is never answered), an abort (the connection
 * is destroyed), and latency (the answer is held back). Rules are tried in the order they were
 * added; each counts its hits so a test can see how many retries a client made.
 */
import { graphErrorBody, type RequestIds } from './graph-errors.js';
import { LOGIN_JSON, jsonReply, type HttpReply } from './http-reply.js';
import { matches, type RecordedRequest, type RequestMatch } from './request-log.js';

export type FaultStatus = 429 | 503 | 504;

export type FaultAction =
  | {
      readonly kind: 'status';
      readonly status: FaultStatus;
      readonly retryAfter: number | string | null;
      readonly body?: unknown;
    }
  | { readonly kind: 'hang' }
  | { readonly kind: 'abort' };

export interface FaultHandle {
  /** How many requests this rule has caught. */
  readonly hits: number;
  /** Stops the rule (a storm ends; a pending count is forgotten). */
  cancel(): void;
}

export interface ThrottleOptions {
  readonly match?: RequestMatch;
  /** How many matching requests to answer this way (default 1). */
  readonly times?: number;
  readonly status?: FaultStatus;
  /** Seconds (or an HTTP date); null sends no Retry-After. Default 0. */
  readonly retryAfter?: number | string | null;
  /** A body instead of Graph's usual one for the status. */
  readonly body?: unknown;
}

export interface MatchOptions {
  readonly match?: RequestMatch;
  /** How many matching requests (default: every one until cancelled). */
  readonly times?: number;
}

interface Rule<A> {
  readonly match: RequestMatch | undefined;
  readonly action: A;
  remaining: number;
  hits: number;
}

export class Faults {
  #rules: Rule<FaultAction>[] = [];
  #delays: Rule<number>[] = [];

  /** The next `times` matching requests get `status` (default one 429 with Retry-After: 0). */
  throttle(options: ThrottleOptions = {}): FaultHandle {
    return this.#add(this.#rules, options.match, options.times ?? 1, {
      kind: 'status',
      status: options.status ?? 429,
      retryAfter: options.retryAfter === undefined ? 0 : options.retryAfter,
      body: options.body,
    });
  }

  /** Every matching request is throttled until `cancel()`. */
  storm(options: Omit<ThrottleOptions, 'times'> = {}): FaultHandle {
    return this.throttle({ ...options, times: Infinity });
  }

  /** Matching requests are read and then never answered (until the fake closes). */
  hang(options: MatchOptions = {}): FaultHandle {
    return this.#add(this.#rules, options.match, options.times ?? Infinity, { kind: 'hang' });
  }

  /** Matching requests have their connection destroyed without an answer. */
  abort(options: MatchOptions = {}): FaultHandle {
    return this.#add(this.#rules, options.match, options.times ?? Infinity, { kind: 'abort' });
  }

  /** Answers to matching requests are held back `ms` (routes still run, and hold what they hold). */
  delay(options: MatchOptions & { readonly ms: number }): FaultHandle {
    return this.#add(this.#delays, options.match, options.times ?? Infinity, options.ms);
  }

  clear(): void {
    this.#rules = [];
    this.#delays = [];
  }

  /** The fault for this request, if any rule catches it (counting the hit). */
  take(request: RecordedRequest): FaultAction | undefined {
    return take(this.#rules, request);
  }

  delayFor(request: RecordedRequest): number {
    return take(this.#delays, request) ?? 0;
  }

  #add<A>(rules: Rule<A>[], match: RequestMatch | undefined, times: number, action: A): FaultHandle {
    const rule: Rule<A> = { match, action, remaining: times, hits: 0 };
    rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      cancel: () => {
        rule.remaining = 0;
      },
    };
  }
}

function take<A>(rules: readonly Rule<A>[], request: RecordedRequest): A | undefined {
  const rule = rules.find((candidate) => candidate.remaining > 0 && matches(candidate.match, request));
  if (rule === undefined) return undefined;
  rule.remaining--;
  rule.hits++;
  return rule.action;
}

/** What Graph (or, on the token endpoint, Entra ID) says with a throttling or outage status. */
export function faultReply(
  action: Extract<FaultAction, { kind: 'status' }>,
  ids: RequestIds,
  tokenEndpoint: boolean,
  identifier: string,
): HttpReply {
  const headers: Record<string, string> =
    action.retryAfter === null ? {} : { 'retry-after': String(action.retryAfter) };
  if (action.body !== undefined) return jsonReply(action.status, action.body, headers);
  if (tokenEndpoint) {
    const body = {
      error: 'temporarily_unavailable',
      error_description: 'The server is temporarily unable to handle the request.',
    };
    return jsonReply(action.status, body, headers, LOGIN_JSON);
  }
  const [code, message] = defaultError(action.status, identifier);
  return jsonReply(action.status, graphErrorBody(code, message, ids), headers);
}

function defaultError(status: FaultStatus, identifier: string): [string, string] {
  switch (status) {
    case 429:
      return [
        'TooManyRequests',
        `Too many requests from Identifier:${identifier} under category:throttle.aad.ags.appId.large. Please try again later.`,
      ];
    case 503:
      return ['serviceNotAvailable', 'The service is not available. Try the request again after a delay.'];
    case 504:
      return ['UnknownError', ''];
  }
}
