/**
 * The metrics as Prometheus reads them: the exposition parsed by a text-format parser, operations
 * counted as they end, and cn=Monitor's view (sources, listeners) read at each scrape.
 */
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/admin/metrics.js';
import type { MonitorSnapshot } from '../../src/directory/monitor-entries.js';
import type { OperationRecord } from '../../src/observability/operation-log.js';
import type { Request } from '../../src/protocol/messages.js';
import { Scrape } from '../support/prometheus-scrape.js';

const search: Request = {
  type: 'search',
  baseObject: 'dc=example',
  scope: 'sub',
  derefAliases: 'never',
  sizeLimit: 0,
  timeLimit: 0,
  typesOnly: false,
  filter: { type: 'present', attribute: 'objectClass' },
  attributes: [],
};
const bind: Request = {
  type: 'bind',
  version: 3,
  name: 'cn=pbx',
  auth: { method: 'simple', password: new Uint8Array() },
};

function ended(request: Request, resultCode: number | undefined, ms: number): OperationRecord {
  return { conn: 1, peer: '127.0.0.1', bound: '', msgid: 1, request, resultCode, entries: 0, ms };
}

function snapshotAt(lastLoad: Date): MonitorSnapshot {
  return {
    version: '9.9.9',
    startedAt: new Date('2026-12-06T10:00:00Z'),
    listeners: [{ url: 'ldap://127.0.0.1:1389', open: 3, accepted: 17 }],
    sources: [
      {
        name: 'hr',
        type: 'ad',
        mode: 'replica',
        entries: 1200,
        status: { state: 'stale', lastLoad, staleSince: lastLoad, errors: 2, lastRoundMs: 1500 },
      },
      {
        name: 'crm',
        type: 'ldap',
        mode: 'live',
        status: { state: 'ready', errors: 0, cache: { hits: 5, misses: 8 } },
      },
      {
        name: 'partners',
        type: 'file',
        mode: 'replica',
        entries: 80,
        status: { state: 'held', held: { deletions: 40, entries: 80, limit: 10, since: lastLoad } },
      },
    ],
  };
}

async function scrape(metrics: Metrics): Promise<Scrape> {
  const { body, contentType } = await metrics.exposition();
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(body);
}

describe('metrics', () => {
  it('counts operations by type and result code, with a latency histogram', async () => {
    const metrics = new Metrics({ snapshot: () => snapshotAt(new Date()), maxStaleMs: () => 3_600_000 });
    metrics.operationEnded(ended(search, 0, 2));
    metrics.operationEnded(ended(search, 0, 40));
    metrics.operationEnded(ended(search, undefined, 1));
    metrics.operationEnded(ended(bind, 49, 300));
    metrics.operationEnded(ended(bind, 0, 1));
    metrics.bindThrottled();
    const scraped = await scrape(metrics);
    expect(scraped.family('dirbridge_operations_total').type).toBe('COUNTER');
    expect(scraped.value('dirbridge_operations_total', { operation: 'search', result: 'success' })).toBe(2);
    expect(scraped.value('dirbridge_operations_total', { operation: 'search', result: 'none' })).toBe(1);
    expect(
      scraped.value('dirbridge_operations_total', { operation: 'bind', result: 'invalidCredentials' }),
    ).toBe(1);
    expect(scraped.value('dirbridge_bind_failures_total')).toBe(1);
    expect(scraped.value('dirbridge_binds_throttled_total')).toBe(1);
    const searches = scraped.histogram('dirbridge_operation_duration_seconds', { operation: 'search' });
    expect(searches.count).toBe(3);
    expect(searches.sum).toBeCloseTo(0.043, 6);
    expect(searches.buckets.get('0.0025')).toBe(2);
    expect(searches.buckets.get('0.05')).toBe(3);
    expect(searches.buckets.get('+Inf')).toBe(3);
    expect(scraped.histogram('dirbridge_operation_duration_seconds', { operation: 'bind' }).count).toBe(2);
  });

  it("reads sources and listeners from cn=Monitor's view at each scrape", async () => {
    const lastLoad = new Date(Date.now() - 7_200_000);
    const metrics = new Metrics({ snapshot: () => snapshotAt(lastLoad), maxStaleMs: () => 3_600_000 });
    const scraped = await scrape(metrics);
    expect(scraped.value('dirbridge_info', { version: '9.9.9' })).toBe(1);
    expect(scraped.value('dirbridge_connections', { listener: 'ldap://127.0.0.1:1389' })).toBe(3);
    expect(scraped.family('dirbridge_connections_accepted_total').type).toBe('COUNTER');
    expect(scraped.value('dirbridge_connections_accepted_total', { listener: 'ldap://127.0.0.1:1389' })).toBe(
      17,
    );
    expect(scraped.value('dirbridge_source_state', { source: 'hr', state: 'stale' })).toBe(1);
    expect(scraped.value('dirbridge_source_state', { source: 'hr', state: 'ready' })).toBe(0);
    // Stale for two hours against a maxStale of one: not ready; the live and the held one are.
    expect(scraped.value('dirbridge_source_ready', { source: 'hr' })).toBe(0);
    expect(scraped.value('dirbridge_source_ready', { source: 'crm' })).toBe(1);
    expect(scraped.value('dirbridge_source_ready', { source: 'partners' })).toBe(1);
    expect(scraped.value('dirbridge_source_entries', { source: 'hr' })).toBe(1200);
    expect(scraped.sample('dirbridge_source_entries', { source: 'crm' })).toBeUndefined();
    expect(scraped.value('dirbridge_source_last_success_timestamp_seconds', { source: 'hr' })).toBe(
      lastLoad.getTime() / 1000,
    );
    expect(
      scraped.value('dirbridge_source_last_success_age_seconds', { source: 'hr' }),
    ).toBeGreaterThanOrEqual(7200);
    expect(scraped.value('dirbridge_source_sync_duration_seconds', { source: 'hr' })).toBe(1.5);
    expect(scraped.value('dirbridge_source_errors_total', { source: 'hr' })).toBe(2);
    expect(scraped.value('dirbridge_source_held_deletions', { source: 'partners' })).toBe(40);
    expect(scraped.value('dirbridge_source_cache_hits_total', { source: 'crm' })).toBe(5);
    expect(scraped.value('dirbridge_source_cache_misses_total', { source: 'crm' })).toBe(8);
    // The process's own, from prom-client.
    expect(scraped.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
