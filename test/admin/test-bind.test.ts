/**
 * The status page's test bind goes through the LDAP front's Authenticator: the same verdicts, the
 * same refusal of a password without TLS from an untrusted address, and the same throttle, whose
 * failures LDAP binds and page binds add up together.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runTestBind } from '../../src/admin/test-bind.js';
import { Authenticator, PLAINTEXT_REFUSED } from '../../src/auth/authenticator.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import type { AccessConfig } from '../../src/config/types.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const signal = new AbortController().signal;
let access: AccessConfig;

beforeAll(async () => {
  access = {
    anonymous: false,
    accounts: [
      {
        name: 'pbx',
        passwordHash: await hashPassword(Buffer.from('right-password'), { N: 1024, r: 8, p: 1 }),
        read: 'all',
        sensitive: [],
      },
    ],
    trustedAddresses: [],
    trustLoopback: true,
    signedOn: {},
    throttle: { loginFailures: 2, addressFailures: 100, delay: 1, maxDelay: 4, decay: 60, maxTracked: 100 },
  };
});

function authenticator(): Authenticator {
  return new Authenticator({ access, suffix: SUFFIX, now: () => 0, sleep: () => Promise.resolve() });
}

describe('test bind', () => {
  it("gives the account's verdict with its result code, and who the bind made the caller", async () => {
    const auth = authenticator();
    const right = await runTestBind(
      auth,
      { name: 'pbx', password: 'right-password', remoteAddress: '127.0.0.1' },
      signal,
    );
    expect(right).toMatchObject({
      name: 'pbx',
      resultCode: 0,
      resultName: 'success',
      boundAs: `dn:cn=pbx,${SUFFIX}`,
    });
    const wrong = await runTestBind(
      auth,
      { name: 'pbx', password: 'wrong', remoteAddress: '127.0.0.1' },
      signal,
    );
    expect(wrong).toMatchObject({
      resultCode: 49,
      resultName: 'invalidCredentials',
      diagnostic: 'invalid credentials',
    });
    expect(JSON.stringify([right, wrong])).not.toMatch(/right-password|"wrong"/);
  });

  it('is a bind without TLS: refused from an address that is not trusted, as over plain LDAP', async () => {
    const verdict = await runTestBind(
      authenticator(),
      { name: 'pbx', password: 'right-password', remoteAddress: '203.0.113.9' },
      signal,
    );
    expect(verdict).toMatchObject({
      resultCode: 8,
      resultName: 'strongerAuthRequired',
      diagnostic: PLAINTEXT_REFUSED,
    });
  });

  it('counts failures in the throttle the LDAP binds share', async () => {
    const auth = authenticator();
    const ldapBind = (password: string) =>
      auth.bind(
        { name: 'pbx', password: Buffer.from(password), remoteAddress: '127.0.0.1', secure: false },
        signal,
      );
    expect((await ldapBind('wrong-1')).delayedMs).toBe(0);
    expect((await ldapBind('wrong-2')).delayedMs).toBe(0);
    // Two LDAP failures: the page's bind is held back as a third LDAP bind would be.
    const held = await runTestBind(
      auth,
      { name: 'pbx', password: 'wrong-3', remoteAddress: '127.0.0.1' },
      signal,
    );
    expect(held.delayedMs).toBeGreaterThan(0);
    expect(held.resultCode).toBe(49);
    // And the page's failure counts for the next LDAP bind.
    expect((await ldapBind('wrong-4')).delayedMs).toBeGreaterThan(held.delayedMs);
  });

  it('refuses a name without a password as an unauthenticated bind', async () => {
    const verdict = await runTestBind(
      authenticator(),
      { name: 'pbx', password: '', remoteAddress: '127.0.0.1' },
      signal,
    );
    expect(verdict.resultCode).toBe(49);
    expect(verdict.diagnostic).toMatch(/unauthenticated bind/);
  });
});
