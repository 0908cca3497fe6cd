/**
 * The token endpoint through the real clients: an OAuth2Client refreshing a user's token at the
 * fake (`endpoints.oauth2TokenUrl`), and a service-account JWT client whose hard-coded token URL
 * is redirected by a transporter interceptor. Each JWT rule Google enforces is broken once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from './google-fake.js';
import { interceptedJwtClient, peopleApi, refreshTokenClient } from './google-test-clients.js';
import { SCOPES } from './people-scopes.js';
import type { ServiceAccount } from './service-account.js';

let fake: GoogleFake;
let userEmail: string;
/** A second account of the project, with no delegation (key generation costs, so one is shared). */
let other: ServiceAccount;
const DIRECTORY_QUERY = { sources: ['DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE'], readMask: 'names', pageSize: 1 };

beforeAll(async () => {
  fake = await GoogleFake.start();
  userEmail = fake.seedDirectory({ count: 5 })[0]!.data.emailAddresses![0]!.value;
  other = fake.createServiceAccount('other');
});
afterAll(() => fake.stop());

async function failure(
  promise: Promise<unknown>,
): Promise<{ message: string; status?: number; response?: { data?: unknown } }> {
  try {
    await promise;
  } catch (error) {
    return error as { message: string; status?: number; response?: { data?: unknown } };
  }
  throw new Error('expected the call to fail');
}

describe('refresh_token grant', () => {
  it('exchanges a refresh token for a bearer token carrying the granted scopes', async () => {
    const grant = fake.grantConsent({
      user: userEmail,
      scopes: [SCOPES.directoryReadonly, SCOPES.contactsReadonly],
    });
    const client = refreshTokenClient(fake, grant.refreshToken);
    fake.requests.clear();
    const response = await peopleApi(fake, client).people.listDirectoryPeople(DIRECTORY_QUERY);
    expect(response.data.people).toHaveLength(1);
    const [tokenRequest] = fake.requests.all('/token');
    expect(tokenRequest?.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: grant.refreshToken,
      client_id: fake.oauthClient.clientId,
      client_secret: fake.oauthClient.clientSecret,
    });
    expect(client.credentials).toMatchObject({
      token_type: 'Bearer',
      scope: `${SCOPES.directoryReadonly} ${SCOPES.contactsReadonly}`,
    });
    expect(client.credentials.access_token).toMatch(/^ya29\./);
  });

  it('answers a revoked refresh token with invalid_grant "Token has been expired or revoked."', async () => {
    const grant = fake.grantConsent({ user: userEmail, scopes: [SCOPES.directoryReadonly] });
    fake.revokeRefreshToken(grant.refreshToken);
    const error = await failure(
      peopleApi(fake, refreshTokenClient(fake, grant.refreshToken)).people.listDirectoryPeople(
        DIRECTORY_QUERY,
      ),
    );
    expect(error.message).toBe('invalid_grant');
    expect(error.status).toBe(400);
    expect(error.response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const grant = fake.grantConsent({ user: userEmail, scopes: [SCOPES.directoryReadonly] });
    const client = refreshTokenClient(fake, grant.refreshToken);
    client._clientSecret = 'not-the-secret';
    const error = await failure(client.getAccessToken());
    expect(error.status).toBe(401);
    expect(error.response?.data).toMatchObject({ error: 'invalid_client' });
  });
});

describe('jwt-bearer grant (service account, domain-wide delegation)', () => {
  it('issues a token for the impersonated user after checking the assertion', async () => {
    fake.requests.clear();
    const client = interceptedJwtClient(fake, { subject: userEmail, scopes: [SCOPES.directoryReadonly] });
    const response = await peopleApi(fake, client).people.listDirectoryPeople(DIRECTORY_QUERY);
    expect(response.data.people).toHaveLength(1);
    const form = fake.requests.all('/token')[0]?.form;
    expect(form?.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims] = (form?.assertion ?? '')
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'RS256' });
    expect(claims).toMatchObject({
      iss: fake.serviceAccount.key.client_email,
      sub: userEmail,
      aud: 'https://oauth2.googleapis.com/token',
      scope: SCOPES.directoryReadonly,
    });
    expect(Number(claims?.exp) - Number(claims?.iat)).toBe(3600);
    const issued = fake.accessTokens.all().at(-1);
    expect(issued?.principal).toMatchObject({ kind: 'serviceAccount', user: userEmail });
  });

  it('refuses an assertion signed with a key that is not the service account’s', async () => {
    const client = interceptedJwtClient(fake, {
      key: other.key,
      email: fake.serviceAccount.key.client_email,
      subject: userEmail,
      scopes: [SCOPES.directoryReadonly],
    });
    const error = await failure(client.getAccessToken());
    expect(error.message).toBe('invalid_grant: Invalid JWT Signature.');
    expect(error.status).toBe(400);
  });

  it('refuses an audience other than https://oauth2.googleapis.com/token', async () => {
    const client = interceptedJwtClient(fake, {
      subject: userEmail,
      scopes: [SCOPES.directoryReadonly],
      additionalClaims: { aud: fake.tokenUrl },
    });
    const error = await failure(client.getAccessToken());
    expect(error.message).toBe(
      'invalid_grant: Invalid JWT: Failed audience check. The right audience is https://oauth2.googleapis.com/token',
    );
  });

  it('refuses a subject the domain does not have, in Google’s words', async () => {
    const client = interceptedJwtClient(fake, {
      subject: 'nobody@example.com',
      scopes: [SCOPES.directoryReadonly],
    });
    const error = await failure(client.getAccessToken());
    expect(error.message).toBe('invalid_grant: Invalid email or User ID');
    expect(error.status).toBe(400);
  });

  it('answers 401 unauthorized_client when the admin delegated nothing to the client id', async () => {
    const client = interceptedJwtClient(fake, {
      key: other.key,
      subject: userEmail,
      scopes: [SCOPES.directoryReadonly],
    });
    const error = await failure(client.getAccessToken());
    expect(error.status).toBe(401);
    expect(error.response?.data).toEqual({
      error: 'unauthorized_client',
      error_description:
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    });
  });

  it('tells "some scopes not delegated" apart from "none"', async () => {
    fake.delegation.set(other.key.client_id, [SCOPES.contactsReadonly]);
    const scopes = [SCOPES.contactsReadonly, SCOPES.directoryReadonly];
    const error = await failure(
      interceptedJwtClient(fake, { key: other.key, subject: userEmail, scopes }).getAccessToken(),
    );
    fake.delegation.set(other.key.client_id, []);
    expect(error.response?.data).toMatchObject({ error: 'access_denied' });
  });

  it('refuses an assertion that expires before it was issued', async () => {
    const client = interceptedJwtClient(fake, {
      subject: userEmail,
      scopes: [SCOPES.directoryReadonly],
      additionalClaims: { exp: 1 },
    });
    const error = await failure(client.getAccessToken());
    expect(error.message).toMatch(
      /^invalid_grant: Invalid JWT: Token must be a short-lived token \(60 minutes\)/,
    );
  });

  it('gives a service account without subject its own token, which the directory refuses', async () => {
    const client = interceptedJwtClient(fake, { scopes: [SCOPES.directoryReadonly] });
    const error = await failure(peopleApi(fake, client).people.listDirectoryPeople(DIRECTORY_QUERY));
    expect(error.status).toBe(400);
    expect(error.response?.data).toEqual({
      error: { code: 400, message: 'Must be a G Suite domain user.', status: 'FAILED_PRECONDITION' },
    });
  });
});

describe('access tokens at the API', () => {
  it('answers an expired token with 401 UNAUTHENTICATED, ErrorInfo ACCESS_TOKEN_EXPIRED', async () => {
    const grant = fake.grantConsent({ user: userEmail, scopes: [SCOPES.directoryReadonly] });
    const client = refreshTokenClient(fake, grant.refreshToken);
    const api = peopleApi(fake, client);
    await api.people.listDirectoryPeople(DIRECTORY_QUERY);
    fake.accessTokens.expire((record) => record.token === client.credentials.access_token);
    const error = await failure(api.people.listDirectoryPeople(DIRECTORY_QUERY));
    expect(error.status).toBe(401);
    expect(error.response?.data).toMatchObject({
      error: {
        code: 401,
        status: 'UNAUTHENTICATED',
        details: [
          {
            reason: 'ACCESS_TOKEN_EXPIRED',
            metadata: { method: 'google.people.v1.PeopleService.ListDirectoryPeople' },
          },
        ],
      },
    });
  });

  it('lets an OAuth2Client with forceRefreshOnFailure recover from a server-side expiry', async () => {
    const grant = fake.grantConsent({ user: userEmail, scopes: [SCOPES.directoryReadonly] });
    const client = refreshTokenClient(fake, grant.refreshToken, { forceRefreshOnFailure: true });
    const api = peopleApi(fake, client);
    await api.people.listDirectoryPeople(DIRECTORY_QUERY);
    fake.accessTokens.expire();
    fake.requests.clear();
    await expect(api.people.listDirectoryPeople(DIRECTORY_QUERY)).resolves.toMatchObject({ status: 200 });
    expect(fake.requests.all().map((request) => `${request.path} ${request.status}`)).toEqual([
      '/v1/people:listDirectoryPeople 401',
      '/token 200',
      '/v1/people:listDirectoryPeople 200',
    ]);
  });

  it('after revocation, such a client reports invalid_grant instead of a bare 401', async () => {
    const grant = fake.grantConsent({ user: userEmail, scopes: [SCOPES.directoryReadonly] });
    const client = refreshTokenClient(fake, grant.refreshToken, { forceRefreshOnFailure: true });
    const api = peopleApi(fake, client);
    await api.people.listDirectoryPeople(DIRECTORY_QUERY);
    fake.revokeRefreshToken(grant.refreshToken);
    fake.accessTokens.revoke((record) => record.token === client.credentials.access_token);
    const error = await failure(api.people.listDirectoryPeople(DIRECTORY_QUERY));
    expect(error.message).toBe('invalid_grant');
  });
});
