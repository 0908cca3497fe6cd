/**
 * The status page on the admin listener over HTTP: the token asked for as HTTP Basic (a browser's
 * way) or bearer, the headers that keep the page to itself (CSP, no framing, no caching), the test
 * search and bind end to end, a bind form from another site refused, and bodies bounded.
 */
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminServer } from '../../src/admin/admin-server.js';
import { FieldFillCounts } from '../../src/admin/field-fill-counts.js';
import { Metrics } from '../../src/admin/metrics.js';
import { MAX_FORM_BYTES, StatusPage } from '../../src/admin/status-routes.js';
import { ADMINISTRATOR } from '../../src/admin/status-search.js';
import { Authenticator } from '../../src/auth/authenticator.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import type { AccessConfig } from '../../src/config/types.js';
import { createLogger } from '../../src/observability/logger.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';

const TOKEN = 'token-for-the-status-page-test';
const PASSWORD = 'the-right-password-5c1e';
const basic = (password: string, user = 'admin') =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTHORIZED = { authorization: basic(TOKEN) };

let access: AccessConfig;
let servers: AdminServer[] = [];
let log = '';

beforeAll(async () => {
  access = {
    anonymous: false,
    accounts: [
      {
        name: 'pbx',
        passwordHash: await hashPassword(Buffer.from(PASSWORD), { N: 1024, r: 8, p: 1 }),
        read: 'all',
        sensitive: [],
      },
    ],
    trustedAddresses: [],
    trustLoopback: true,
    signedOn: {},
    throttle: { loginFailures: 5, addressFailures: 100, delay: 1, maxDelay: 4, decay: 60, maxTracked: 100 },
  };
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  log = '';
});

async function start(
  options: { token?: string; requestTimeoutMs?: number } = { token: TOKEN },
): Promise<string> {
  const directory = await testDirectory([
    {
      name: 'hr',
      records: [
        {
          id: '1',
          fields: { cn: ['Anna Müller'], telephoneNumber: ['+49 30 1234567-12'], userPassword: ['pw-x'] },
        },
        { id: '2', fields: { cn: ['<script>alert(1)</script>'], sn: ['Hostile'] } },
      ],
    },
  ]);
  const logger = createLogger('info', {
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    }),
  });
  const status = new StatusPage({
    snapshot: () => directory.monitorSnapshot(),
    fieldCounts: new FieldFillCounts(directory.mounts),
    search: {
      directory,
      grant: () => ADMINISTRATOR,
      suffix: TEST_SUFFIX,
      maxFilterEvaluations: 100_000,
      timeLimitSeconds: 30,
    },
    authenticator: new Authenticator({ access, suffix: TEST_SUFFIX }),
  });
  const server = new AdminServer({
    listen: 'http://127.0.0.1:0',
    ...(options.token === undefined ? {} : { token: options.token }),
    metrics: new Metrics({ snapshot: () => directory.monitorSnapshot(), maxStaleMs: () => 0 }),
    readiness: () => ({ ready: true, sources: [] }),
    status,
    logger,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  });
  servers.push(server);
  const { port } = await server.start();
  return `http://127.0.0.1:${port}`;
}

function bindForm(name: string, password: string): string {
  return new URLSearchParams({ name, password }).toString();
}

function postBind(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  const { host } = new URL(url);
  return fetch(`${url}/status/bind`, {
    method: 'POST',
    headers: {
      ...AUTHORIZED,
      'content-type': 'application/x-www-form-urlencoded',
      origin: `http://${host}`,
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    body,
  });
}

describe('status page over HTTP', () => {
  it('asks a browser for the token by HTTP Basic, and takes it as Basic password or bearer token', async () => {
    const url = await start();
    for (const path of ['/status', '/status/search?q=anna']) {
      const bare = await fetch(`${url}${path}`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Basic realm="dirbridge"');
      expect(await bare.text()).not.toContain('Anna');
      expect((await fetch(`${url}${path}`, { headers: { authorization: basic(`${TOKEN}x`) } })).status).toBe(
        401,
      );
      expect((await fetch(`${url}${path}`, { headers: { authorization: basic(TOKEN, '') } })).status).toBe(
        200,
      );
      expect((await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
        200,
      );
    }
    // The token as Basic *user name* is not the token.
    expect((await fetch(`${url}/status`, { headers: { authorization: basic('', TOKEN) } })).status).toBe(401);
    const bind = await postBind(url, bindForm('pbx', PASSWORD), { authorization: '' });
    expect(bind.status).toBe(401);
    expect(bind.headers.get('www-authenticate')).toBe('Basic realm="dirbridge"');
    // The scrapers' paths still challenge for a bearer token, and take Basic too.
    expect((await fetch(`${url}/metrics`)).headers.get('www-authenticate')).toBe('Bearer realm="dirbridge"');
    expect((await fetch(`${url}/readyz`, { headers: AUTHORIZED })).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is open like the other paths when no token is set', async () => {
    const url = await start({});
    expect((await fetch(`${url}/status`)).status).toBe(200);
  });

  it('serves the page with a strict policy, no framing and no caching', async () => {
    const url = await start();
    const page = await fetch(`${url}/status`, { headers: AUTHORIZED });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const html = await page.text();
    expect(html).toContain('<tr data-source="hr">');
    expect(html).toContain('<table data-fields="hr">');
    const head = await fetch(`${url}/status`, { method: 'HEAD', headers: AUTHORIZED });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('runs a test search and shows what it found, escaped, without the password', async () => {
    const url = await start();
    const byName = await (await fetch(`${url}/status/search?q=muller`, { headers: AUTHORIZED })).text();
    expect(byName).toContain('<td>Anna Müller</td>');
    expect(byName).not.toContain('pw-x');
    const byNumber = await (
      await fetch(`${url}/status/search?q=${encodeURIComponent('030 1234567-12')}`, { headers: AUTHORIZED })
    ).text();
    expect(byNumber).toMatch(/number search <code>\(\|\(telephoneNumber=030 1234567-12\)/);
    expect(byNumber).toContain('<td>Anna Müller</td>');
    const hostile = await (await fetch(`${url}/status/search?q=hostile`, { headers: AUTHORIZED })).text();
    expect(hostile).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(hostile).not.toContain('<script>');
  });

  it('gives a test bind the verdict of an LDAP bind, and never echoes or logs the password', async () => {
    const url = await start();
    const wrong = await postBind(url, bindForm('pbx', 'not-the-password-77'));
    expect(wrong.status).toBe(200);
    const wrongPage = await wrong.text();
    expect(wrongPage).toMatch(/<strong>invalidCredentials \(49\)<\/strong>/);
    expect(wrongPage).not.toContain('not-the-password-77');
    const right = await postBind(url, bindForm('pbx', PASSWORD));
    const rightPage = await right.text();
    expect(rightPage).toMatch(
      /<strong>success \(0\)<\/strong>\nfor <code>pbx<\/code>: bound as <code>dn:cn=pbx,/,
    );
    expect(rightPage).not.toContain(PASSWORD);
    expect(log).toMatch(/"dn":"pbx","result":"invalidCredentials".*"msg":"status page: test bind"/);
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain('not-the-password-77');
  });

  it('refuses a bind form sent from another site, before reading the password', async () => {
    const url = await start();
    const crossSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'same-origin', origin: 'http://evil.example' },
      { 'sec-fetch-site': '', origin: 'null' },
    ];
    for (const headers of crossSite) {
      const refused = await postBind(url, bindForm('pbx', PASSWORD), headers);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/from another (site|origin)/);
    }
    expect(log).not.toContain('test bind');
    // A client that is not a browser sends neither header, and carries no remembered credentials.
    const tool = await fetch(`${url}/status/bind`, {
      method: 'POST',
      headers: { ...AUTHORIZED, 'content-type': 'application/x-www-form-urlencoded' },
      body: bindForm('pbx', PASSWORD),
    });
    expect(await tool.text()).toContain('<strong>success (0)</strong>');
  });

  it('takes a form only, of a bounded size, by POST only', async () => {
    const url = await start();
    const json = await postBind(url, JSON.stringify({ name: 'pbx', password: PASSWORD }), {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    const large = await postBind(url, bindForm('pbx', 'x'.repeat(MAX_FORM_BYTES)));
    expect(large.status).toBe(413);
    expect(large.headers.get('connection')).toBe('close');
    const get = await fetch(`${url}/status/bind`, { headers: AUTHORIZED });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const post = await fetch(`${url}/status`, { method: 'POST', headers: AUTHORIZED, body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(log).not.toContain('test bind');
  });

  it('refuses a body sent in chunks past the bound, without a declared length', async () => {
    const url = await start();
    const { port } = new URL(url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/status/bind',
          method: 'POST',
          headers: { ...AUTHORIZED, 'content-type': 'application/x-www-form-urlencoded' },
        },
        (response) => resolve(response.statusCode ?? 0),
      );
      request.on('error', reject);
      // Chunked: no content-length says in advance how much comes.
      for (let i = 0; i < 8; i++) request.write(`password=${'y'.repeat(1000)}&`);
      request.end();
    });
    expect(status).toBe(413);
  });

  it('gives up on a body that does not come in time', async () => {
    const url = await start({ token: TOKEN, requestTimeoutMs: 500 });
    const { port } = new URL(url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/status/bind',
          method: 'POST',
          headers: {
            ...AUTHORIZED,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': '100',
          },
        },
        (response) => resolve(response.statusCode ?? 0),
      );
      request.on('error', reject);
      request.write('name=pbx'); // and the rest never comes
    });
    expect(status).toBe(408);
  });
});
