/**
 * The Prometheus metrics (`/metrics`), with prom-client: operations counted as they end (the LDAP
 * front calls `operationEnded`), and everything cn=Monitor knows (sources, listeners) read when
 * Prometheus scrapes, so nothing is kept twice. Names follow Prometheus conventions: `_total` for
 * counters, base units (seconds), one `dirbridge_` prefix.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MonitorSnapshot } from '../directory/monitor-entries.js';
import type { SourceState } from '../directory/source-status.js';
import type { OperationOutcome, ServerEvents } from '../observability/server-events.js';
import { ResultCode } from '../protocol/result-codes.js';
import { readiness } from './readiness.js';

const STATES: readonly SourceState[] = ['loading', 'ready', 'stale', 'held', 'failed'];
const RESULT_NAMES = new Map<number, string>(Object.entries(ResultCode).map(([name, code]) => [code, name]));
/** Phone lookups answer in a millisecond or two; a slow backend in seconds. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  /** What cn=Monitor shows now. */
  readonly snapshot: () => MonitorSnapshot;
  /** Each source's `maxStale` (ms), for `dirbridge_source_ready`. */
  readonly maxStaleMs: (source: string) => number;
}

export class Metrics implements ServerEvents {
  readonly registry = new Registry();
  readonly #operations: Counter<'operation' | 'result'>;
  readonly #durations: Histogram<'operation'>;
  readonly #bindFailures: Counter;
  readonly #throttled: Counter;

  constructor(private readonly options: MetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#operations = new Counter({
      name: 'dirbridge_operations_total',
      help: 'LDAP operations answered, by operation and LDAP result code (abandoned ones: result "none").',
      labelNames: ['operation', 'result'],
      registers,
    });
    this.#durations = new Histogram({
      name: 'dirbridge_operation_duration_seconds',
      help: 'Time from a request read to its answer written, by operation.',
      labelNames: ['operation'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#bindFailures = new Counter({
      name: 'dirbridge_bind_failures_total',
      help: 'Binds refused with invalidCredentials (49): wrong passwords and unknown names alike.',
      registers,
    });
    this.#throttled = new Counter({
      name: 'dirbridge_binds_throttled_total',
      help: 'Binds whose answer the throttle held back after repeated failures.',
      registers,
    });
    this.#scraped();
  }

  operationEnded(record: OperationOutcome): void {
    const operation = record.request.type;
    const result =
      record.resultCode === undefined
        ? 'none'
        : (RESULT_NAMES.get(record.resultCode) ?? String(record.resultCode));
    this.#operations.inc({ operation, result });
    this.#durations.observe({ operation }, record.ms / 1000);
    if (operation === 'bind' && record.resultCode === ResultCode.invalidCredentials) this.#bindFailures.inc();
  }

  bindThrottled(): void {
    this.#throttled.inc();
  }

  /** The text Prometheus reads, and its content type. */
  async exposition(): Promise<{ readonly body: string; readonly contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /** Gauges read from cn=Monitor's snapshot at each scrape. */
  #scraped(): void {
    const registers = [this.registry];
    const { snapshot, maxStaleMs } = this.options;
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (g: Gauge, s: MonitorSnapshot) => void,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill(this, snapshot());
        },
      });
    };
    // Counts cn=Monitor keeps since start, exposed as counters (rate() works on them).
    const counter = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (inc: (labels: Record<string, string>, value: number) => void, s: MonitorSnapshot) => void,
    ): void => {
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill((labels, value) => this.inc(labels, value), snapshot());
        },
      });
    };
    gauge('dirbridge_info', 'Always 1; the version in a label.', ['version'], (g, s) =>
      g.set({ version: s.version }, 1),
    );
    gauge('dirbridge_start_time_seconds', 'When this process started serving (Unix time).', [], (g, s) =>
      g.set(s.startedAt.getTime() / 1000),
    );
    gauge('dirbridge_connections', 'Connections open now, by listener.', ['listener'], (g, s) => {
      for (const listener of s.listeners) g.set({ listener: listener.url }, listener.open);
    });
    counter(
      'dirbridge_connections_accepted_total',
      'Connections accepted since start, by listener.',
      ['listener'],
      (inc, s) => {
        for (const listener of s.listeners) inc({ listener: listener.url }, listener.accepted);
      },
    );
    gauge(
      'dirbridge_source_state',
      "Each source's state: 1 for the one it is in.",
      ['source', 'state'],
      (g, s) => {
        for (const source of s.sources)
          for (const state of STATES)
            g.set({ source: source.name, state }, source.status.state === state ? 1 : 0);
      },
    );
    gauge(
      'dirbridge_source_ready',
      'Whether the source counts as ready for /readyz (1) or not (0).',
      ['source'],
      (g, s) => {
        for (const verdict of readiness(s.sources, maxStaleMs).sources)
          g.set({ source: verdict.source }, verdict.ready ? 1 : 0);
      },
    );
    gauge('dirbridge_source_entries', 'Entries a replica serves.', ['source'], (g, s) => {
      for (const source of s.sources)
        if (source.entries !== undefined) g.set({ source: source.name }, source.entries);
    });
    gauge(
      'dirbridge_source_last_success_timestamp_seconds',
      'When a source last loaded (replica) or answered (live) without error (Unix time).',
      ['source'],
      (g, s) => {
        for (const source of s.sources)
          if (source.status.lastLoad) g.set({ source: source.name }, source.status.lastLoad.getTime() / 1000);
      },
    );
    gauge('dirbridge_source_last_success_age_seconds', 'Seconds since that success.', ['source'], (g, s) => {
      const now = Date.now();
      for (const source of s.sources)
        if (source.status.lastLoad)
          g.set({ source: source.name }, (now - source.status.lastLoad.getTime()) / 1000);
    });
    gauge(
      'dirbridge_source_sync_duration_seconds',
      "How long a replica's last round (load, changes or reconciliation) took.",
      ['source'],
      (g, s) => {
        for (const source of s.sources)
          if (source.status.lastRoundMs !== undefined)
            g.set({ source: source.name }, source.status.lastRoundMs / 1000);
      },
    );
    counter(
      'dirbridge_source_errors_total',
      'Rounds (replica) or searches (live) that failed since start.',
      ['source'],
      (inc, s) => {
        for (const source of s.sources) inc({ source: source.name }, source.status.errors ?? 0);
      },
    );
    gauge(
      'dirbridge_source_held_deletions',
      'Deletions the deletion guard holds back until an operator accepts them.',
      ['source'],
      (g, s) => {
        for (const source of s.sources) g.set({ source: source.name }, source.status.held?.deletions ?? 0);
      },
    );
    counter(
      'dirbridge_source_cache_hits_total',
      'Live searches answered from the result cache since start.',
      ['source'],
      (inc, s) => {
        for (const source of s.sources)
          if (source.status.cache) inc({ source: source.name }, source.status.cache.hits);
      },
    );
    counter(
      'dirbridge_source_cache_misses_total',
      'Live searches the result cache could not answer since start.',
      ['source'],
      (inc, s) => {
        for (const source of s.sources)
          if (source.status.cache) inc({ source: source.name }, source.status.cache.misses);
      },
    );
  }
}
