/**
 * `oauth`: one account's refresh token instead of a service account, against the Google fake's
 * token endpoint (grant_type=refresh_token) through the real client library: the directory and the
 * account's own contacts read as that account, a 401 answered by a new token, and a revoked refresh
 * token that keeps the copy serving while the round and `check` say what to do in one sentence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoogleSource, type GoogleSource } from '../../../src/sources/google/index.js';
import { GoogleFake } from '../../fakes/google/google-fake.js';
import { SCOPES } from '../../fakes/google/people-scopes.js';
import { googleReplica } from '../../support/google-replica.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';

const signal = new AbortController().signal;
let fake: GoogleFake;
let account: string;

beforeAll(async () => {
  fake = await GoogleFake.start({ domain: 'example.com', region: 'DE' });
  account = fake.seedDirectory({ count: 50, domainContacts: 3 })[4]!.data.emailAddresses![0]!.value;
  fake.seedContacts(account, { count: 12, seed: 7 });
});

afterAll(() => fake.stop());

function source(refreshToken: string, overrides: Record<string, unknown> = {}): GoogleSource {
  return createGoogleSource({
    name: 'workspace',
    type: 'google',
    oauth: { clientId: fake.oauthClient.clientId, clientSecret: fake.oauthClient.clientSecret, refreshToken },
    tokenUrl: fake.tokenUrl,
    rootUrl: fake.rootUrl,
    ...overrides,
  });
}

const consent = (scopes: readonly string[]): string =>
  fake.grantConsent({ user: account, scopes }).refreshToken;

describe('google source with a refresh token', () => {
  it("reads the directory and the account's own contacts as that account, with one token", async () => {
    const token = consent([SCOPES.directoryReadonly, SCOPES.contactsReadonly]);
    const google = source(token, { userContacts: { users: [account] } });
    const engine = googleReplica(google);
    try {
      fake.requests.clear();
      await engine.sync(signal);
      expect(engine.size).toBe(fake.domain.directory.size + 12);
      const grants = fake.requests.all('/token').map((call) => call.form?.grant_type);
      expect(grants).toEqual(['refresh_token']);
      // Google stops taking the token: the 401 makes the client ask for a new one, and the round goes on.
      fake.accessTokens.revoke();
      fake.domain.contactsOf(account).add({
        names: [{ givenName: 'Olga', familyName: 'Owned', displayName: 'Olga Owned' }],
      });
      await engine.sync(signal);
      expect(names(engine, '(cn=Olga Owned)')).toEqual(['Olga Owned']);
    } finally {
      await google.close();
    }
  });

  it('keeps the copy serving once the refresh token is revoked, and check says to make a new one', async () => {
    const token = consent([SCOPES.directoryReadonly]);
    const google = source(token);
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const size = engine.size;
      fake.revokeRefreshToken(token);
      fake.accessTokens.expire();
      await expect(engine.sync(signal)).rejects.toThrow(/Google revoked `oauth\.refreshToken` or it expired/);
      expect(engine.size).toBe(size);
      const report = await google.check();
      expect(report.ok).toBe(false);
      expect(report.steps).toEqual([
        {
          step: 'token',
          ok: false,
          detail: expect.stringMatching(
            /^Google revoked `oauth\.refreshToken` .*make a new refresh token .*\(Google: invalid_grant: Token has been expired or revoked\.\)$/,
          ) as unknown,
        },
      ]);
      expect(JSON.stringify(report)).not.toContain(token);
    } finally {
      await google.close();
    }
  });

  it('names the setting to fix: a wrong client secret, an unknown token, a scope not consented to', async () => {
    const token = consent([SCOPES.contactsReadonly]);
    const cases: [GoogleSource, string, RegExp][] = [
      [
        createGoogleSource({
          name: 'workspace',
          type: 'google',
          oauth: { clientId: fake.oauthClient.clientId, clientSecret: 'wrong', refreshToken: token },
          tokenUrl: fake.tokenUrl,
          rootUrl: fake.rootUrl,
        }),
        'token',
        /`oauth\.clientId` .* is unknown or `oauth\.clientSecret` is wrong/,
      ],
      [source('1//never-issued'), 'token', /Google does not know `oauth\.refreshToken`/],
      [
        source(token),
        'directory',
        /`oauth\.refreshToken` was granted without the scope https:\/\/www\.googleapis\.com\/auth\/directory\.readonly/,
      ],
    ];
    for (const [google, step, sentence] of cases)
      try {
        const report = await google.check();
        expect(report.ok).toBe(false);
        expect(report.steps.find((each) => each.step === step)?.detail).toMatch(sentence);
      } finally {
        await google.close();
      }
  });
});
