/**
 * RFC 2696 paging through one Session in process (session-harness.ts): the cookie each page hands
 * back resumes the same search, a cookie that is not this search's live one is a protocolError,
 * and a page size of 0 ends the search.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ResultCode } from '../../src/protocol/result-codes.js';
import { eventually } from '../support/eventually.js';
import { FakeDirectory, fakeServices } from './fake-services.js';
import { pagedCookie, pagedResults, searchRequest } from './request-messages.js';
import { SessionHarness, type SearchAnswer } from './session-harness.js';

const harnesses: SessionHarness[] = [];

afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.close();
});

async function open(directory: FakeDirectory): Promise<SessionHarness> {
  const harness = await SessionHarness.open(fakeServices(directory));
  harnesses.push(harness);
  return harness;
}

/** One page of the search of `base` (FakeDirectory: `ou=<n>` finds n entries). */
async function page(
  session: SessionHarness,
  messageId: number,
  size: number,
  cookie?: Uint8Array,
  base = 'ou=5',
): Promise<SearchAnswer & { cookie: Uint8Array }> {
  session.send(searchRequest(messageId, { base, controls: [pagedResults(size, cookie)] }));
  const answer = await session.search(messageId);
  return { ...answer, cookie: pagedCookie(answer.done) ?? new Uint8Array() };
}

describe('paged searches through a session', () => {
  it('hands back a cookie that resumes the same search, and an empty one with the last page', async () => {
    const directory = new FakeDirectory();
    const session = await open(directory);
    const first = await page(session, 1, 2);
    expect(first.cookie.length).toBeGreaterThan(0);
    const second = await page(session, 2, 2, first.cookie);
    expect(second.cookie.length).toBeGreaterThan(0);
    const last = await page(session, 3, 2, second.cookie);
    expect(last.cookie).toEqual(new Uint8Array());
    for (const answer of [first, second, last])
      expect(answer.done.response.resultCode).toBe(ResultCode.success);
    expect([first, second, last].map((answer) => answer.entries.map((entry) => entry.objectName))).toEqual([
      ['cn=0,ou=5', 'cn=1,ou=5'],
      ['cn=2,ou=5', 'cn=3,ou=5'],
      ['cn=4,ou=5'],
    ]);
    // One search, resumed: not run again for each page.
    expect(directory.started).toBe(1);
    await eventually(() => directory.running === 0, 5_000, 'the search to end');
  });

  it('answers protocolError (2) to a cookie never issued, one already spent, one from another connection, one of another search', async () => {
    const directory = new FakeDirectory();
    const session = await open(directory);
    const other = await open(directory);
    const unknown = await page(session, 1, 2, randomBytes(16));
    expect(unknown.done.response).toMatchObject({
      resultCode: ResultCode.protocolError,
      diagnosticMessage: 'paged results cookie is invalid or expired',
    });

    const first = await page(session, 2, 2);
    await page(session, 3, 2, first.cookie);
    const spent = await page(session, 4, 2, first.cookie);
    expect(spent.done.response.resultCode).toBe(ResultCode.protocolError);

    const live = await page(session, 5, 2);
    const foreign = await page(other, 1, 2, live.cookie);
    expect(foreign.done.response.resultCode).toBe(ResultCode.protocolError);
    expect(foreign.entries).toEqual([]);

    const mine = await page(session, 6, 2);
    const changed = await page(session, 7, 2, mine.cookie, 'ou=6');
    expect(changed.done.response).toMatchObject({
      resultCode: ResultCode.protocolError,
      diagnosticMessage: 'paged results cookie belongs to another search',
    });
    expect(changed.entries).toEqual([]);
  });

  it('ends the search when asked for a page of size 0: success, no entry, no cookie, the stream stopped', async () => {
    const directory = new FakeDirectory();
    const session = await open(directory);
    const first = await page(session, 1, 2);
    expect(directory.running).toBe(1); // parked between pages
    const ended = await page(session, 2, 0, first.cookie);
    expect(ended.entries).toEqual([]);
    expect(ended.done.response.resultCode).toBe(ResultCode.success);
    expect(ended.cookie).toEqual(new Uint8Array());
    await eventually(() => directory.running === 0, 5_000, 'the parked search to stop');
    expect(directory.aborted).toBe(1);
    const after = await page(session, 3, 2, first.cookie);
    expect(after.done.response.resultCode).toBe(ResultCode.protocolError);
  });
});
