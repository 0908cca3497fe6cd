/**
 * Quota errors and server faults through the real client (CLOUD-APIS.md §2.4): a 429 carries
 * ErrorInfo RATE_LIMIT_EXCEEDED and no Retry-After; googleapis-common retries GETs three times
 * (100, 500, 1500 ms) by default, `retry: false` and `retryConfig` change that. Also 500/503,
 * hanging requests, the quota of a full sync's first page, and the request log.
 */
import type { people_v1 } from '@googleapis/people';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from './google-fake.js';
import { interceptedJwtClient, peopleApi } from './google-test-clients.js';
import { SCOPES } from './people-scopes.js';

const PATH = '/v1/people:listDirectoryPeople';
const QUERY = {
  sources: ['DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE', 'DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT'],
  readMask: 'names',
  pageSize: 2,
};

let fake: GoogleFake;
let api: people_v1.People;

beforeAll(async () => {
  fake = await GoogleFake.start();
  const subject = fake.seedDirectory({ count: 5 })[0]!.data.emailAddresses![0]!.value;
  api = peopleApi(fake, interceptedJwtClient(fake, { subject, scopes: [SCOPES.directoryReadonly] }));
  await api.people.listDirectoryPeople(QUERY); // token fetched once, outside the counts below
  fake.requests.clear();
});
afterEach(() => {
  fake.faults.clear();
  fake.requests.clear();
});
afterAll(() => fake.stop());

const fastRetries = {
  retry: 5,
  retryDelay: 1,
  retryDelayMultiplier: 1,
  statusCodesToRetry: [
    [429, 429],
    [500, 599],
  ],
};

describe('429 RESOURCE_EXHAUSTED', () => {
  it('has Google’s quota body and no Retry-After; retry: false makes one request', async () => {
    fake.faults.quota();
    const error = (await api.people
      .listDirectoryPeople(QUERY, { retry: false })
      .catch((e: unknown) => e)) as {
      status: number;
      response: { data: unknown; headers: Headers };
    };
    expect(error.status).toBe(429);
    expect(error.response.headers.get('retry-after')).toBeNull();
    expect(error.response.data).toEqual({
      error: {
        code: 429,
        message:
          "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'people.googleapis.com' for consumer 'project_number:123456789012'.",
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'RATE_LIMIT_EXCEEDED',
            domain: 'googleapis.com',
            metadata: {
              quota_metric: 'people.googleapis.com/read_requests',
              quota_limit: 'ReadRequestsPerMinutePerUser',
              service: 'people.googleapis.com',
              consumer: 'projects/123456789012',
            },
          },
        ],
      },
    });
    expect(fake.requests.all(PATH)).toHaveLength(1);
  });

  it('is retried by default: two 429s then 200 take three requests and about 600 ms', async () => {
    fake.faults.quota({ times: 2 });
    const started = performance.now();
    await expect(api.people.listDirectoryPeople(QUERY)).resolves.toMatchObject({ status: 200 });
    const elapsed = performance.now() - started;
    expect(fake.requests.all(PATH).map((request) => request.status)).toEqual([429, 429, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(550);
  });

  it('in a storm, retryConfig decides how often: retry 5 makes six requests', async () => {
    fake.faults.quota({ storm: true });
    const retried: number[] = [];
    const error = await api.people
      .listDirectoryPeople(QUERY, {
        retryConfig: { ...fastRetries, onRetryAttempt: (e) => void retried.push(e.status ?? 0) },
      })
      .catch((e: unknown) => e as { status: number });
    expect(error).toMatchObject({ status: 429 });
    expect(fake.requests.all(PATH)).toHaveLength(6);
    expect(retried).toEqual([429, 429, 429, 429, 429]);
  });

  it('can hit only the first page of a full sync, which has its own quota', async () => {
    fake.faults.quota({ match: { path: PATH, firstPageOfFullSync: true } });
    const first = await api.people.listDirectoryPeople(QUERY, { retryConfig: fastRetries });
    expect(fake.requests.all(PATH).map((request) => request.status)).toEqual([429, 200]);
    fake.faults.quota({ match: { path: PATH, firstPageOfFullSync: true } });
    await api.people.listDirectoryPeople(
      { ...QUERY, pageToken: first.data.nextPageToken! },
      { retry: false },
    );
    expect(fake.requests.all(PATH).map((request) => request.status)).toEqual([429, 200, 200]);
  });

  it('can hit only the pages after the first, to fail a listing mid-way', async () => {
    fake.faults.quota({ storm: true, match: { path: PATH, laterPages: true } });
    const first = await api.people.listDirectoryPeople(QUERY, { retry: false });
    await expect(
      api.people.listDirectoryPeople({ ...QUERY, pageToken: first.data.nextPageToken! }, { retry: false }),
    ).rejects.toMatchObject({ status: 429 });
    expect(fake.requests.all(PATH).map((request) => request.status)).toEqual([200, 429]);
  });
});

describe('server faults and hangs', () => {
  it('answers 500 INTERNAL and 503 UNAVAILABLE, which the client retries', async () => {
    fake.faults.serverError(500);
    fake.faults.serverError(503);
    await expect(api.people.listDirectoryPeople(QUERY, { retryConfig: fastRetries })).resolves.toMatchObject({
      status: 200,
    });
    expect(fake.requests.all(PATH).map((request) => request.status)).toEqual([500, 503, 200]);
    fake.faults.serverError(503);
    const error = await api.people.listDirectoryPeople(QUERY, { retry: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 503,
      response: {
        data: {
          error: { code: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
        },
      },
    });
  });

  it('hangs a request until the client gives up; the log shows no answer', async () => {
    fake.faults.hang();
    const error = await api.people
      .listDirectoryPeople(QUERY, { retry: false, timeout: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(fake.requests.all(PATH)[0]?.status).toBeUndefined();
    fake.releaseHung();
  });

  it('can fail the token endpoint too, which gtoken retries for POST', async () => {
    fake.faults.serverError(503, { match: { path: '/token' } });
    const client = interceptedJwtClient(fake, {
      subject: fake.domain.directory.live()[0]!.data.emailAddresses![0]!.value,
      scopes: [SCOPES.directoryReadonly],
    });
    await expect(client.getAccessToken()).resolves.toMatchObject({
      token: expect.stringMatching(/^ya29\./) as unknown,
    });
    expect(fake.requests.all('/token').map((request) => request.status)).toEqual([503, 200]);
  });
});

describe('request log', () => {
  it('records method, path, repeated query values and headers', async () => {
    await api.people.listDirectoryPeople(QUERY);
    const [logged] = fake.requests.all(PATH);
    expect(logged).toMatchObject({
      method: 'GET',
      path: PATH,
      query: {
        sources: ['DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE', 'DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT'],
        readMask: ['names'],
        pageSize: ['2'],
      },
      status: 200,
    });
    expect(logged?.headers.authorization).toMatch(/^Bearer ya29\./);
    expect(logged?.headers['x-goog-api-client']).toMatch(/gdcl\/8\./);
    expect(logged?.headers['user-agent']).toMatch(/^google-api-nodejs-client\/8\./);
  });
});
