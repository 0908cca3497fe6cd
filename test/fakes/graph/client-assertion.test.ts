/**
 * The fake's token endpoint with certificate credentials: a client assertion signed with a
 * certificate registered on the app gets a token (RS256 or PS256, `x5t#S256` or the older `x5t`),
 * and each way Entra ID refuses one answers with its code: an unknown certificate or a wrong
 * signature (AADSTS700027), an expired assertion (AADSTS700024), another audience (AADSTS700023),
 * a secret sent too (AADSTS70002).
 */
import { X509Certificate } from 'node:crypto';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertionForm,
  makeAppCertificate,
  signAssertion,
  type AppCertificatePair,
} from './app-certificates.js';
import { thumbprint } from './client-assertion.js';
import { FakeGraph } from './fake-graph.js';
import { requestToken, trustingAgent } from './graph-test-client.js';
import { SYNC_APP } from './identity.js';

let fake: FakeGraph;
let agent: Agent;
let registered: AppCertificatePair;
let stranger: AppCertificatePair;

beforeAll(async () => {
  [registered, stranger] = await Promise.all([makeAppCertificate(), makeAppCertificate('someone else')]);
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  fake.identity.updateApp(SYNC_APP.clientId, { certificates: [registered.cert] });
});

afterAll(async () => {
  await fake.close();
  await agent.close();
});

function assertion(options: Partial<Parameters<typeof signAssertion>[1]> = {}, pair = registered): string {
  return signAssertion(pair, { clientId: SYNC_APP.clientId, audience: fake.tokenUrl(), ...options });
}

async function ask(signed: string, change: Record<string, string> = {}) {
  return requestToken(fake, agent, { ...assertionForm(SYNC_APP.clientId, signed), ...change });
}

function expectRefusal(body: Record<string, unknown>, code: number): string {
  expect(body.error).toBe('invalid_client');
  expect(body.error_codes).toEqual([code]);
  const description = body.error_description as string;
  expect(description).toMatch(new RegExp(`^AADSTS${code}: `));
  return description;
}

describe('client credentials with a certificate', () => {
  it('issues a token for an RS256 assertion naming the certificate by x5t#S256', async () => {
    const answer = await ask(assertion());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  });

  it('accepts PS256, the older SHA-1 x5t, and the tenant named by a domain in the audience', async () => {
    const sha1 = thumbprint(new X509Certificate(registered.cert), 'sha1');
    for (const signed of [
      assertion({ header: { alg: 'PS256' } }),
      assertion({ header: { 'x5t#S256': undefined, x5t: sha1 } }),
      assertion({ audience: fake.tokenUrl('contoso.onmicrosoft.com') }),
    ])
      expect((await ask(signed)).status).toBe(200);
  });

  it('refuses a certificate not registered on the app with AADSTS700027, key not found', async () => {
    const answer = await ask(assertion({}, stranger));
    expect(answer.status).toBe(401);
    const description = expectRefusal(answer.body, 700027);
    const hex = Buffer.from(thumbprint(new X509Certificate(stranger.cert), 'sha256'), 'base64url')
      .toString('hex')
      .toUpperCase();
    expect(description).toContain(
      `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${hex}'`,
    );
    expect(description).toContain(`app Id '${SYNC_APP.clientId}'`);
  });

  it('refuses a signature the registered certificate does not verify with AADSTS700027', async () => {
    const answer = await ask(assertion({ signingKey: stranger.key }));
    const description = expectRefusal(answer.body, 700027);
    expect(description).toMatch(
      /\[Reason - The provided signature value did not match the expected signature value\., .*Found key 'Start=\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d, End=/,
    );
  });

  it('refuses an expired assertion with AADSTS700024, quoting the times', async () => {
    const long = Math.floor(Date.now() / 1000) - 3600;
    const answer = await ask(assertion({ claims: { nbf: long - 600, iat: long - 600, exp: long } }));
    const description = expectRefusal(answer.body, 700024);
    expect(description).toMatch(
      /^AADSTS700024: Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z, assertion valid from .*, expiry time of assertion .*\. Review the documentation at https:\/\/learn\.microsoft\.com\/entra\/identity-platform\/certificate-credentials \./,
    );
  });

  it('refuses another audience with AADSTS700023', async () => {
    const answer = await ask(
      assertion({ audience: `https://login.microsoftonline.com/${fake.tenantId}/oauth2/v2.0/token` }),
    );
    expect(expectRefusal(answer.body, 700023)).toContain(
      'Client assertion audience claim does not match Realm issuer.',
    );
  });

  it('refuses a secret and an assertion together, and an assertion without its type', async () => {
    const both = await ask(assertion(), { client_secret: SYNC_APP.clientSecret! });
    expect(both.status).toBe(401);
    expectRefusal(both.body, 70002);
    const untyped = await ask(assertion(), { client_assertion_type: '' });
    expect(untyped.body.error_codes).toEqual([900144]);
  });

  it('refuses a malformed assertion and one whose iss is not the client with AADSTS50027', async () => {
    expectRefusal((await ask('not-a-jwt')).body, 50027);
    expectRefusal((await ask(assertion({ claims: { iss: 'someone' } }))).body, 50027);
    expectRefusal((await ask(assertion({ claims: { jti: undefined } }))).body, 50027);
  });

  it('refuses an assertion from an app with no certificate registered (key not found)', async () => {
    fake.identity.updateApp(SYNC_APP.clientId, { certificates: [] });
    try {
      expectRefusal((await ask(assertion())).body, 700027);
    } finally {
      fake.identity.updateApp(SYNC_APP.clientId, { certificates: [registered.cert] });
    }
  });
});
