/**
 * Slows password guessing down (DESIGN.md "Binds"). Failures are counted per login first: after
 * `loginFailures` of them, each further bind for that login waits `delay`, then twice as long, and
 * so on up to `maxDelay`. Failures for names nobody owns are counted per client address instead,
 * with a much higher threshold (`addressFailures`), and trusted addresses are not counted at all:
 * the PBX makes every user's sign-on, and one mistyping user must never slow everyone down.
 * Counts leak away, one failure every `decay` seconds, so a throttle ends by itself.
 *
 * This only computes delays; the caller waits (a timer, never a blocked thread). Memory is bounded:
 * each table keeps at most `maxTracked` keys, the least recently used going first.
 */
import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { ThrottleConfig } from '../config/types.js';

/** What one bind is charged to: the login it names (when someone owns it) and/or the client address. */
export interface BindAttempt {
  /** A stable key of the login (the account's lower-cased name), when a source or account owns it. */
  readonly login?: string;
  /** The client's address, for names nobody owns from addresses not trusted. */
  readonly address?: string;
}

interface Counter {
  /** Failures (fractional while they leak away) as of `at`. */
  failures: number;
  /** Milliseconds (of the throttle's clock) when `failures` was last brought up to date. */
  at: number;
}

export class Throttle {
  readonly #logins: LRUCache<string, Counter>;
  readonly #addresses: LRUCache<string, Counter>;
  readonly #decayMs: number;

  constructor(
    private readonly settings: ThrottleConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.#logins = new LRUCache({ max: settings.maxTracked });
    this.#addresses = new LRUCache({ max: settings.maxTracked });
    this.#decayMs = settings.decay * 1000;
  }

  /**
   * The milliseconds to hold back the answer to a bind, from the failures counted so far. Nothing is
   * counted here: only a bind that fails (`failed`) adds to the count, so parallel correct binds of
   * one service account never slow each other down.
   */
  delayFor(attempt: BindAttempt): number {
    const { login, address } = attempt;
    const now = this.now();
    const delayOf = (table: LRUCache<string, Counter>, key: string | undefined, free: number): number => {
      const counter = key === undefined ? undefined : table.get(key);
      // A partly forgotten failure still counts: the delay lasts until it has leaked away entirely.
      return counter ? this.#delayAfter(Math.ceil(this.#leaked(counter, now)), free) : 0;
    };
    return Math.max(
      delayOf(this.#logins, login, this.settings.loginFailures),
      delayOf(this.#addresses, address, this.settings.addressFailures),
    );
  }

  /** Counts a failed bind (a wrong password, a name nobody owns, or a client gone while waiting). */
  failed(attempt: BindAttempt): void {
    if (attempt.login !== undefined) this.#count(this.#logins, attempt.login);
    if (attempt.address !== undefined) this.#count(this.#addresses, attempt.address);
  }

  /** The login's password was right: its failures are forgotten. */
  succeeded(login: string): void {
    this.#logins.delete(login);
  }

  /** Failures currently counted against a login or an address (for tests and monitoring). */
  failures(attempt: BindAttempt): { login: number; address: number } {
    const now = this.now();
    const count = (table: LRUCache<string, Counter>, key: string | undefined): number => {
      const counter = key === undefined ? undefined : table.peek(key);
      return counter ? this.#leaked(counter, now) : 0;
    };
    return { login: count(this.#logins, attempt.login), address: count(this.#addresses, attempt.address) };
  }

  #count(table: LRUCache<string, Counter>, key: string): void {
    const now = this.now();
    const counter = table.get(key) ?? { failures: 0, at: now };
    counter.failures = this.#leaked(counter, now) + 1;
    counter.at = now;
    table.set(key, counter);
  }

  #leaked(counter: Counter, now: number): number {
    return Math.max(0, counter.failures - (now - counter.at) / this.#decayMs);
  }

  /** No delay for the first `free` failures, then `delay`, doubling up to `maxDelay`. */
  #delayAfter(failures: number, free: number): number {
    if (failures < free) return 0;
    const { delay, maxDelay } = this.settings;
    const exponent = Math.min(failures - free, 30);
    return Math.round(Math.min(delay * 2 ** exponent, maxDelay) * 1000);
  }
}

/**
 * The key a client address is counted under: an IPv4 address as it is (also when written
 * IPv4-mapped, `::ffff:192.0.2.7`), an IPv6 address by its /64, which one host can fill at will.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%', 1)[0]!.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
