/**
 * The modifyTimestamp mark's cursor: GeneralizedTime read in every form servers write, the overlap
 * that re-reads a round's last second, the move past a time no write can carry any more, and the
 * cap that keeps one future-stamped entry from hiding the changes written now.
 */
import type { Entry } from 'ldapts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CursorExpired } from '../../../src/sources/change-feed.js';
import type { FeedBackend } from '../../../src/sources/ldap/feed-backend.js';
import {
  formatGeneralizedTime,
  ModifyTimestampMark,
  parseGeneralizedTime,
} from '../../../src/sources/ldap/modify-timestamp-mark.js';

const backend = { name: 'dir' } as FeedBackend;
const T0 = Date.UTC(2026, 11, 6, 10, 0, 0);

function stamped(time: number): Entry {
  return { dn: 'cn=x', modifyTimestamp: formatGeneralizedTime(time) };
}

/** One round: entries seen at `at`, ended `lasting` ms later; the cursor it leaves. */
async function round(
  mark: ModifyTimestampMark,
  cursor: string | undefined,
  times: readonly number[],
  at: number,
  lasting = 100,
): Promise<string | undefined> {
  const now = vi.spyOn(Date, 'now').mockReturnValue(at);
  const started = await mark.begin(undefined, cursor);
  for (const time of times) started.see(stamped(time));
  now.mockReturnValue(at + lasting);
  return started.end();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GeneralizedTime', () => {
  it.each([
    ['20261206100000Z', T0],
    ['20261206100000.0Z', T0],
    ['20261206100000.5Z', T0 + 500],
    ['202612061000Z', T0],
    ['20261206110000+0100', T0],
    ['20261206083000-0130', T0],
  ])('reads %s', (text, ms) => {
    expect(parseGeneralizedTime(text)).toBe(ms);
  });

  it.each(['', '2026-12-06T10:00:00Z', '20261206100000', 'yesterday'])('refuses %j', (text) => {
    expect(parseGeneralizedTime(text)).toBeUndefined();
  });

  it('writes UTC to the second, rounded down so that >= includes that second', () => {
    expect(formatGeneralizedTime(T0 + 999)).toBe('20261206100000Z');
  });
});

describe('ModifyTimestampMark', () => {
  it('asks a poll for what changed since the cursor, and nothing of a full listing', async () => {
    const mark = new ModifyTimestampMark(backend);
    expect((await mark.begin(undefined, undefined)).changed).toBeUndefined();
    expect((await mark.begin(undefined, '20261206100000Z')).changed).toEqual({
      type: 'greaterOrEqual',
      attribute: 'modifyTimestamp',
      value: '20261206100000Z',
    });
  });

  it('takes a cursor that is no time for one it cannot follow', async () => {
    await expect(new ModifyTimestampMark(backend).begin(undefined, 'c1')).rejects.toBeInstanceOf(
      CursorExpired,
    );
  });

  it("keeps the next cursor the round's duration and a second behind the latest time it saw", async () => {
    const mark = new ModifyTimestampMark(backend);
    const now = T0 + 600_000;
    // A 30 s listing whose newest entry was written at T0.
    expect(await round(mark, undefined, [T0 - 5000, T0, T0 - 1], now, 30_000)).toBe(
      formatGeneralizedTime(T0 - 31_000),
    );
  });

  it('moves past the latest time once a round begun two seconds after it was first seen finds nothing newer', async () => {
    const mark = new ModifyTimestampMark(backend);
    const now = T0 + 600_000;
    const first = await round(mark, undefined, [T0, T0], now);
    expect(first).toBe(formatGeneralizedTime(T0 - 1100));
    // A poll one second later may still miss a write stamped T0: it stays behind.
    const soon = await round(mark, first, [T0, T0], now + 1000);
    expect(soon).toBe(formatGeneralizedTime(T0 - 1100));
    // Two seconds on, no write can carry T0 any more: the bulk of T0 is not read again.
    const settled = await round(mark, soon, [T0, T0], now + 2200);
    expect(settled).toBe(formatGeneralizedTime(T0 + 1000));
    // Nothing newer since: the cursor stays.
    expect(await round(mark, settled, [], now + 32_000)).toBe(settled);
  });

  it('never moves the cursor backwards', async () => {
    const mark = new ModifyTimestampMark(backend);
    const cursor = formatGeneralizedTime(T0);
    expect(await round(mark, cursor, [T0 - 60_000], T0 + 600_000)).toBe(cursor);
  });

  it('keeps one entry stamped an hour ahead from carrying the cursor past the changes written now', async () => {
    const mark = new ModifyTimestampMark(backend);
    const now = T0;
    const cursor = await round(mark, undefined, [T0 - 1000, T0 + 3_600_000], now);
    expect(parseGeneralizedTime(cursor!)).toBeLessThanOrEqual(now - 60_000);
    // So a change written now is still at or after the cursor.
    expect(parseGeneralizedTime(cursor!)).toBeLessThanOrEqual(T0 + 5000);
  });

  it('warns once, and keeps no cursor, where no entry shows its modifyTimestamp', async () => {
    const warn = vi.fn();
    const mark = new ModifyTimestampMark(backend, { warn });
    for (let i = 0; i < 2; i++) {
      const listing = await mark.begin(undefined, undefined);
      listing.see({ dn: 'cn=x', cn: 'x' });
      expect(listing.end()).toBeUndefined();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatch(/every change interval lists everything again/);
  });
});
