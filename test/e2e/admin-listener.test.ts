/**
 * The admin listener of a real dirbridge process: `/healthz`, `/readyz` and `/metrics` behind a
 * bearer token from an environment secret, scraped after real clients (ldapsearch, ldapwhoami)
 * worked against the LDAP listener, and parsed with a Prometheus text-format parser. The counts are
 * compared with what those clients did and with what the directory serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scrape } from '../support/prometheus-scrape.js';
import { startDirbridge, SUFFIX, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch, ldapwhoami } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';

const TOKEN = registerTestSecret('admin-token-e2e-4f1c9a7d2b');
const SEARCHES = 5;
let server: DirbridgeProcess;
let admin: string;

beforeAll(async () => {
  process.env.DIRBRIDGE_E2E_ADMIN_TOKEN = TOKEN;
  server = await startDirbridge({
    config: { admin: { listen: 'http://127.0.0.1:0', token: '${env:DIRBRIDGE_E2E_ADMIN_TOKEN}' } },
    logName: 'admin-listener',
  });
  admin = /metrics and health on (http:\/\/\S+)/.exec(server.output())![1]!;
});

afterAll(async () => {
  await server.stop();
  delete process.env.DIRBRIDGE_E2E_ADMIN_TOKEN;
});

const authorized = { headers: { authorization: `Bearer ${TOKEN}` } };

describe('admin listener', () => {
  it('says the process is alive to anyone, and ready only to a holder of the token', async () => {
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${admin}/readyz`)).status).toBe(401);
    const ready = await fetch(`${admin}/readyz`, authorized);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      sources: [{ source: 'demo', ready: true, reason: 'ready' }],
    });
  });

  it('counts what clients did, and shows what the directory serves', async () => {
    const before = new Scrape(await (await fetch(`${admin}/metrics`, authorized)).text());
    const searchesBefore = before.value('dirbridge_operations_total', {
      operation: 'search',
      result: 'success',
    });
    let entries = 0;
    for (let search = 0; search < SEARCHES; search++) {
      const result = await ldapsearch(server.url, '(objectClass=person)', { attributes: ['cn'] });
      expect(result.code).toBe(0);
      entries = result.entries.length;
    }
    const refused = await ldapwhoami(server.url, { dn: `cn=nobody,${SUFFIX}`, password: 'not-the-password' });
    expect(refused.code).toBe(49);
    const after = new Scrape(await (await fetch(`${admin}/metrics`, authorized)).text());
    const searchesAfter = after.value('dirbridge_operations_total', {
      operation: 'search',
      result: 'success',
    });
    expect(searchesAfter - (Number.isNaN(searchesBefore) ? 0 : searchesBefore)).toBe(SEARCHES);
    expect(
      after.value('dirbridge_operations_total', { operation: 'bind', result: 'invalidCredentials' }),
    ).toBe(1);
    expect(after.value('dirbridge_bind_failures_total')).toBe(1);
    expect(after.histogram('dirbridge_operation_duration_seconds', { operation: 'search' }).count).toBe(
      searchesAfter,
    );
    expect(after.value('dirbridge_source_entries', { source: 'demo' })).toBe(entries);
    expect(after.value('dirbridge_source_state', { source: 'demo', state: 'ready' })).toBe(1);
    expect(after.value('dirbridge_source_ready', { source: 'demo' })).toBe(1);
    expect(
      after.value('dirbridge_connections_accepted_total', { listener: server.url }),
    ).toBeGreaterThanOrEqual(SEARCHES + 1);
    expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('serves nothing but its three paths, and no metrics without the token', async () => {
    expect((await fetch(`${admin}/metrics`)).status).toBe(401);
    expect((await fetch(`${admin}/`, authorized)).status).toBe(404);
    expect((await fetch(`${admin}/metrics`, { ...authorized, method: 'DELETE' })).status).toBe(405);
  });
});
