import { describe, expect, it } from 'vitest';
import { Throttle, addressKey, type BindAttempt } from '../../src/auth/throttle.js';
import type { ThrottleConfig } from '../../src/config/types.js';

const SETTINGS: ThrottleConfig = {
  loginFailures: 3,
  addressFailures: 10,
  delay: 1,
  maxDelay: 8,
  decay: 60,
  maxTracked: 100,
};

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance: (seconds: number) => void } {
  let ms = 1_000_000;
  return { now: () => ms, advance: (seconds) => (ms += seconds * 1000) };
}

const signal = new AbortController().signal;

/** The throttle as binds meet it, one after another: the delay each is given, then its outcome. */
class SequentialBinds {
  constructor(readonly inner: Throttle) {}
  /** A bind that fails: the delay it was given. */
  async charge(attempt: BindAttempt): Promise<number> {
    const admission = (await this.inner.admit(attempt, signal))!;
    admission.failed();
    return admission.delayMs;
  }
  /** A bind that succeeds: the delay it was given. */
  async succeed(attempt: BindAttempt): Promise<number> {
    const admission = (await this.inner.admit(attempt, signal))!;
    admission.succeeded();
    return admission.delayMs;
  }
  failures(attempt: BindAttempt): { login: number; address: number } {
    return this.inner.failures(attempt);
  }
}

/** `count` binds, one after another, each failing: their delays. */
async function chargeMany(t: SequentialBinds, count: number, attempt: BindAttempt): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < count; i++) delays.push(await t.charge(attempt));
  return delays;
}

function throttle(settings: Partial<ThrottleConfig> = {}) {
  const clock = fakeClock();
  return { clock, throttle: new SequentialBinds(new Throttle({ ...SETTINGS, ...settings }, clock.now)) };
}

describe('bind throttle, binds one after another', () => {
  it('lets the first failures of a login through, then delays exponentially up to the cap', async () => {
    const { throttle: t } = throttle();
    expect(await chargeMany(t, 9, { login: 'pbx' })).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('counts each login on its own: one mistyping user never slows another', async () => {
    const { throttle: t } = throttle();
    await chargeMany(t, 6, { login: 'alice' });
    expect(await t.charge({ login: 'alice' })).toBeGreaterThan(0);
    expect(await t.charge({ login: 'bob' })).toBe(0);
  });

  it('forgets one failure per decay period, so a throttle ends by itself', async () => {
    const { throttle: t, clock } = throttle();
    await chargeMany(t, 5, { login: 'pbx' });
    expect(t.failures({ login: 'pbx' }).login).toBe(5);
    clock.advance(30);
    expect(t.failures({ login: 'pbx' }).login).toBeCloseTo(4.5);
    // 4.5 failures still count as 5 while the half-forgotten one lingers: 5 - 3 -> 4 s.
    expect(await t.charge({ login: 'pbx' })).toBe(4000);
    clock.advance(60 * 10);
    expect(t.failures({ login: 'pbx' }).login).toBe(0);
    expect(await t.charge({ login: 'pbx' })).toBe(0);
  });

  it('forgets a login after it binds successfully (a success after failures waits too)', async () => {
    const { throttle: t } = throttle();
    await chargeMany(t, 5, { login: 'pbx' });
    expect(await t.succeed({ login: 'pbx' })).toBe(4000);
    expect(t.failures({ login: 'pbx' }).login).toBe(0);
    expect(await t.charge({ login: 'pbx' })).toBe(0);
  });

  it('does not count a bind whose password was not judged (the backend was down)', async () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 10; i++) (await t.inner.admit({ login: 'alice' }, signal))!.released();
    expect(t.failures({ login: 'alice' }).login).toBe(0);
    expect(t.inner.inFlight({ login: 'alice' }).login).toBe(0);
  });

  it('counts addresses with their own, higher threshold', async () => {
    const { throttle: t } = throttle();
    const delays = await chargeMany(t, 12, { address: '192.0.2.9' });
    expect(delays.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(delays.slice(10)).toEqual([1000, 2000]);
    expect(await t.charge({ address: '192.0.2.10' })).toBe(0);
  });

  it('answers the longer of the login and the address delay', async () => {
    const { throttle: t } = throttle({ addressFailures: 1 });
    await chargeMany(t, 2, { address: 'a' });
    expect(await t.charge({ login: 'fresh', address: 'a' })).toBe(2000);
  });

  it('delay 0 turns throttling off', async () => {
    const { throttle: t } = throttle({ delay: 0 });
    expect(await chargeMany(t, 10, { login: 'pbx' })).toEqual(Array(10).fill(0));
  });

  it('keeps at most maxTracked keys per table, forgetting the least recently seen', async () => {
    const { throttle: t } = throttle({ maxTracked: 100 });
    await chargeMany(t, 5, { login: 'first' });
    for (let i = 0; i < 100; i++) await t.charge({ login: `other${i}` });
    expect(t.failures({ login: 'first' }).login).toBe(0);
    expect(t.failures({ login: 'other99' }).login).toBe(1);
  });

  it('keys IPv4 addresses as they are and IPv6 addresses by their /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

/**
 * Binds sent all at once: each is admitted, "checks its password" (a promise the test settles), and
 * reports its outcome. What is recorded is the order of admissions and the delay each was given.
 */
class ConcurrentBinds {
  readonly admitted: { index: number; delayMs: number }[] = [];
  readonly #outcomes: ((outcome: 'failed' | 'succeeded') => void)[] = [];

  constructor(readonly inner: Throttle) {}

  /** Starts a bind; it waits for its turn, then for `settle(index, …)`. */
  start(attempt: BindAttempt, abort: AbortSignal = signal): Promise<number | undefined> {
    const index = this.#outcomes.length;
    const outcome = new Promise<'failed' | 'succeeded'>((resolve) => this.#outcomes.push(resolve));
    return this.inner.admit(attempt, abort).then(async (admission) => {
      if (!admission) return undefined;
      this.admitted.push({ index, delayMs: admission.delayMs });
      admission[await outcome]();
      return admission.delayMs;
    });
  }

  settle(index: number, outcome: 'failed' | 'succeeded'): void {
    this.#outcomes[index]!(outcome);
  }

  /** Lets every pending callback run (the throttle's wake-ups are promise callbacks). */
  async flush(): Promise<void> {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

describe('bind throttle, binds sent all at once', () => {
  function concurrent(settings: Partial<ThrottleConfig> = {}) {
    const clock = fakeClock();
    return new ConcurrentBinds(new Throttle({ ...SETTINGS, ...settings }, clock.now));
  }

  it('gives no more than loginFailures fast answers to guesses in flight together', async () => {
    const binds = concurrent();
    const results = Array.from({ length: 8 }, () => binds.start({ login: 'pbx' }));
    await binds.flush();
    // Three may be checked at once; the others wait for their outcome.
    expect(binds.admitted).toEqual([0, 1, 2].map((index) => ({ index, delayMs: 0 })));
    expect(binds.inner.inFlight({ login: 'pbx' }).login).toBe(3);
    for (const index of [0, 1, 2]) binds.settle(index, 'failed');
    await binds.flush();
    // Three failures counted: the next bind is delayed, and it goes alone.
    expect(binds.admitted.slice(3)).toEqual([{ index: 3, delayMs: 1000 }]);
    binds.settle(3, 'failed');
    await binds.flush();
    expect(binds.admitted.slice(4)).toEqual([{ index: 4, delayMs: 2000 }]);
    for (let index = 4; index < 8; index++) {
      binds.settle(index, 'failed');
      await binds.flush();
    }
    expect(await Promise.all(results)).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
    expect(binds.inner.failures({ login: 'pbx' }).login).toBe(8);
    expect(binds.inner.inFlight({ login: 'pbx' }).login).toBe(0);
  });

  it('never delays correct binds in flight together: each success frees its turn and the count', async () => {
    const binds = concurrent();
    const results = Array.from({ length: 20 }, () => binds.start({ login: 'pbx' }));
    for (let index = 0; index < 20; index++) {
      await binds.flush();
      binds.settle(index, 'succeeded');
    }
    expect(await Promise.all(results)).toEqual(Array(20).fill(0));
    expect(binds.inner.failures({ login: 'pbx' }).login).toBe(0);
  });

  it('holds up only the login being guessed at: other logins are admitted at once', async () => {
    const binds = concurrent();
    for (let i = 0; i < 6; i++) void binds.start({ login: 'pbx' });
    const other = binds.start({ login: 'phones' });
    await binds.flush();
    expect(binds.admitted.map((a) => a.index)).toEqual([0, 1, 2, 6]);
    binds.settle(6, 'succeeded');
    expect(await other).toBe(0);
  });

  it('counts names nobody owns from one address in flight together as well', async () => {
    const binds = concurrent({ addressFailures: 2 });
    const results = Array.from({ length: 4 }, (_, i) =>
      binds.start({ login: `name:guess${i}`, address: '192.0.2.9' }),
    );
    await binds.flush();
    expect(binds.admitted.map((a) => a.index)).toEqual([0, 1]);
    binds.settle(0, 'failed');
    binds.settle(1, 'failed');
    await binds.flush();
    binds.settle(2, 'failed');
    await binds.flush();
    binds.settle(3, 'failed');
    expect(await Promise.all(results)).toEqual([0, 0, 1000, 2000]);
  });

  it('a bind whose client leaves while waiting for its turn is not counted and frees nothing it did not hold', async () => {
    const binds = concurrent();
    for (let i = 0; i < 3; i++) void binds.start({ login: 'pbx' });
    const controller = new AbortController();
    const leaving = binds.start({ login: 'pbx' }, controller.signal);
    await binds.flush();
    controller.abort();
    expect(await leaving).toBeUndefined();
    expect(binds.inner.inFlight({ login: 'pbx' }).login).toBe(3);
    for (const index of [0, 1, 2]) binds.settle(index, 'succeeded');
    await binds.flush();
    expect(binds.inner.failures({ login: 'pbx' }).login).toBe(0);
    expect(binds.inner.inFlight({ login: 'pbx' }).login).toBe(0);
  });

  it("never queues a trusted client's bind (the PBX's) behind guesses from elsewhere: it waits its delay only", async () => {
    const binds = concurrent();
    for (let index = 0; index < 3; index++) {
      void binds.start({ login: 'pbx' });
      await binds.flush();
      binds.settle(index, 'failed');
    }
    await binds.flush();
    // Three guesses from outside, sent together: one goes (delayed), two queue behind it.
    for (let i = 0; i < 3; i++) void binds.start({ login: 'pbx' });
    await binds.flush();
    expect(binds.admitted.slice(3).map((a) => a.index)).toEqual([3]);
    // The PBX's own bind for the login: one count of failures, so delayed, but not queued.
    const pbx = binds.start({ login: 'pbx', trusted: true });
    await binds.flush();
    expect(binds.admitted.slice(4)).toEqual([{ index: 6, delayMs: 1000 }]);
    binds.settle(6, 'succeeded');
    expect(await pbx).toBe(1000);
  });

  it('with throttling off (delay 0), never makes a bind wait for its turn', async () => {
    const binds = concurrent({ delay: 0 });
    for (let i = 0; i < 10; i++) void binds.start({ login: 'pbx' });
    await binds.flush();
    expect(binds.admitted).toHaveLength(10);
  });
});
