import { beforeAll, describe, expect, it } from 'vitest';
import type { ScryptHash } from '../../src/access/password-hash-format.js';
import {
  Authenticator,
  PLAINTEXT_REFUSED,
  SCRYPT_BUSY,
  type SimpleBind,
} from '../../src/auth/authenticator.js';
import { ANONYMOUS } from '../../src/auth/identity.js';
import { DEFAULT_COST, hashPassword, verifyPassword } from '../../src/auth/password-hash.js';
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
        result.push(
          (await auth.bind(attempt(`guess-${address}-${i}`, 'x', address, true), signal)).delayedMs,
        );
      return result;
    };
    expect(await delays('203.0.113.5')).toEqual([0, 0, 0, 1000, 2000]);
    expect(await delays('192.0.2.1')).toEqual([0, 0, 0, 0, 0]);
    expect(await delays('127.0.0.1')).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts wrong passwords of real accounts per untrusted address too', async () => {
    const { auth } = authenticator({
      accounts: [
        { name: 'pbx', passwordHash, read: 'all', sensitive: [] },
        { name: 'phones', passwordHash, read: 'all', sensitive: [] },
      ],
    });
    const delays: number[] = [];
    for (const name of ['pbx', 'phones', 'nosuchname', 'othername']) {
      delays.push((await auth.bind(attempt(name, 'wrong', '203.0.113.5', true), signal)).delayedMs);
    }
    // Three failures from the address, whoever's names they were: the fourth bind waits.
    expect(delays).toEqual([0, 0, 0, 1000]);
  });

  it('gives every bind from an address past addressFailures the same delay, whether its name exists or not', async () => {
    /** The delay of one probe after the address was pushed past its threshold with made-up names. */
    const probe = async (name: string, password: string): Promise<number> => {
      const { auth } = authenticator();
      for (let i = 0; i < 3; i++) await auth.bind(attempt(`made-up-${i}`, 'x', '203.0.113.5', true), signal);
      return (await auth.bind(attempt(name, password, '203.0.113.5', true), signal)).delayedMs;
    };
    const nobody = await probe('nosuchname', 'wrong');
    expect(nobody).toBe(1000);
    // A real name is not told apart by a faster answer, not even with its right password.
    expect(await probe('pbx', 'wrong')).toBe(nobody);
    expect(await probe('pbx', 'right')).toBe(nobody);
    expect(await probe(`cn=pbx,${SUFFIX}`, 'wrong')).toBe(nobody);
  });

  it('does not forget an address’s failures when a bind from it succeeds', async () => {
    const { auth } = authenticator();
    for (let i = 0; i < 3; i++) await auth.bind(attempt(`made-up-${i}`, 'x', '203.0.113.5', true), signal);
    expect(await auth.bind(attempt('pbx', 'right', '203.0.113.5', true), signal)).toMatchObject({ ok: true });
    // One right password (an attacker may own one account) does not buy more fast guesses.
    expect(
      (await auth.bind(attempt('made-up-9', 'x', '203.0.113.5', true), signal)).delayedMs,
    ).toBeGreaterThan(0);
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

/** A verifier that records each check it makes (the password and the hash's cost) and then makes it. */
function observedVerifier(compute = true) {
  const checks: { password: string; N: number; r: number; p: number }[] = [];
  const verifier = (password: Uint8Array, hash: ScryptHash): Promise<boolean> => {
    checks.push({ password: Buffer.from(password).toString('utf8'), N: hash.N, r: hash.r, p: hash.p });
    return compute ? verifyPassword(password, hash) : Promise.resolve(false);
  };
  return { checks, verifier };
}

function observed(overrides: Partial<AccessConfig> = {}, compute = true) {
  const { checks, verifier } = observedVerifier(compute);
  const waits: number[] = [];
  const auth = new Authenticator({
    access: access(overrides),
    suffix: SUFFIX,
    now: () => 0,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    verifier,
  });
  return { auth, checks, waits };
}

describe('names nobody owns', () => {
  const UNKNOWN = [
    'nosuchname',
    `cn=nosuchname,${SUFFIX}`,
    `entryUUID=8f3c2a4e-0000-4000-8000-000000000001,ou=demo,${SUFFIX}`,
    'cn=Somebody,o=Elsewhere',
    'example.test\\alice',
    'alice',
  ];

  it('run scrypt on the presented password with the cost of an account, as a wrong password does', async () => {
    const { auth, checks } = observed();
    const wrong = await auth.bind(attempt('pbx', 'guess-0'), signal);
    expect(checks).toEqual([{ password: 'guess-0', N: 1024, r: 8, p: 1 }]);
    for (const [i, name] of UNKNOWN.entries()) {
      checks.length = 0;
      const outcome = await auth.bind(attempt(name, `guess-${i + 1}`), signal);
      expect(checks, name).toEqual([{ password: `guess-${i + 1}`, N: 1024, r: 8, p: 1 }]);
      // The same answer, word for word.
      expect(outcome, name).toEqual(wrong);
    }
  });

  it('without accounts, pay the cost `dirbridge hash-password` gives new hashes', async () => {
    const { auth, checks } = observed({ accounts: [] }, false);
    expect(await auth.bind(attempt('pbx', 'guess'), signal)).toMatchObject({ code: 'invalidCredentials' });
    expect(checks).toEqual([{ password: 'guess', ...DEFAULT_COST }]);
  });

  it('an empty password is refused at once, for every name, without scrypt', async () => {
    const { auth, checks } = observed();
    for (const name of ['pbx', 'nosuchname']) {
      expect(await auth.bind(attempt(name, ''), signal)).toMatchObject({ code: 'invalidCredentials' });
    }
    expect(checks).toEqual([]);
  });

  it('are throttled per name exactly like an account', async () => {
    const { auth } = observed();
    const delays = async (name: string): Promise<number[]> => {
      const result: number[] = [];
      for (let i = 0; i < 5; i++) result.push((await auth.bind(attempt(name, 'wrong'), signal)).delayedMs);
      return result;
    };
    expect(await delays('pbx')).toEqual([0, 0, 1000, 2000, 4000]);
    expect(await delays('nosuchname')).toEqual([0, 0, 1000, 2000, 4000]);
    // Spellings an account would accept alike count alike: `cn=x,<suffix>` is x, in any case.
    expect(await delays('othername')).toEqual([0, 0, 1000, 2000, 4000]);
    expect((await auth.bind(attempt(`CN=OtherName, ${SUFFIX}`, 'wrong'), signal)).delayedMs).toBe(4000);
  });
});

describe('binds sent all at once', () => {
  it('give no more than loginFailures fast answers to wrong passwords for one login', async () => {
    const { auth, waits } = observed();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => auth.bind(attempt('pbx', `wrong-${i}`), signal)),
    );
    expect(outcomes.every((outcome) => !outcome.ok)).toBe(true);
    expect(outcomes.map((outcome) => outcome.delayedMs)).toEqual([0, 0, 1000, 2000, 4000, 4000, 4000, 4000]);
    expect(waits).toEqual([1000, 2000, 4000, 4000, 4000, 4000]);
  });

  it('and to names nobody owns', async () => {
    const { auth } = observed();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, (_, i) => auth.bind(attempt('nosuchname', `wrong-${i}`), signal)),
    );
    expect(outcomes.map((outcome) => outcome.delayedMs)).toEqual([0, 0, 1000, 2000]);
  });

  it('never delay correct binds of one account in flight together', async () => {
    const { auth, waits } = observed();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => auth.bind(attempt('pbx', 'right'), signal)),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(outcomes.map((outcome) => outcome.delayedMs)).toEqual(Array(20).fill(0));
    expect(waits).toEqual([]);
  });

  it('hold up no other login while one is guessed at', async () => {
    const { auth } = observed({
      accounts: [
        { name: 'pbx', passwordHash, read: 'all', sensitive: [] },
        { name: 'phones', passwordHash, read: 'all', sensitive: [] },
      ],
    });
    const guesses = Array.from({ length: 6 }, (_, i) => auth.bind(attempt('pbx', `wrong-${i}`), signal));
    expect(await auth.bind(attempt('phones', 'right'), signal)).toMatchObject({ ok: true, delayedMs: 0 });
    await Promise.all(guesses);
  });
});

/** A verifier that holds every check until let go, recording how many run at once. */
function gatedVerifier() {
  const gates: (() => void)[] = [];
  let open = false;
  let active = 0;
  let mostAtOnce = 0;
  let calls = 0;
  const verifier = async (password: Uint8Array, hash: ScryptHash): Promise<boolean> => {
    calls++;
    active++;
    mostAtOnce = Math.max(mostAtOnce, active);
    if (!open) await new Promise<void>((resolve) => gates.push(resolve));
    const right = await verifyPassword(password, hash);
    active--;
    return right;
  };
  return {
    verifier,
    calls: () => calls,
    mostAtOnce: () => mostAtOnce,
    /** Lets every check held so far finish, and every later one run at once. */
    openAll(): void {
      open = true;
      for (const gate of gates.splice(0)) gate();
    },
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** Binds from addresses of their own, as a flood across many names and addresses comes. */
function fromElsewhere(name: string, password: string, i: number): SimpleBind {
  return attempt(name, password, `198.51.100.${i + 1}`, true);
}

describe('scrypt work', () => {
  function queued(limits = { running: 1, waiting: 2 }, overrides: Partial<AccessConfig> = {}) {
    const gated = gatedVerifier();
    const auth = new Authenticator({
      access: access(overrides),
      suffix: SUFFIX,
      now: () => 0,
      sleep: () => Promise.resolve(),
      verifier: gated.verifier,
      scrypt: limits,
    });
    return { auth, gated };
  }

  it('runs at most `running` scrypts at once, however many names and addresses bind', async () => {
    const { auth, gated } = queued({ running: 2, waiting: 50 });
    const binds = Array.from({ length: 20 }, (_, i) =>
      auth.bind(fromElsewhere(i % 2 === 0 ? 'pbx' : `guess-${i}`, `wrong-${i}`, i), signal),
    );
    await settle();
    expect(gated.calls()).toBe(2);
    gated.openAll();
    const outcomes = await Promise.all(binds);
    expect(outcomes.every((outcome) => !outcome.ok && outcome.code === 'invalidCredentials')).toBe(true);
    expect(gated.calls()).toBe(20);
    expect(gated.mostAtOnce()).toBe(2);
  });

  it('shares one scrypt among binds of one name and password at once, alike for a real name and a made-up one', async () => {
    for (const [name, otherSpelling] of [
      ['pbx', `CN=PBX,${SUFFIX}`],
      ['nosuchname', `cn=nosuchname,${SUFFIX}`],
    ]) {
      for (const password of ['right', 'wrong']) {
        const { auth, gated } = queued({ running: 1, waiting: 10 });
        const binds = [name, otherSpelling].map((bindName, i) =>
          auth.bind(fromElsewhere(bindName!, password, i), signal),
        );
        await settle();
        gated.openAll();
        const [first, second] = await Promise.all(binds);
        expect(gated.calls(), `${name} ${password}`).toBe(1);
        const right = name === 'pbx' && password === 'right';
        expect([first!.ok, second!.ok], `${name} ${password}`).toEqual([right, right]);
        // A refusal word for word the same, whichever bind checked and whichever joined.
        if (!right) expect(second, `${name} ${password}`).toEqual(first);
      }
    }
  });

  it('shares nothing between different passwords or names, and a wrong password pays again later', async () => {
    const { auth, gated } = queued({ running: 1, waiting: 10 });
    const binds = [
      fromElsewhere('pbx', 'wrong-1', 0),
      fromElsewhere('pbx', 'wrong-2', 1),
      fromElsewhere('nosuchname', 'wrong-1', 2),
      fromElsewhere('othername', 'wrong-1', 3),
    ].map((bind) => auth.bind(bind, signal));
    await settle();
    gated.openAll();
    await Promise.all(binds);
    expect(gated.calls()).toBe(4);
    expect(await auth.bind(fromElsewhere('pbx', 'wrong-1', 4), signal)).toMatchObject({ ok: false });
    expect(gated.calls()).toBe(5);
  });

  it('answers busy past the queue, before any password is checked, alike for a real name and a made-up one', async () => {
    const { auth, gated } = queued();
    // One running, two waiting: the queue is full.
    const first = [0, 1, 2].map((i) => auth.bind(fromElsewhere(`guess-${i}`, 'x', i), signal));
    await settle();
    const real = await auth.bind(fromElsewhere('pbx', 'right', 3), signal);
    const madeUp = await auth.bind(fromElsewhere('nosuchname', 'right', 4), signal);
    expect(real).toEqual({ ok: false, code: 'busy', diagnostic: SCRYPT_BUSY, delayedMs: 0 });
    expect(madeUp).toEqual(real);
    expect(gated.calls()).toBe(1);
    gated.openAll();
    await Promise.all(first);
    expect(gated.calls()).toBe(3);
  });

  it('counts a busy answer as a failure, so a full queue gives no free guesses', async () => {
    const { auth, gated } = queued({ running: 1, waiting: 1 });
    const full = [0, 1].map((i) => auth.bind(fromElsewhere(`guess-${i}`, 'x', i), signal));
    await settle();
    for (let i = 0; i < 2; i++) {
      expect(await auth.bind(fromElsewhere('pbx', `guess-${i}`, 9), signal)).toMatchObject({ code: 'busy' });
    }
    gated.openAll();
    await Promise.all(full);
    // loginFailures (2) used up by the busy answers: the next guess for pbx waits.
    const next = auth.bind(fromElsewhere('pbx', 'guess-2', 9), signal);
    gated.openAll();
    expect(await next).toMatchObject({ ok: false, delayedMs: 1000 });
  });

  it('still accepts a right password checked a moment ago while the queue is full: it needs no scrypt', async () => {
    const { auth, gated } = queued({ running: 1, waiting: 1 });
    const first = auth.bind(attempt('pbx', 'right'), signal);
    gated.openAll();
    expect(await first).toMatchObject({ ok: true });
    const full = [0, 1].map((i) => auth.bind(fromElsewhere(`guess-${i}`, 'x', i), signal));
    await settle();
    expect(await auth.bind(fromElsewhere('pbx', 'right', 7), signal)).toMatchObject({ ok: true });
    gated.openAll();
    await Promise.all(full);
  });

  it('keeps places for trusted clients: a flood from outside never makes the PBX busy', async () => {
    const { auth, gated } = queued();
    const flood = [0, 1, 2].map((i) => auth.bind(fromElsewhere(`guess-${i}`, 'x', i), signal));
    await settle();
    expect(await auth.bind(fromElsewhere('guess-3', 'x', 3), signal)).toMatchObject({ code: 'busy' });
    const pbx = auth.bind(attempt('pbx', 'right', '192.0.2.10'), signal);
    gated.openAll();
    expect(await pbx).toMatchObject({ ok: true });
    await Promise.all(flood);
  });

  it('costs no scrypt for a client that leaves while its bind waits in the queue', async () => {
    const { auth, gated } = queued();
    const running = auth.bind(fromElsewhere('guess-0', 'x', 0), signal);
    await settle();
    const clients = [new AbortController(), new AbortController()];
    const leaving = clients.map((client, i) =>
      auth.bind(fromElsewhere(i === 0 ? 'pbx' : 'nosuchname', 'x', i + 1), client.signal),
    );
    await settle();
    for (const client of clients) client.abort();
    for (const outcome of await Promise.all(leaving)) expect(outcome).toMatchObject({ ok: false });
    gated.openAll();
    await running;
    expect(gated.calls()).toBe(1);
  });
});

describe('authenticator and the bind cancellation', () => {
  /** A cancellation that counts how often its AbortSignal is asked for. */
  function counting(): { aborted: boolean; readonly signal: AbortSignal; asked: number } {
    const controller = new AbortController();
    return {
      aborted: false,
      asked: 0,
      get signal() {
        this.asked++;
        return controller.signal;
      },
    };
  }

  it('asks for no AbortSignal for a remembered password, and does for one it must check', async () => {
    const { auth } = authenticator();
    const first = counting();
    expect(await auth.bind(attempt('pbx', 'right'), first)).toMatchObject({ ok: true });
    expect(first.asked).toBeGreaterThan(0);
    const again = counting();
    expect(await auth.bind(attempt('pbx', 'right'), again)).toMatchObject({ ok: true });
    expect(again.asked).toBe(0);
    const wrong = counting();
    expect(await auth.bind(attempt('pbx', 'wrong'), wrong)).toMatchObject({ ok: false });
    expect(wrong.asked).toBeGreaterThan(0);
  });

  it('checks nothing for a bind cancelled before its turn', async () => {
    const { auth } = authenticator();
    const cancelled = { ...counting(), aborted: true };
    expect(await auth.bind(attempt('pbx', 'right'), cancelled)).toMatchObject({
      ok: false,
      code: 'invalidCredentials',
    });
  });
});
