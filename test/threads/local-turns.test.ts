/**
 * A listener thread giving binds their turns itself in shared memory, beside the main thread's
 * throttle: a bind with no failure counted for its keys costs no message, and everything the
 * throttle promises still holds across both threads: binds under way in either take the same free
 * failures, a failure is counted before its turn ends, a login or address with failures (or a key
 * sharing their slot) asks the main thread and gets its delay, a success forgets the failures
 * counted meanwhile, and a thread that ends gives its turns back.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedTurns } from '../../src/auth/shared-turns.js';
import { Throttle, type BindAttempt } from '../../src/auth/throttle.js';
import { LocalTurns } from '../../src/threads/local-turns.js';
import { RemoteThrottle, ThrottleHost, type ThrottleRequest } from '../../src/threads/throttle-relay.js';
import type { ThrottleConfig } from '../../src/config/types.js';
import { SETTINGS } from './throttle-settings.js';

const pbx: BindAttempt = { login: 'account:pbx', address: '192.0.2.7' };
const signal = new AbortController().signal;

let closing: (() => void)[] = [];
afterEach(() => {
  for (const close of closing) close();
  closing = [];
});

/** The main thread's throttle over shared memory, and a thread's (number 1) reaching it. */
function threaded(settings: Partial<ThrottleConfig> = {}) {
  const turns = new SharedTurns(SharedTurns.memory(1));
  // A clock that stands still: failures do not leak away during the test.
  const throttle = new Throttle({ ...SETTINGS, ...settings }, () => 1_000_000, turns);
  const channel = new MessageChannel();
  const asked = requestsOf(channel.port2);
  const host = new ThrottleHost(channel.port1, () => throttle, turns);
  const inThread = new SharedTurns(turns.buffer);
  const remote = new RemoteThrottle(channel.port2, (report) => new LocalTurns(inThread, 1, report));
  closing.push(() => {
    channel.port1.close();
    channel.port2.close();
  });
  return { turns, throttle, remote, host, asked };
}

/** The requests a thread's port posted, by kind. */
function requestsOf(port: MessagePort): ThrottleRequest[] {
  const posted: ThrottleRequest[] = [];
  const post = port.postMessage.bind(port);
  port.postMessage = (message: readonly ThrottleRequest[]) => {
    posted.push(...message);
    post(message);
  };
  return posted;
}

function kinds(requests: readonly ThrottleRequest[]): string[] {
  return requests.map((request) => request.kind);
}

/** Until the messages of this turn have been posted and handled on the other side. */
function delivered(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

/** Fails a bind on the main thread: one failure counted for the attempt's keys. */
async function failOnMain(throttle: Throttle, attempt: BindAttempt): Promise<void> {
  (await throttle.admit(attempt, signal))!.failed();
}

describe('LocalTurns: a listener thread giving turns itself', () => {
  it('gives a bind with no failure its turn in the thread, without a message', async () => {
    const { throttle, remote, asked } = threaded();
    const admission = (await remote.admit(pbx, signal))!;
    expect(admission.delayMs).toBe(0);
    // Under way where the main thread counts too.
    expect(throttle.inFlight(pbx)).toEqual({ login: 1, address: 1 });
    admission.succeeded();
    admission.released(); // once only
    expect(throttle.inFlight(pbx)).toEqual({ login: 0, address: 0 });
    await delivered();
    expect(asked).toEqual([]);
  });

  it('shares the free failures with the main thread: binds under way in either take them', async () => {
    const { throttle, remote, asked } = threaded();
    const first = (await remote.admit(pbx, signal))!;
    const second = (await throttle.admit(pbx, signal))!;
    // Two free failures, two binds under way: the next waits, here or in the thread.
    let mainTurn: number | undefined;
    const onMain = throttle.admit(pbx, signal).then((admission) => {
      mainTurn = admission!.delayMs;
      admission!.released();
    });
    let threadTurn: number | undefined;
    const inThread = remote.admit(pbx, signal).then((admission) => {
      threadTurn = admission!.delayMs;
      admission!.released();
    });
    await delivered();
    expect(kinds(asked)).toEqual(['admit']);
    expect([mainTurn, threadTurn]).toEqual([undefined, undefined]);
    // The thread's bind ends in the thread: the main thread is told, for it keeps binds waiting.
    first.released();
    second.released();
    await Promise.all([onMain, inThread]);
    expect(kinds(asked)).toContain('left');
    expect([mainTurn, threadTurn]).toEqual([0, 0]);
  });

  it('wakes a bind the main thread keeps waiting when a turn ends in the thread', async () => {
    const { throttle, remote, asked } = threaded({ loginFailures: 1 });
    const inThread = (await remote.admit(pbx, signal))!;
    let given = false;
    const waiting = throttle.admit(pbx, signal).then((admission) => {
      given = true;
      admission!.released();
    });
    await delivered();
    expect(given).toBe(false);
    inThread.released();
    await waiting;
    expect(kinds(asked)).toEqual(['left']);
  });

  it('counts a failure on the main thread before its turn ends, so the next bind sees it', async () => {
    const { throttle, remote, asked } = threaded({ loginFailures: 1 });
    const first = (await remote.admit(pbx, signal))!;
    first.failed();
    // Asked at once, before the main thread heard of the failure: the turn is still taken.
    const second = (await remote.admit(pbx, signal))!;
    expect(second.delayMs).toBe(1000);
    expect(throttle.failures(pbx).login).toBe(1);
    expect(kinds(asked)).toEqual(['ended', 'admit']);
    second.failed();
    await delivered();
    expect(throttle.failures(pbx).login).toBe(2);
    expect(throttle.inFlight(pbx)).toEqual({ login: 0, address: 0 });
  });

  it('asks the main thread for a login with failures, and gets the delay they give', async () => {
    const { throttle, remote, asked } = threaded();
    for (let i = 0; i < 3; i++) await failOnMain(throttle, { login: pbx.login });
    const admission = (await remote.admit(pbx, signal))!;
    expect(admission.delayMs).toBe(2000);
    expect(kinds(asked)).toEqual(['admit']);
    admission.succeeded();
    await delivered();
    expect(throttle.failures(pbx).login).toBe(0);
    // Forgotten: the next bind is the thread's own again.
    (await remote.admit(pbx, signal))!.released();
    await delivered();
    expect(kinds(asked)).toEqual(['admit', 'settle']);
  });

  it('asks the main thread for an address with failures', async () => {
    const { throttle, remote, asked } = threaded();
    await failOnMain(throttle, { address: pbx.address! });
    (await remote.admit(pbx, signal))!.released();
    expect(kinds(asked)).toEqual(['admit']);
  });

  it('forgets the failures counted meanwhile when a bind it gave its turn succeeds', async () => {
    const { throttle, remote, asked } = threaded({ loginFailures: 3 });
    const admission = (await remote.admit(pbx, signal))!;
    await failOnMain(throttle, { login: pbx.login });
    admission.succeeded();
    await delivered();
    expect(kinds(asked)).toEqual(['ended']);
    expect(throttle.failures(pbx).login).toBe(0);
    expect(throttle.inFlight(pbx)).toEqual({ login: 0, address: 0 });
  });

  it('asks the main thread for a key that shares its slot with a failing one, which gives no delay', async () => {
    const { turns, throttle, remote, asked } = threaded();
    const slot = turns.slot(pbx.login!);
    let other = 0;
    while (turns.slot(`account:other${other}`) !== slot) other++;
    for (let i = 0; i < 3; i++) await failOnMain(throttle, { login: `account:other${other}` });
    const admission = (await remote.admit(pbx, signal))!;
    expect(admission.delayMs).toBe(0);
    expect(kinds(asked)).toEqual(['admit']);
    admission.released();
  });

  it('gives a trusted client its turns apart, in the thread too', async () => {
    const { throttle, remote, asked } = threaded({ loginFailures: 1 });
    const outside = (await remote.admit(pbx, signal))!;
    const trusted = (await remote.admit({ login: pbx.login!, trusted: true }, signal))!;
    expect(trusted.delayMs).toBe(0);
    expect(asked).toEqual([]);
    expect(throttle.inFlight({ login: pbx.login!, trusted: true }).login).toBe(1);
    outside.released();
    trusted.released();
  });

  it('never waits when throttling is off, and still counts failures', async () => {
    const { throttle, remote, asked } = threaded({ delay: 0, loginFailures: 1 });
    const admissions = await Promise.all([1, 2, 3].map(() => remote.admit(pbx, signal)));
    expect(admissions.map((admission) => admission?.delayMs)).toEqual([0, 0, 0]);
    expect(asked).toEqual([]);
    for (const admission of admissions) admission!.failed();
    await delivered();
    expect(throttle.failures(pbx).login).toBe(3);
  });

  it('gives back the turns of a thread that ended', async () => {
    const { turns, throttle, remote, host } = threaded();
    await remote.admit(pbx, signal);
    await remote.admit(pbx, signal);
    expect(throttle.inFlight(pbx).login).toBe(2);
    host.close();
    turns.release(1);
    expect(throttle.inFlight(pbx)).toEqual({ login: 0, address: 0 });
  });

  it('gives wrong passwords sent at once from both threads no more fast answers than one after another', async () => {
    const { throttle, remote } = threaded({ loginFailures: 3 });
    const guess = async (asker: Throttle | RemoteThrottle): Promise<number> => {
      const admission = (await asker.admit(pbx, signal))!;
      await delivered();
      admission.failed();
      return admission.delayMs;
    };
    const delays = await Promise.all(
      Array.from({ length: 8 }, (_, i) => guess(i % 2 === 0 ? remote : throttle)),
    );
    expect(delays.filter((delay) => delay === 0)).toHaveLength(3);
  });
});
