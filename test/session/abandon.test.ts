/**
 * Abandon (RFC 4511 4.11) through one Session in process (session-harness.ts), over a real
 * Directory with a live source that sends two records and then holds the search open, as a slow
 * backend does: the abandoned search gets no SearchResultDone, its source is stopped, and the
 * connection goes on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ResultCode } from '../../src/protocol/result-codes.js';
import type { SourceQuery, SourceRecord } from '../../src/sources/source.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';
import { TestSource } from '../support/test-source.js';
import { directoryServices } from './directory-services.js';
import { abandonRequest, searchRequest } from './request-messages.js';
import { SessionHarness } from './session-harness.js';

/** A live source whose searches send two records, then wait until they are aborted. */
class HeldSource extends TestSource {
  /** How each search ended: whether its signal was aborted when the source let go of it. */
  readonly ended: { aborted: boolean }[] = [];
  #onEnd: (() => void) | undefined;
  readonly stopped = new Promise<void>((resolve) => (this.#onEnd = resolve));

  constructor() {
    super('people', { mode: 'live' });
  }

  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    try {
      yield { id: '1', fields: { cn: ['Anna'] } };
      yield { id: '2', fields: { cn: ['Bernd'] } };
      await untilAborted(signal);
      yield { id: '3', fields: { cn: ['never sent'] } };
    } finally {
      this.ended.push({ aborted: signal.aborted });
      this.#onEnd?.();
    }
  }
}

/** Rejects once `signal` is aborted (at once if it is already). */
function untilAborted(signal: AbortSignal): Promise<never> {
  const aborted = (): Error => new Error('search aborted', { cause: signal.reason });
  return new Promise((_, reject) => {
    if (signal.aborted) reject(aborted());
    else signal.addEventListener('abort', () => reject(aborted()), { once: true });
  });
}

let harness: SessionHarness | undefined;

afterEach(() => {
  harness?.close();
  harness = undefined;
});

describe('abandon through a session', () => {
  it('stops a search mid-way: no SearchResultDone, the source stopped, the connection still served', async () => {
    const source = new HeldSource();
    const directory = await testDirectory([{ name: 'people', records: [], mode: 'live', source }]);
    harness = await SessionHarness.open(directoryServices(directory));
    harness.send(searchRequest(1, { base: TEST_SUFFIX, filter: '(cn=*)' }));
    await harness.waitFor('two entries', 5_000, () =>
      harness!.responsesTo(1).length === 2 ? true : undefined,
    );

    harness.send(abandonRequest(2, 1));
    await source.stopped;
    expect(source.ended).toEqual([{ aborted: true }]);

    // A request sent after the abandon is answered: anything for the abandoned one came before it.
    harness.send(searchRequest(3, { base: '', scope: 'base' }));
    expect((await harness.search(3)).done.response.resultCode).toBe(ResultCode.success);
    expect(harness.responsesTo(1).map((message) => message.response.type)).toEqual([
      'searchResultEntry',
      'searchResultEntry',
    ]);
    // An abandon has no response of its own.
    expect(harness.responsesTo(2)).toEqual([]);
    expect(harness.closed).toBe(false);
  });
});
