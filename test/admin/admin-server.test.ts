/** The admin listener over HTTP: its three paths, the bearer token, and what it refuses. */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminServer } from '../../src/admin/admin-server.js';
import { Metrics } from '../../src/admin/metrics.js';
import type { Readiness } from '../../src/admin/readiness.js';
import type { MonitorSnapshot } from '../../src/directory/monitor-entries.js';
import { createLogger } from '../../src/observability/logger.js';

const TOKEN = 'token-for-the-admin-listener-test';
const snapshot = (): MonitorSnapshot => ({ version: '1', startedAt: new Date(), sources: [], listeners: [] });
let servers: AdminServer[] = [];
let ready: Readiness = { ready: true, sources: [] };

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function start(token?: string, hosts?: readonly string[]): Promise<string> {
  const server = new AdminServer({
    listen: 'http://127.0.0.1:0',
    ...(token === undefined ? {} : { token }),
    ...(hosts === undefined ? {} : { hosts }),
    metrics: new Metrics({ snapshot, maxStaleMs: () => 0 }),
    readiness: () => ready,
    logger: createLogger('silent'),
  });
  servers.push(server);
  const { port } = await server.start();
  return `http://127.0.0.1:${port}`;
}

describe('admin listener', () => {
  it('answers /healthz, /readyz (200 or 503 with each source) and /metrics', async () => {
    const url = await start();
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');
    ready = { ready: true, sources: [{ source: 'hr', ready: true, reason: 'ready' }] };
    const up = await fetch(`${url}/readyz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual(ready);
    ready = { ready: false, sources: [{ source: 'hr', ready: false, reason: 'loading its first copy' }] };
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^# HELP dirbridge_info /m);
  });

  it('asks for the bearer token on every path but /healthz, and tells a wrong one nothing', async () => {
    const url = await start(TOKEN);
    ready = { ready: true, sources: [] };
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    for (const path of ['/metrics', '/readyz']) {
      const bare = await fetch(`${url}${path}`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer realm="dirbridge"');
      const wrong = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
    }
  });

  it('without a token, answers only IP addresses, localhost and admin.hosts (DNS rebinding)', async () => {
    const url = await start(undefined, ['dir.example.com']);
    for (const host of ['127.0.0.1', 'localhost:9389', 'dir.example.com:9389'])
      expect((await get(url, '/metrics', { host })).status, host).toBe(200);
    const rebound = await get(url, '/metrics', { host: 'evil.example:9389' });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/admin\.hosts/);
    expect((await get(url, '/readyz', { host: 'evil.example' })).status).toBe(403);
    expect((await get(url, '/healthz', { host: 'evil.example' })).status).toBe(200);
  });

  it('with a token, leaves the Host alone: a rebound page has no token to send', async () => {
    const url = await start(TOKEN);
    const named = await get(url, '/metrics', { host: 'dir.example.com', authorization: `Bearer ${TOKEN}` });
    expect(named.status).toBe(200);
  });

  it('refuses other methods and paths, and answers HEAD without a body', async () => {
    const url = await start();
    const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${url}/admin`)).status).toBe(404);
    const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('names admin.listen when the port is taken', async () => {
    const url = await start();
    const port = new URL(url).port;
    const second = new AdminServer({
      listen: `http://127.0.0.1:${port}`,
      metrics: new Metrics({ snapshot, maxStaleMs: () => 0 }),
      readiness: () => ready,
      logger: createLogger('silent'),
    });
    await expect(second.start()).rejects.toThrow(
      `admin.listen: cannot listen on http://127.0.0.1:${port}: EADDRINUSE`,
    );
  });
});

/** A GET with headers fetch() will not send (Host). */
function get(
  url: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ readonly status: number; readonly body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(`${url}${path}`, { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}
