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

/** The throttle as a failing bind meets it: the delay it waits, then its failure counted. */
class FailingBinds {
  constructor(readonly inner: Throttle) {}
  charge(attempt: BindAttempt): number {
    const delay = this.inner.delayFor(attempt);
    this.inner.failed(attempt);
    return delay;
  }
  succeeded(login: string): void {
    this.inner.succeeded(login);
  }
  failures(attempt: BindAttempt): { login: number; address: number } {
    return this.inner.failures(attempt);
  }
}

function throttle(settings: Partial<ThrottleConfig> = {}) {
  const clock = fakeClock();
  return { clock, throttle: new FailingBinds(new Throttle({ ...SETTINGS, ...settings }, clock.now)) };
}

describe('bind throttle', () => {
  it('lets the first failures of a login through, then delays exponentially up to the cap', () => {
    const { throttle: t } = throttle();
    const delays = Array.from({ length: 9 }, () => t.charge({ login: 'pbx' }));
    expect(delays).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('counts each login on its own: one mistyping user never slows another', () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 6; i++) t.charge({ login: 'alice' });
    expect(t.charge({ login: 'alice' })).toBeGreaterThan(0);
    expect(t.charge({ login: 'bob' })).toBe(0);
  });

  it('forgets one failure per decay period, so a throttle ends by itself', () => {
    const { throttle: t, clock } = throttle();
    for (let i = 0; i < 5; i++) t.charge({ login: 'pbx' });
    expect(t.failures({ login: 'pbx' }).login).toBe(5);
    clock.advance(30);
    expect(t.failures({ login: 'pbx' }).login).toBeCloseTo(4.5);
    // 4.5 failures still count as 5 while the half-forgotten one lingers: 5 - 3 -> 4 s.
    expect(t.charge({ login: 'pbx' })).toBe(4000);
    clock.advance(60 * 10);
    expect(t.failures({ login: 'pbx' }).login).toBe(0);
    expect(t.charge({ login: 'pbx' })).toBe(0);
  });

  it('forgets a login after it binds successfully', () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 5; i++) t.charge({ login: 'pbx' });
    t.succeeded('pbx');
    expect(t.failures({ login: 'pbx' }).login).toBe(0);
    expect(t.charge({ login: 'pbx' })).toBe(0);
  });

  it('never counts binds that have not failed, so parallel correct binds do not slow each other', () => {
    const { throttle: t } = throttle();
    const delays = Array.from({ length: 50 }, () => t.inner.delayFor({ login: 'pbx' }));
    expect(delays).toEqual(Array(50).fill(0));
    expect(t.failures({ login: 'pbx' }).login).toBe(0);
  });

  it('counts addresses with their own, higher threshold', () => {
    const { throttle: t } = throttle();
    const delays = Array.from({ length: 12 }, () => t.charge({ address: '192.0.2.9' }));
    expect(delays.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(delays.slice(10)).toEqual([1000, 2000]);
    expect(t.charge({ address: '192.0.2.10' })).toBe(0);
  });

  it('answers the longer of the login and the address delay', () => {
    const { throttle: t } = throttle({ addressFailures: 1 });
    t.charge({ address: 'a' });
    t.charge({ address: 'a' });
    expect(t.charge({ login: 'fresh', address: 'a' })).toBe(2000);
  });

  it('delay 0 turns throttling off', () => {
    const { throttle: t } = throttle({ delay: 0 });
    expect(Array.from({ length: 10 }, () => t.charge({ login: 'pbx' }))).toEqual(Array(10).fill(0));
  });

  it('keeps at most maxTracked keys per table, forgetting the least recently seen', () => {
    const { throttle: t } = throttle({ maxTracked: 100 });
    for (let i = 0; i < 5; i++) t.charge({ login: 'first' });
    for (let i = 0; i < 100; i++) t.charge({ login: `other${i}` });
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
