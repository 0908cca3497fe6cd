/**
 * Two ways to point a service-account client at a configurable token URL, and CLOUD-APIS.md §5's
 * finding that decides between them: google-auth-library's JWT client never fetches a new token
 * after a 401 (it retries with gtoken's cached one), while a source that signs its own assertion
 * and feeds an OAuth2Client through `refreshHandler` recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegatedTokenClient } from './delegated-token-client.js';
import { GoogleFake } from './google-fake.js';
import { interceptedJwtClient, peopleApi } from './google-test-clients.js';
import { SCOPES } from './people-scopes.js';

let fake: GoogleFake;
let subject: string;
const QUERY = { sources: ['DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE'], readMask: 'names', pageSize: 1 };

beforeAll(async () => {
  fake = await GoogleFake.start();
  subject = fake.seedDirectory({ count: 3 })[0]!.data.emailAddresses![0]!.value;
});
afterAll(() => fake.stop());

function trail(): string[] {
  return fake.requests.all().map((request) => `${request.path} ${request.status}`);
}

describe('JWT client redirected by a transporter interceptor', () => {
  it('keeps sending its revoked token after a 401, even with forceRefreshOnFailure', async () => {
    const client = interceptedJwtClient(fake, {
      subject,
      scopes: [SCOPES.directoryReadonly],
      forceRefreshOnFailure: true,
    });
    const api = peopleApi(fake, client);
    await api.people.listDirectoryPeople(QUERY);
    fake.accessTokens.revoke();
    fake.requests.clear();

    await expect(api.people.listDirectoryPeople(QUERY)).rejects.toMatchObject({ status: 401 });
    // Two API calls, no token request: the "refresh" handed back gtoken's cached, revoked token.
    expect(trail()).toEqual(['/v1/people:listDirectoryPeople 401', '/v1/people:listDirectoryPeople 401']);
    const [first, second] = fake.requests.all().map((request) => request.headers.authorization);
    expect(second).toBe(first);
  });

  it('gets a new token once the client is rebuilt', async () => {
    fake.accessTokens.revoke();
    const api = peopleApi(fake, interceptedJwtClient(fake, { subject, scopes: [SCOPES.directoryReadonly] }));
    await expect(api.people.listDirectoryPeople(QUERY)).resolves.toMatchObject({ status: 200 });
  });
});

describe('recommended: the source signs the assertion and posts it to the key’s token_uri', () => {
  it('is pointed at the fake by the key file alone, without interceptors', async () => {
    expect(fake.serviceAccount.key.token_uri).toBe(fake.tokenUrl);
    fake.requests.clear();
    const client = delegatedTokenClient(fake.serviceAccount.key, {
      subject,
      scopes: [SCOPES.directoryReadonly],
    });
    const response = await peopleApi(fake, client).people.listDirectoryPeople(QUERY);
    expect(response.data.people).toHaveLength(1);
    expect(trail()).toEqual(['/token 200', '/v1/people:listDirectoryPeople 200']);
  });

  it('fetches a new token after a 401 and carries on', async () => {
    const client = delegatedTokenClient(fake.serviceAccount.key, {
      subject,
      scopes: [SCOPES.directoryReadonly],
    });
    const api = peopleApi(fake, client);
    await api.people.listDirectoryPeople(QUERY);
    fake.accessTokens.revoke();
    fake.requests.clear();

    await expect(api.people.listDirectoryPeople(QUERY)).resolves.toMatchObject({ status: 200 });
    expect(trail()).toEqual([
      '/v1/people:listDirectoryPeople 401',
      '/token 200',
      '/v1/people:listDirectoryPeople 200',
    ]);
  });

  it('surfaces the token endpoint’s refusal in its own words', async () => {
    const client = delegatedTokenClient(fake.serviceAccount.key, {
      subject: 'gone@example.com',
      scopes: [SCOPES.directoryReadonly],
    });
    await expect(peopleApi(fake, client).people.listDirectoryPeople(QUERY)).rejects.toThrow(
      'invalid_grant: Invalid email or User ID',
    );
  });
});
