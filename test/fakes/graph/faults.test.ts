/**
 * Faults through the real client: injected 429/503/504 with Retry-After: 0 that the client's
 * RetryHandler honours, a storm it gives up on, expired tokens (401), hung requests, aborted
 * connections, and the request log that lets a test see every attempt and its headers.
 */
import { GraphError, type Client, type PageCollection } from '@microsoft/microsoft-graph-client';
import { fetch, type Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph } from './fake-graph.js';
import { appToken, getJson, graphClient, requestToken, trustingAgent } from './graph-test-client.js';
import { SYNC_APP } from './identity.js';

let fake: FakeGraph;
let agent: Agent;
let client: Client;
let token: string;

beforeEach(async () => {
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  fake.seed({ users: 30, seed: 9 });
  token = await appToken(fake, agent);
  client = graphClient(fake, agent, () => token);
});

afterEach(async () => {
  await fake.close();
  await agent.close();
});

async function failure(request: Promise<unknown>): Promise<GraphError> {
  const error: unknown = await request.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

describe('throttling and outages', () => {
  it('answers 2 × 429 with Retry-After: 0, and the client’s RetryHandler retries through them', async () => {
    const throttle = fake.faults.throttle({ match: '/v1.0/users', times: 2 });
    const started = Date.now();
    const page = (await client.api('/users').top(5).get()) as PageCollection;
    expect(page.value).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(throttle.hits).toBe(2);
    const attempts = fake.requests.to('/v1.0/users');
    expect(attempts.map((request) => request.outcome)).toEqual([429, 429, 200]);
    expect(attempts.map((request) => request.headers['retry-attempt'])).toEqual([undefined, '1', '2']);
  });

  it('writes Graph’s throttling body with Retry-After', async () => {
    fake.faults.throttle({ match: '/v1.0/users', retryAfter: 7 });
    const answer = await getJson(agent, `${fake.graphUrl}/users`, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.body).toMatchObject({
      error: { code: 'TooManyRequests', innerError: { 'request-id': expect.any(String) as string } },
    });
  });

  it('retries 503 and 504 the same way', async () => {
    fake.faults.throttle({ match: '/v1.0/users', status: 503 });
    fake.faults.throttle({ match: '/v1.0/users', status: 504 });
    await client.api('/users').top(1).get();
    expect(fake.requests.to('/v1.0/users').map((request) => request.outcome)).toEqual([503, 504, 200]);
  });

  it('in a storm the client gives up after its 3 retries, with the 429 and its Retry-After', async () => {
    const storm = fake.faults.storm({ match: /^\/v1\.0\/users/ });
    const error = await failure(client.api('/users').get());
    expect(error).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect(error.headers?.get('retry-after')).toBe('0');
    expect(storm.hits).toBe(4);
    storm.cancel();
    await expect(client.api('/users').top(1).get()).resolves.toBeDefined();
  });

  it('can throttle the token endpoint, in OAuth’s words', async () => {
    fake.faults.throttle({ match: /\/oauth2\/v2\.0\/token$/, status: 503 });
    const answer = await requestToken(fake, agent, {
      grant_type: 'client_credentials',
      client_id: SYNC_APP.clientId,
      client_secret: SYNC_APP.clientSecret!,
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('0');
    expect(answer.body.error).toBe('temporarily_unavailable');
  });

  it('records the headers a source sends, such as x-ms-throttle-priority and client-request-id', async () => {
    await client.api('/users').header('x-ms-throttle-priority', 'low').top(1).get();
    const [request] = fake.requests.to('/v1.0/users');
    expect(request!.headers['x-ms-throttle-priority']).toBe('low');
    expect(request!.headers.authorization).toBe(`Bearer ${token}`);
    expect(request!.headers.sdkversion).toMatch(/^graph-js\/3\.0\.7/);
    expect(request!.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('access tokens', () => {
  it('answers 401 InvalidAuthenticationToken once tokens expire, and a renewed token works', async () => {
    let current = token;
    const renewing = graphClient(fake, agent, () => current);
    await renewing.api('/users').top(1).get();
    fake.tokens.expireAll();
    const error = await failure(renewing.api('/users').top(1).get());
    expect(error).toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
      message: 'Lifetime validation failed, the token is expired.',
    });
    current = await appToken(fake, agent);
    await expect(renewing.api('/users').top(1).get()).resolves.toBeDefined();
  });

  it('answers 401 for a missing or unknown token, with WWW-Authenticate', async () => {
    const missing = await getJson(agent, `${fake.graphUrl}/users`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
    });
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const unknown = await getJson(agent, `${fake.graphUrl}/users`, {
      authorization: 'Bearer eyJ0eXAiOiJKV1QifQ.e30.c2ln',
    });
    expect(unknown.status).toBe(401);
  });

  it('a short lifetime makes tokens expire by the clock', async () => {
    fake.tokens.lifetimeSeconds = 0;
    const shortLived = await appToken(fake, agent);
    const answer = await getJson(agent, `${fake.graphUrl}/users`, { authorization: `Bearer ${shortLived}` });
    expect(answer.status).toBe(401);
  });
});

describe('hangs and broken connections', () => {
  it('never answers a hung request (the client’s own timeout must fire)', async () => {
    fake.faults.hang({ match: '/v1.0/users', times: 1 });
    await expect(
      fetch(`${fake.graphUrl}/users`, {
        headers: { authorization: `Bearer ${token}` },
        dispatcher: agent,
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(fake.requests.to('/v1.0/users')[0]!.outcome).toBe('hung');
    await expect(client.api('/users').top(1).get()).resolves.toBeDefined();
  });

  it('destroys the connection of an aborted request', async () => {
    fake.faults.abort({ match: '/v1.0/users', times: 1 });
    await expect(
      fetch(`${fake.graphUrl}/users`, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent }),
    ).rejects.toThrow();
    expect(fake.requests.to('/v1.0/users')[0]!.outcome).toBe('aborted');
  });

  it('can drop every open connection while a request hangs', async () => {
    fake.faults.hang({ match: '/v1.0/users' });
    const pending = fetch(`${fake.graphUrl}/users`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: agent,
    });
    await expect.poll(() => fake.requests.to('/v1.0/users').length).toBe(1);
    fake.dropConnections();
    await expect(pending).rejects.toThrow();
  });

  it('holds answers back with a delay, counted per request', async () => {
    const slow = fake.faults.delay({ match: '/v1.0/users', ms: 150, times: 1 });
    const started = Date.now();
    await client.api('/users').top(1).get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(slow.hits).toBe(1);
  });
});
