/**
 * The fake's Entra ID token endpoint, driven with plain fetch as a `graph` source will drive it:
 * client credentials and ROPC, and each refusal with the body Entra ID sends.
 */
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraph } from './fake-graph.js';
import { getJson, graphClient, requestToken, trustingAgent } from './graph-test-client.js';
import { SIGN_ON_APP, SYNC_APP, type SignOnRefusal } from './identity.js';

let fake: FakeGraph;
let agent: Agent;

const ALICE = 'alice.anders@contoso.com';
const PASSWORD = 'Correct horse 42!';

beforeAll(async () => {
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  fake.directory.addUser({ userPrincipalName: ALICE, displayName: 'Alice Anders', mail: ALICE });
  fake.identity.setPassword(ALICE, PASSWORD);
});

afterAll(async () => {
  await fake.close();
  await agent.close();
});

function clientCredentials(change: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: SYNC_APP.clientId,
    client_secret: SYNC_APP.clientSecret!,
    scope: 'https://graph.microsoft.com/.default',
    ...change,
  };
}

function ropc(
  username: string,
  password: string,
  change: Record<string, string> = {},
): Record<string, string> {
  return {
    grant_type: 'password',
    client_id: SIGN_ON_APP.clientId,
    scope: 'User.Read openid profile offline_access',
    username,
    password,
    ...change,
  };
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Entra ID's error body, whatever the code. */
function expectAadsts(body: Record<string, unknown>, error: string, code: number): void {
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  const description = body.error_description as string;
  expect(description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(description).toMatch(
    /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
}

describe('client credentials', () => {
  it('answers a Bearer token with the lifetime and the app roles', async () => {
    const answer = await requestToken(fake, agent, clientCredentials());
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'ext_expires_in',
      'token_type',
    ]);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const token = claims(answer.body.access_token as string);
    expect(token).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: fake.tenantId,
      appid: SYNC_APP.clientId,
    });
    expect(token.roles).toEqual(SYNC_APP.applicationPermissions);
  });

  it('ignores unknown form fields and a query string (msal telemetry)', async () => {
    const answer = await requestToken(
      fake,
      agent,
      clientCredentials({
        'x-client-SKU': 'msal.js.node',
        'x-client-VER': '7.2.3',
        'x-ms-lib-capability': 'retry-after, h429',
      }),
      { query: '?client-request-id=8b1f6a36-2f7e-4c55-9a57-0c6b3b1f5e10' },
    );
    expect(answer.status).toBe(200);
  });

  it('issues tokens with the configured lifetime, and accepts a tenant domain in the URL', async () => {
    fake.tokens.lifetimeSeconds = 120;
    try {
      const answer = await requestToken(fake, agent, clientCredentials(), {
        tenant: 'contoso.onmicrosoft.com',
      });
      expect(answer.body).toMatchObject({ expires_in: 120, ext_expires_in: 120 });
    } finally {
      fake.tokens.lifetimeSeconds = 3599;
    }
  });

  it('accepts the client secret in an HTTP Basic header', async () => {
    const basic = Buffer.from(`${SYNC_APP.clientId}:${SYNC_APP.clientSecret!}`).toString('base64');
    const form = clientCredentials();
    delete form.client_id;
    delete form.client_secret;
    const answer = await requestToken(fake, agent, form, { headers: { authorization: `Basic ${basic}` } });
    expect(answer.status).toBe(200);
  });

  it.each([
    [
      'a scope without /.default',
      clientCredentials({ scope: 'User.Read.All' }),
      400,
      'invalid_scope',
      1002012,
    ],
    ['a wrong secret', clientCredentials({ client_secret: 'not-it' }), 401, 'invalid_client', 7000215],
    ['no secret', clientCredentials({ client_secret: '' }), 401, 'invalid_client', 7000218],
    [
      'an unknown app',
      clientCredentials({ client_id: '00000000-1111-2222-3333-444444444444' }),
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'another resource',
      clientCredentials({ scope: 'https://vault.azure.net/.default' }),
      400,
      'invalid_resource',
      500011,
    ],
    [
      'an unknown grant type',
      clientCredentials({ grant_type: 'urn:fake' }),
      400,
      'unsupported_grant_type',
      70003,
    ],
    ['no grant type', clientCredentials({ grant_type: '' }), 400, 'invalid_request', 900144],
  ])('refuses %s', async (_, form, status, error, code) => {
    const answer = await requestToken(fake, agent, form);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expectAadsts(answer.body, error, code);
  });

  it('refuses an unknown tenant with AADSTS90002, naming it', async () => {
    const answer = await requestToken(fake, agent, clientCredentials(), { tenant: 'fabrikam.example' });
    expect(answer.status).toBe(400);
    expectAadsts(answer.body, 'invalid_request', 90002);
    expect(answer.body.error_description).toContain("Tenant 'fabrikam.example' not found.");
  });

  it('echoes the caller’s client-request-id as the correlation id', async () => {
    const correlation = '3f2a4c6e-8b0d-4f1a-9c3e-5b7d9f1a3c5e';
    const answer = await requestToken(fake, agent, clientCredentials({ client_secret: 'wrong' }), {
      headers: { 'client-request-id': correlation },
    });
    expect(answer.body.correlation_id).toBe(correlation);
    expect(answer.body.error_description).toContain(`Correlation ID: ${correlation}`);
  });

  it('without admin consent issues a token without roles, and Graph answers 403', async () => {
    fake.identity.updateApp(SYNC_APP.clientId, { adminConsent: false });
    try {
      const answer = await requestToken(fake, agent, clientCredentials());
      expect(answer.status).toBe(200);
      expect(claims(answer.body.access_token as string).roles).toEqual([]);
      const client = graphClient(fake, agent, () => answer.body.access_token as string);
      await expect(client.api('/users').top(1).select('id').get()).rejects.toMatchObject({
        statusCode: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      });
    } finally {
      fake.identity.updateApp(SYNC_APP.clientId, { adminConsent: true });
    }
  });

  it('can refuse at token time with AADSTS65001 consent_required', async () => {
    fake.identity.updateApp(SYNC_APP.clientId, { consentRequiredAtTokenTime: true });
    try {
      const answer = await requestToken(fake, agent, clientCredentials());
      expect(answer.status).toBe(400);
      expectAadsts(answer.body, 'invalid_grant', 65001);
      expect(answer.body.suberror).toBe('consent_required');
    } finally {
      fake.identity.updateApp(SYNC_APP.clientId, { consentRequiredAtTokenTime: false });
    }
  });

  it('answers a GET on the token endpoint with AADSTS900561', async () => {
    const response = await getJson(agent, fake.tokenUrl());
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error_codes: [900561] });
  });
});

describe('ROPC (grant_type=password)', () => {
  it('signs a user in: an access token, a refresh token and an id_token naming the user', async () => {
    const answer = await requestToken(fake, agent, ropc(ALICE, PASSWORD));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'User.Read profile openid email',
      expires_in: 3599,
    });
    expect(answer.body.refresh_token).toEqual(expect.any(String));
    const user = fake.directory.userByPrincipalName(ALICE)!;
    expect(claims(answer.body.id_token as string)).toMatchObject({
      name: 'Alice Anders',
      oid: user.id,
      preferred_username: ALICE,
      tid: fake.tenantId,
      aud: SIGN_ON_APP.clientId,
      ver: '2.0',
    });
    expect(claims(answer.body.access_token as string)).toMatchObject({ scp: 'User.Read', oid: user.id });
  });

  it('matches the user name case-insensitively and accepts the organizations tenant', async () => {
    const answer = await requestToken(fake, agent, ropc(ALICE.toUpperCase(), PASSWORD), {
      tenant: 'organizations',
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a wrong password with AADSTS50126', async () => {
    const answer = await requestToken(fake, agent, ropc(ALICE, 'wrong'));
    expect(answer.status).toBe(400);
    expectAadsts(answer.body, 'invalid_grant', 50126);
  });

  it('refuses an unknown user with AADSTS50034', async () => {
    const answer = await requestToken(fake, agent, ropc('nobody@contoso.com', PASSWORD));
    expectAadsts(answer.body, 'invalid_grant', 50034);
  });

  it('refuses a disabled directory user with AADSTS50057', async () => {
    const user = fake.directory.addUser({
      userPrincipalName: 'dora.disabled@contoso.com',
      accountEnabled: false,
    });
    fake.identity.setPassword(user.userPrincipalName, PASSWORD);
    const answer = await requestToken(fake, agent, ropc(user.userPrincipalName, PASSWORD));
    expectAadsts(answer.body, 'invalid_grant', 50057);
  });

  it.each<[SignOnRefusal, number, string | undefined]>([
    ['locked', 50053, undefined],
    ['passwordExpired', 50055, undefined],
    ['mfaRequired', 50076, 'basic_action'],
    ['mfaRegistrationRequired', 50079, 'basic_action'],
    ['conditionalAccess', 53003, 'message_only'],
    ['disabled', 50057, undefined],
  ])('answers %s with AADSTS%i', async (refusal, code, suberror) => {
    const upn = `${refusal.toLowerCase()}@contoso.com`;
    fake.directory.addUser({ userPrincipalName: upn });
    fake.identity.setPassword(upn, PASSWORD);
    fake.identity.setSignOnRefusal(upn, refusal);
    const answer = await requestToken(fake, agent, ropc(upn, PASSWORD));
    expect(answer.status).toBe(400);
    expectAadsts(answer.body, 'invalid_grant', code);
    expect(answer.body.suberror).toBe(suberror);
  });

  it('says "locked" even for a wrong password (smart lockout answers first)', async () => {
    fake.identity.setSignOnRefusal(ALICE, 'locked');
    try {
      const answer = await requestToken(fake, agent, ropc(ALICE, 'wrong'));
      expectAadsts(answer.body, 'invalid_grant', 50053);
    } finally {
      fake.identity.setSignOnRefusal(ALICE, undefined);
    }
  });

  it('cannot check a federated user’s password: AADSTS50126, and user realm discovery says Federated', async () => {
    const upn = 'fred.federated@ad.contoso.com';
    fake.directory.addUser({ userPrincipalName: upn });
    fake.identity.setPassword(upn, PASSWORD);
    const answer = await requestToken(fake, agent, ropc(upn, PASSWORD));
    expectAadsts(answer.body, 'invalid_grant', 50126);
    const realm = await getJson(
      agent,
      `${fake.url}/common/userrealm/${encodeURIComponent(upn)}?api-version=1.0`,
    );
    expect(realm.body).toMatchObject({
      account_type: 'Federated',
      federation_protocol: 'WSTrust',
      domain_name: 'ad.contoso.com',
    });
    const managed = await getJson(
      agent,
      `${fake.url}/common/userrealm/${encodeURIComponent(ALICE)}?api-version=1.0`,
    );
    expect(managed.body).toMatchObject({ account_type: 'Managed' });
  });

  it('needs the secret of a confidential client (AADSTS7000218) and refuses one from a public client (AADSTS700025)', async () => {
    const confidential = await requestToken(
      fake,
      agent,
      ropc(ALICE, PASSWORD, { client_id: SYNC_APP.clientId }),
    );
    expect(confidential.status).toBe(401);
    expectAadsts(confidential.body, 'invalid_client', 7000218);
    const withSecret = await requestToken(
      fake,
      agent,
      ropc(ALICE, PASSWORD, { client_id: SYNC_APP.clientId, client_secret: SYNC_APP.clientSecret! }),
    );
    expect(withSecret.status).toBe(200);
    const publicWithSecret = await requestToken(
      fake,
      agent,
      ropc(ALICE, PASSWORD, { client_secret: 'anything' }),
    );
    expect(publicWithSecret.status).toBe(401);
    expectAadsts(publicWithSecret.body, 'invalid_client', 700025);
  });

  it('publishes OpenID metadata whose token endpoint is the fake’s', async () => {
    const response = await getJson(
      agent,
      `${fake.url}/${fake.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(response.body).toMatchObject({
      token_endpoint: fake.tokenUrl(),
      issuer: `${fake.url}/${fake.tenantId}/v2.0`,
    });
  });
});
