/**
 * A reload swaps the services sessions use (src/session/current-services.ts): on an open connection,
 * an operation started before the swap finishes with the services it started with, and the next one
 * takes the new ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CurrentServices } from '../../src/session/current-services.js';
import { FakeDirectory, fakeServices } from './fake-services.js';
import { searchRequest } from './request-messages.js';
import { SessionHarness } from './session-harness.js';

let harness: SessionHarness | undefined;
afterEach(() => harness?.close());

describe('CurrentServices', () => {
  it('keeps an operation on the services it started with, and gives the next one the new', async () => {
    const before = new FakeDirectory();
    const after = new FakeDirectory();
    const current = new CurrentServices(fakeServices(before));
    harness = await SessionHarness.open(current);
    harness.send(searchRequest(1, { base: 'cn=held' }));
    // Nothing is answered while the search is held: look at the directory until it has started.
    for (const started = Date.now(); before.started === 0 && Date.now() - started < 4_000;)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(before.started).toBe(1);
    current.replace(fakeServices(after));
    harness.send(searchRequest(2, { base: 'ou=3' }));
    expect((await harness.search(2)).entries).toHaveLength(3);
    expect(after.started).toBe(1);
    before.release();
    const first = await harness.search(1);
    expect(first.entries).toHaveLength(1);
    expect(first.done.response.resultCode).toBe(0);
    expect(before.started).toBe(1);
    expect(harness.closed).toBe(false);
  });
});
