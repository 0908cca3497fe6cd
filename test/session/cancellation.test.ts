/** Cancellation on its own: listeners once, removal, and the AbortSignal made on demand. */
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/session/cancellation.js';

describe('Cancellation', () => {
  it('calls each listener once with the reason set, and at once for one added after', () => {
    const cancellation = new Cancellation();
    const calls: unknown[] = [];
    cancellation.onAbort(() => calls.push(cancellation.reason));
    const reason = new Error('abandoned');
    cancellation.abort(reason);
    cancellation.abort(new Error('again'));
    expect(cancellation.aborted).toBe(true);
    expect(calls).toEqual([reason]);
    cancellation.onAbort(() => calls.push('late'));
    expect(calls).toEqual([reason, 'late']);
  });

  it('does not call a listener that was removed', () => {
    const cancellation = new Cancellation();
    let called = false;
    const remove = cancellation.onAbort(() => (called = true));
    remove();
    cancellation.abort(new Error('closed'));
    expect(called).toBe(false);
  });

  it('gives an AbortSignal that follows it, made before or after the abort', () => {
    const before = new Cancellation();
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    const reason = new Error('closed');
    before.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(before.signal).toBe(signal);

    const after = new Cancellation();
    after.abort(reason);
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe(reason);
  });
});

describe('Cancellation.follow', () => {
  it('aborts a followed controller with its reason, and not one unfollowed', () => {
    const cancellation = new Cancellation();
    const followed = new AbortController();
    const dropped = new AbortController();
    cancellation.follow(dropped);
    cancellation.unfollow(dropped);
    cancellation.follow(followed);
    const reason = new Error('abandoned');
    cancellation.abort(reason);
    expect(followed.signal.reason).toBe(reason);
    expect(dropped.signal.aborted).toBe(false);
  });

  it('aborts at once a controller that follows it after it was cancelled', () => {
    const cancellation = new Cancellation();
    cancellation.abort(new Error('closed'));
    const late = new AbortController();
    cancellation.follow(late);
    expect(late.signal.aborted).toBe(true);
  });
});
