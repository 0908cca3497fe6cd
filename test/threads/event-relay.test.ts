import { describe, expect, it } from 'vitest';
import type { OperationOutcome, ServerEvents } from '../../src/observability/server-events.js';
import { countRelayed, RelayedEvents } from '../../src/threads/event-relay.js';
import type { FromListenerThread } from '../../src/threads/thread-messages.js';

/** What a ServerEvents was told. */
class Counted implements ServerEvents {
  readonly operations: OperationOutcome[] = [];
  throttled = 0;
  operationEnded(record: OperationOutcome): void {
    this.operations.push(record);
  }
  bindThrottled(): void {
    this.throttled++;
  }
}

describe('RelayedEvents', () => {
  it('carries a thread’s operations to the main thread’s counters, gathered', () => {
    const posted: FromListenerThread[] = [];
    const relayed = new RelayedEvents({ postMessage: (message: FromListenerThread) => posted.push(message) });
    relayed.operationEnded({ request: { type: 'search' }, resultCode: 0, ms: 1.5 });
    relayed.operationEnded({ request: { type: 'bind' }, resultCode: 49, ms: 2 });
    relayed.operationEnded({ request: { type: 'abandon' }, resultCode: undefined, ms: 0 });
    relayed.bindThrottled();
    expect(posted).toEqual([]);
    relayed.flush();
    relayed.flush();
    expect(posted).toHaveLength(1);
    const counted = new Counted();
    countRelayed(posted[0] as Extract<FromListenerThread, { kind: 'events' }>, counted);
    expect(counted.operations).toEqual([
      { request: { type: 'search' }, resultCode: 0, ms: 1.5 },
      { request: { type: 'bind' }, resultCode: 49, ms: 2 },
      { request: { type: 'abandon' }, resultCode: undefined, ms: 0 },
    ]);
    expect(counted.throttled).toBe(1);
  });

  it('posts at once when many operations gather', () => {
    const posted: FromListenerThread[] = [];
    const relayed = new RelayedEvents({ postMessage: (message: FromListenerThread) => posted.push(message) });
    for (let i = 0; i < 1024; i++)
      relayed.operationEnded({ request: { type: 'search' }, resultCode: 0, ms: 1 });
    expect(posted).toHaveLength(1);
    relayed.flush();
    expect(posted).toHaveLength(1);
  });
});
