import { beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, PLAINTEXT_REFUSED, type SimpleBind } from '../../src/auth/authenticator.js';
import { ANONYMOUS } from '../../src/auth/identity.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import type { AccessConfig } from '../../src/config/types.js';

const SUFFIX = 'dc=dirbridge,dc=local';
let passwordHash: string;

beforeAll(async () => {
  passwordHash = await hashPassword(Buffer.from('right'), { N: 1024, r: 8, p: 1 });
});

function access(overrides: Partial<AccessConfig> = {}): AccessConfig {
  return {
    anonymous: false,
    accounts: [{ name: 'pbx', passwordHash, read: 'all', sensitive: [] }],
    trustedAddresses: ['192.0.2.0/24'],
    trustLoopback: true,
    signedOn: {},
    throttle: { loginFailures: 2, addressFailures: 3, delay: 1, maxDelay: 4, decay: 60, maxTracked: 100 },
    ...overrides,
  };
}

/** An authenticator whose clock stands still and whose waits are only recorded. */
function authenticator(overrides: Partial<AccessConfig> = {}) {
  const waits: number[] = [];
  const auth = new Authenticator({
    access: access(overrides),
    suffix: SUFFIX,
    now: () => 0,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { auth, waits };
}

function attempt(name: string, password: string, remoteAddress = '127.0.0.1', secure = false): SimpleBind {
  return { name, password: Buffer.from(password), remoteAddress, secure };
}

const signal = new AbortController().signal;

describe('authenticator', () => {
  it('an empty name and password is the anonymous bind, from anywhere', async () => {
    const { auth } = authenticator({ trustLoopback: false });
    expect(await auth.bind(attempt('', '', '203.0.113.5'), signal)).toEqual({
      ok: true,
      identity: ANONYMOUS,
      delayedMs: 0,
    });
  });

  it('binds an account by name or DN and names it for Who am I?', async () => {
    const { auth } = authenticator();
    for (const name of ['pbx', 'PBX', `CN=Pbx, ${SUFFIX.toUpperCase()}`]) {
      const outcome = await auth.bind(attempt(name, 'right'), signal);
      expect(outcome).toEqual({
        ok: true,
        identity: { kind: 'account', account: 'pbx', bindName: name, authzId: `dn:cn=pbx,${SUFFIX}` },
        delayedMs: 0,
      });
    }
  });

  it('a wrong password, an unknown name and an empty password answer 49 alike', async () => {
    const { auth } = authenticator();
    const expected = { ok: false, code: 'invalidCredentials' };
    expect(await auth.bind(attempt('pbx', 'wrong'), signal)).toMatchObject({
      ...expected,
      diagnostic: 'invalid credentials',
    });
    expect(await auth.bind(attempt('nobody', 'right'), signal)).toMatchObject({
      ...expected,
      diagnostic: 'invalid credentials',
    });
    expect(await auth.bind(attempt('pbx', ''), signal)).toMatchObject({
      ...expected,
      diagnostic: /unauthenticated/,
    });
    expect(await auth.bind(attempt('', 'right'), signal)).toMatchObject(expected);
  });

  it('refuses a password over plain LDAP from an untrusted address with strongerAuthRequired', async () => {
    const { auth } = authenticator();
    expect(await auth.bind(attempt('pbx', 'right', '203.0.113.5'), signal)).toEqual({
      ok: false,
      code: 'strongerAuthRequired',
      diagnostic: PLAINTEXT_REFUSED,
      delayedMs: 0,
    });
    expect(await auth.bind(attempt('pbx', 'right', '203.0.113.5', true), signal)).toMatchObject({ ok: true });
    expect(await auth.bind(attempt('pbx', 'right', '192.0.2.77'), signal)).toMatchObject({ ok: true });
    expect(await auth.bind(attempt('pbx', 'right', '::ffff:192.0.2.77'), signal)).toMatchObject({ ok: true });
  });

  it('trusts loopback unless trustLoopback is false', async () => {
    const strict = authenticator({ trustLoopback: false }).auth;
    expect(await strict.bind(attempt('pbx', 'right', '127.0.0.1'), signal)).toMatchObject({
      code: 'strongerAuthRequired',
    });
    expect(await strict.bind(attempt('pbx', 'right', '::1'), signal)).toMatchObject({
      code: 'strongerAuthRequired',
    });
    expect(await strict.bind(attempt('pbx', '', '127.0.0.1'), signal)).toMatchObject({
      code: 'invalidCredentials',
    });
  });

  it('delays a login after repeated failures, also when the password is finally right', async () => {
    const { auth, waits } = authenticator();
    for (let i = 0; i < 4; i++) await auth.bind(attempt('pbx', 'wrong'), signal);
    expect(waits).toEqual([1000, 2000]);
    const outcome = await auth.bind(attempt('PBX', 'right'), signal);
    expect(outcome).toMatchObject({ ok: true, delayedMs: 4000 });
    // A success forgets the failures.
    expect(await auth.bind(attempt('pbx', 'wrong'), signal)).toMatchObject({ delayedMs: 0 });
  });

  it('counts names nobody owns per untrusted address, never per trusted one', async () => {
    const { auth } = authenticator();
    const delays = async (address: string): Promise<number[]> => {
      const result: number[] = [];
      for (let i = 0; i < 5; i++)
        result.push((await auth.bind(attempt(`guess${i}`, 'x', address, true), signal)).delayedMs);
      return result;
    };
    expect(await delays('203.0.113.5')).toEqual([0, 0, 0, 1000, 2000]);
    expect(await delays('192.0.2.1')).toEqual([0, 0, 0, 0, 0]);
    expect(await delays('127.0.0.1')).toEqual([0, 0, 0, 0, 0]);
    // A known login from the throttled address is not slowed by the address's count.
    expect(await auth.bind(attempt('pbx', 'right', '203.0.113.5', true), signal)).toMatchObject({
      ok: true,
      delayedMs: 0,
    });
  });

  it('does not check the password when the client leaves during the delay', async () => {
    const controller = new AbortController();
    const auth = new Authenticator({
      access: access(),
      suffix: SUFFIX,
      now: () => 0,
      sleep: () => {
        controller.abort();
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 2; i++) await auth.bind(attempt('pbx', 'wrong'), controller.signal);
    expect(await auth.bind(attempt('pbx', 'right'), controller.signal)).toMatchObject({ ok: false });
  });

  it('waits on a real timer without holding up other binds', async () => {
    const auth = new Authenticator({
      access: access({
        throttle: {
          loginFailures: 1,
          addressFailures: 50,
          delay: 0.3,
          maxDelay: 1,
          decay: 60,
          maxTracked: 100,
        },
      }),
      suffix: SUFFIX,
    });
    await auth.bind(attempt('pbx', 'wrong'), signal);
    const order: string[] = [];
    const slow = auth.bind(attempt('pbx', 'wrong'), signal).then(() => order.push('throttled'));
    const fast = auth.bind(attempt('', ''), signal).then(() => order.push('anonymous'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['anonymous', 'throttled']);
  });

  it('a closed connection ends the wait at once', async () => {
    const auth = new Authenticator({
      access: access({
        throttle: {
          loginFailures: 1,
          addressFailures: 50,
          delay: 30,
          maxDelay: 30,
          decay: 60,
          maxTracked: 100,
        },
      }),
      suffix: SUFFIX,
    });
    await auth.bind(attempt('pbx', 'wrong'), signal);
    const controller = new AbortController();
    const started = Date.now();
    const pending = auth.bind(attempt('pbx', 'right'), controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toMatchObject({ ok: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
