import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../../src/sources/ldap/until-aborted.js';

describe('untilAborted', () => {
  it('passes the answer on, or its failure as an Error', async () => {
    const signal = new AbortController().signal;
    expect(await untilAborted(Promise.resolve(7), signal)).toBe(7);
    await expect(untilAborted(Promise.reject(new Error('refused')), signal)).rejects.toThrow('refused');
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a library may do
    await expect(untilAborted(Promise.reject('text'), signal)).rejects.toThrow('text');
  });

  it('ends the wait at once when the search is abandoned, before or during it', async () => {
    const during = new AbortController();
    const waiting = untilAborted(new Promise<never>(() => undefined), during.signal);
    during.abort(new Error('abandoned'));
    await expect(waiting).rejects.toThrow('abandoned');

    const before = new AbortController();
    before.abort(new Error('gone'));
    // The answer that fails later is not left unhandled.
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('late')), 1));
    await expect(untilAborted(late, before.signal)).rejects.toThrow('gone');
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
