/**
 * The throttle reached through a port, as a listener thread reaches the main thread's: delays and
 * turns as the throttle itself gives them, outcomes counted there, a bind given up while it waits
 * for its turn leaves nothing behind, a thread that ends releases its binds under way, and what one
 * event-loop turn asks or answers travels as one message.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cancellable } from '../../src/auth/cancellable.js';
import { Throttle, type BindThrottle } from '../../src/auth/throttle.js';
import { Cancellation } from '../../src/session/cancellation.js';
import { RemoteThrottle, ThrottleHost } from '../../src/threads/throttle-relay.js';
import { SETTINGS } from './throttle-settings.js';

const attempt = { login: 'pbx' };
const signal = new AbortController().signal;

let closing: (() => void)[] = [];
afterEach(() => {
  for (const close of closing) close();
  closing = [];
});

/** Messages a port posted. */
function counted(port: MessagePort): unknown[] {
  const posted: unknown[] = [];
  const post = port.postMessage.bind(port);
  port.postMessage = (message: unknown) => {
    posted.push(message);
    post(message);
  };
  return posted;
}

/** A session's cancellation that counts the AbortSignals asked of it. */
class CountedCancellation extends Cancellation {
  signals = 0;

  override get signal(): AbortSignal {
    this.signals++;
    return super.signal;
  }
}

function relayed(hosted?: (throttle: Throttle) => BindThrottle): {
  throttle: Throttle;
  remote: RemoteThrottle;
  host: ThrottleHost;
  asked: unknown[];
  answered: unknown[];
} {
  // A clock that stands still: failures do not leak away during the test.
  const throttle = new Throttle(SETTINGS, () => 1_000_000);
  const channel = new MessageChannel();
  const asked = counted(channel.port2);
  const answered = counted(channel.port1);
  const inForce = hosted ? hosted(throttle) : throttle;
  const host = new ThrottleHost(channel.port1, () => inForce);
  const remote = new RemoteThrottle(channel.port2);
  closing.push(() => {
    channel.port1.close();
    channel.port2.close();
  });
  return { throttle, remote, host, asked, answered };
}

describe('RemoteThrottle through a ThrottleHost', () => {
  it('gives the delays the throttle gives, and counts the outcomes there', async () => {
    const { throttle, remote } = relayed();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const admission = (await remote.admit(attempt, signal))!;
      delays.push(admission.delayMs);
      admission.failed();
      admission.failed(); // once only
    }
    expect(delays).toEqual([0, 0, 1000, 2000]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(throttle.failures(attempt).login).toBe(4);
    const ok = (await remote.admit(attempt, signal))!;
    ok.succeeded();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(throttle.failures(attempt).login).toBe(0);
  });

  it('keeps a bind waiting for its turn while the binds before it are under way', async () => {
    const { throttle, remote } = relayed();
    for (let i = 0; i < 2; i++) (await throttle.admit(attempt, signal))!.failed();
    // No fast answer left: one bind at a time.
    const first = (await remote.admit(attempt, signal))!;
    let second: number | undefined;
    const waiting = remote.admit(attempt, signal).then((admission) => {
      second = admission!.delayMs;
      admission!.released();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second).toBeUndefined();
    expect(throttle.inFlight(attempt).login).toBe(1);
    first.failed();
    await waiting;
    expect(second).toBe(2000);
  });

  it('forgets a bind given up while it waits for its turn', async () => {
    const { throttle, remote } = relayed();
    for (let i = 0; i < 2; i++) (await throttle.admit(attempt, signal))!.failed();
    const first = (await remote.admit(attempt, signal))!;
    const cancel = new AbortController();
    const waiting = remote.admit(attempt, cancel.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    cancel.abort();
    expect(await waiting).toBeUndefined();
    first.released();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(throttle.inFlight(attempt).login).toBe(0);
    expect(throttle.failures(attempt).login).toBe(2);
  });

  it('forgets a bind given up while it waits, cancelled by the session without an AbortSignal', async () => {
    const { throttle, remote } = relayed();
    for (let i = 0; i < 2; i++) (await throttle.admit(attempt, signal))!.failed();
    const first = (await remote.admit(attempt, signal))!;
    const cancel = new CountedCancellation();
    const waiting = remote.admit(attempt, cancel);
    await new Promise((resolve) => setTimeout(resolve, 20));
    cancel.abort(new Error('abandoned'));
    expect(await waiting).toBeUndefined();
    first.released();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(throttle.inFlight(attempt).login).toBe(0);
    expect(cancel.signals).toBe(0);
  });

  it('makes no AbortSignal for a bind given its turn at once, in the thread or the main thread', async () => {
    const given: Cancellable[] = [];
    const { remote } = relayed((throttle) => ({
      admit: (bind, cancel) => {
        given.push(cancel as Cancellable);
        return throttle.admit(bind, cancel);
      },
      ended: (bind, outcome) => throttle.ended(bind, outcome),
    }));
    const cancel = new CountedCancellation();
    const admission = (await remote.admit(attempt, cancel))!;
    expect(admission.delayMs).toBe(0);
    admission.succeeded();
    expect(cancel.signals).toBe(0);
    // The main thread's side hands the throttle a cancellation whose signal is made only if asked.
    expect(given).toHaveLength(1);
    expect(given[0]).not.toBeInstanceOf(AbortSignal);
    expect(given[0]!.aborted).toBe(false);
  });

  it('releases the binds under way of a thread that ended', async () => {
    const { throttle, remote, host } = relayed();
    await remote.admit(attempt, signal);
    await remote.admit(attempt, signal);
    expect(throttle.inFlight(attempt).login).toBe(2);
    host.close();
    expect(throttle.inFlight(attempt).login).toBe(0);
    expect(throttle.failures(attempt).login).toBe(0);
  });

  it('sends the requests of one turn as one message, and their answers as one', async () => {
    const { throttle, remote, asked, answered } = relayed();
    const admissions = await Promise.all(['a', 'b', 'c'].map((login) => remote.admit({ login }, signal)));
    expect(admissions.map((admission) => admission?.delayMs)).toEqual([0, 0, 0]);
    expect(asked).toHaveLength(1);
    expect(answered).toHaveLength(1);
    for (const admission of admissions) admission!.failed();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked).toHaveLength(2);
    expect(['a', 'b', 'c'].map((login) => throttle.failures({ login }).login)).toEqual([1, 1, 1]);
  });
});
