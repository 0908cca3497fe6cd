/**
 * Slows password guessing down (DESIGN.md "Binds"). Failures are counted per login: after
 * `loginFailures` of them, each further bind for that login waits `delay`, then twice as long, and
 * so on up to `maxDelay`. A name nobody owns is a login too (keyed by its normal form), so guessing
 * at `nosuchname` is throttled exactly like guessing at `pbx`, and the throttle cannot tell anyone
 * which names exist. Every failure from a client address that is not trusted is also counted per
 * address, with a much higher threshold (`addressFailures`), whoever owns the name, and the
 * address's delay holds every bind from it: were only names nobody owns counted there (DESIGN.md's
 * first plan), made-up names could push an address past its threshold and a name still answered
 * fast would be a real one. Trusted addresses are not counted at all: the PBX makes every user's
 * sign-on, and one mistyping user must never slow everyone down. Counts leak away, one failure every
 * `decay` seconds, so a throttle ends by itself.
 *
 * Binds under way count as well as failures: a bind waits for its turn while as many binds for its
 * login (or address) are under way as it has fast answers left, so guesses sent all at once
 * (pipelined on one connection, or on many) get no more fast answers than guesses sent one after
 * another. A correct bind ends its turn as soon as its password is checked and forgets the login's
 * failures, so parallel correct binds of one service account are never delayed. Trusted clients
 * (the PBX) take their turns apart from everyone else: guesses queued from outside for the PBX's
 * own login delay its binds (the login's failures are one count) but never queue them behind the
 * guesses, so an attacker cannot make them wait longer than the delay.
 *
 * This computes delays and turns; the caller waits (a timer, never a blocked thread). Memory is
 * bounded: each table of failures keeps at most `maxTracked` keys, the least recently used going
 * first, and only binds in progress are remembered as under way. With listener threads the binds
 * under way are counted in shared memory (SharedTurns), where a thread also gives a bind its turn
 * itself when no failure is counted for its keys (threads/local-turns.ts).
 */
import { isIPv6 } from 'node:net';
import type { ThrottleConfig } from '../config/types.js';
import { cancellableOf, type Cancellable } from './cancellable.js';
import { FailureCounts } from './failure-counts.js';
import { InFlightBinds, type TurnCounter } from './in-flight-binds.js';
import { SharedInFlight } from './shared-in-flight.js';
import { ADDRESSES, LOGINS, type LaneIndex, type SharedTurns } from './shared-turns.js';

/** What one bind is charged to: the login it names, and the client address unless it is trusted. */
export interface BindAttempt {
  /** A stable key of the login (see login-key.ts). */
  readonly login?: string;
  /** The client's address (addressKey), for every bind from an address that is not trusted. */
  readonly address?: string;
  /** Whether the client's address is trusted: its binds take turns apart from the others'. */
  readonly trusted?: boolean;
}

/** A bind given its turn: how long to hold its answer, and where its outcome is reported (once). */
export interface Admission {
  /** Milliseconds to hold the answer back before the password is checked. */
  readonly delayMs: number;
  /** The password was wrong (or the client left during the delay): one more failure. */
  failed(): void;
  /** The password was right: the login's failures are forgotten. */
  succeeded(): void;
  /** Nothing was judged (the backend could not answer): nothing is counted. */
  released(): void;
}

/** How a bind went: counted as a failure, its login's failures forgotten, or nothing counted. */
export type Outcome = 'failed' | 'succeeded' | 'released';

/** What the authenticator asks of a throttle: this thread's (Throttle), or the main thread's through a port. */
export interface BindThrottle {
  admit(attempt: BindAttempt, cancel: Cancellable | AbortSignal): Promise<Admission | undefined>;
  /**
   * A bind a listener thread gave its turn itself (threads/local-turns.ts) ended with an outcome to
   * count; the thread handed its turns over, and they end once it is counted.
   */
  ended(attempt: BindAttempt, outcome: Outcome): void;
}

/** One table of the throttle: failures and binds under way per key, and how many fail freely. */
interface Lane {
  readonly failures: FailureCounts;
  readonly inFlight: TurnCounter;
  readonly free: number;
}

/** What one bind is charged to in one table: the key its failures count under, and its turn's. */
export interface TurnOf {
  readonly lane: LaneIndex;
  readonly key: string;
  readonly turn: string;
}

interface Charge extends TurnOf {
  readonly table: Lane;
}

/**
 * What a bind is charged to, per table: its login (trusted clients taking their turns apart), and
 * its address.
 */
export function turnsOf(attempt: BindAttempt): TurnOf[] {
  const turns: TurnOf[] = [];
  const { login, address, trusted = false } = attempt;
  if (login !== undefined)
    turns.push({ lane: LOGINS, key: login, turn: trusted ? `trusted\0${login}` : login });
  if (address !== undefined) turns.push({ lane: ADDRESSES, key: address, turn: address });
  return turns;
}

export class Throttle implements BindThrottle {
  readonly #lanes: readonly [Lane, Lane];

  /** `shared`: the listener threads' memory, where binds under way are counted (absent: no threads). */
  constructor(
    private readonly settings: ThrottleConfig,
    private readonly now: () => number = Date.now,
    shared?: SharedTurns,
  ) {
    const mark = shared?.takeOver({
      on: settings.delay > 0,
      free: [settings.loginFailures, settings.addressFailures],
    });
    const lane = (index: LaneIndex, free: number): Lane => ({
      failures: new FailureCounts(
        settings.maxTracked,
        settings.decay * 1000,
        now,
        mark && ((key, delta) => mark(index, key, delta)),
      ),
      inFlight: shared ? new SharedInFlight(shared, index) : new InFlightBinds(),
      free,
    });
    this.#lanes = [lane(LOGINS, settings.loginFailures), lane(ADDRESSES, settings.addressFailures)];
  }

  /**
   * Gives a bind its turn: at once while its login and address have fast answers left beyond the
   * binds already under way, else when enough of those have ended. Resolves undefined when the
   * client goes away while waiting (nothing was tried, so nothing is counted).
   */
  async admit(attempt: BindAttempt, cancel: Cancellable | AbortSignal): Promise<Admission | undefined> {
    const charges = this.#chargesOf(attempt);
    for (;;) {
      if (cancel.aborted) return undefined;
      const busy = this.#enter(charges);
      if (!busy) break;
      await busy.table.inFlight.whenBelow(busy.turn, this.#turns(busy), cancellableOf(cancel).signal);
    }
    let delayMs = 0;
    for (const { table, key } of charges) {
      delayMs = Math.max(delayMs, this.#delayAfter(table.failures.current(key), table.free));
    }
    return this.#admission(charges, delayMs);
  }

  ended(attempt: BindAttempt, outcome: Outcome): void {
    this.#settle(this.#chargesOf(attempt), outcome);
  }

  /** Failures currently counted against a login or an address (for tests and monitoring). */
  failures(attempt: BindAttempt): { login: number; address: number } {
    const count = (lane: Lane, key: string | undefined): number =>
      key === undefined ? 0 : lane.failures.exact(key);
    const [logins, addresses] = this.#lanes;
    return { login: count(logins, attempt.login), address: count(addresses, attempt.address) };
  }

  /** Binds under way for a login and an address, from clients like the attempt's (for tests and monitoring). */
  inFlight(attempt: BindAttempt): { login: number; address: number } {
    const charges = this.#chargesOf(attempt);
    const count = (index: LaneIndex): number => {
      const charge = charges.find((c) => c.lane === index);
      return charge ? charge.table.inFlight.count(charge.turn) : 0;
    };
    return { login: count(LOGINS), address: count(ADDRESSES) };
  }

  #chargesOf(attempt: BindAttempt): Charge[] {
    return turnsOf(attempt).map(({ lane, key, turn }) => ({ lane, key, turn, table: this.#lanes[lane] }));
  }

  /**
   * Takes the bind's turn in every table, or in none: the first charge whose turns are all taken by
   * binds whose outcome is not known yet (a loop: this runs on every bind).
   */
  #enter(charges: readonly Charge[]): Charge | undefined {
    for (let i = 0; i < charges.length; i++) {
      const charge = charges[i]!;
      if (charge.table.inFlight.tryEnter(charge.turn, this.#turns(charge))) continue;
      for (let j = 0; j < i; j++) charges[j]!.table.inFlight.leave(charges[j]!.turn);
      return charge;
    }
    return undefined;
  }

  /** Binds a key may have under way: its fast answers left, never fewer than one. Throttling off: any. */
  #turns({ table, key }: Charge): number {
    if (this.settings.delay === 0) return Infinity;
    return Math.max(1, table.free - table.failures.current(key));
  }

  #admission(charges: readonly Charge[], delayMs: number): Admission {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      this.#settle(charges, outcome);
    };
    return {
      delayMs,
      failed: () => settle('failed'),
      succeeded: () => settle('succeeded'),
      released: () => settle('released'),
    };
  }

  #settle(charges: readonly Charge[], outcome: Outcome): void {
    // Counted before leaving, so the binds that were waiting see the outcome.
    for (const { table, lane, key } of charges) {
      if (outcome === 'failed') table.failures.add(key);
      else if (outcome === 'succeeded' && lane === LOGINS) table.failures.forget(key);
    }
    for (const { table, turn } of charges) table.inFlight.leave(turn);
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
