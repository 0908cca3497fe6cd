import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionCounters } from '../../src/observability/connection-counters.js';
import { SharedListenerCounts } from '../../src/threads/shared-listener-counts.js';

describe('SharedListenerCounts', () => {
  it('adds up every thread’s counts per listener, and forgets what an ended thread held open', () => {
    const memory = SharedListenerCounts.memory(2, 2);
    const [main, first, second] = [0, 1, 2].map((thread) => new SharedListenerCounts(memory, thread, 2)) as [
      SharedListenerCounts,
      SharedListenerCounts,
      SharedListenerCounts,
    ];
    main.opened(0);
    first.opened(0);
    first.opened(0);
    second.opened(1);
    first.closed(0);
    expect(second.counts(0)).toEqual({ open: 2, accepted: 3 });
    expect(main.counts(1)).toEqual({ open: 1, accepted: 1 });
    main.forget(1);
    expect(main.counts(0)).toEqual({ open: 1, accepted: 3 });
    // A listener beyond those it was made for is not counted here.
    second.opened(2);
    expect(main.counts(2)).toBeUndefined();
  });
});

describe('ConnectionCounters', () => {
  it('reports the shared counts of every thread, and its own for a listener they do not keep', () => {
    const memory = SharedListenerCounts.memory(1, 1);
    const mine = new ConnectionCounters(new SharedListenerCounts(memory, 0, 1));
    const theirs = new ConnectionCounters(new SharedListenerCounts(memory, 1, 1));
    const [accept, acceptExtra] = [mine.listener('ldap://a'), mine.listener('ldap://b')];
    const theirAccept = theirs.listener('ldap://a');
    const sockets = [new Socket(), new Socket(), new Socket()];
    accept(sockets[0]!);
    theirAccept(sockets[1]!);
    acceptExtra(sockets[2]!);
    sockets[0]!.emit('close');
    expect(mine.snapshot()).toEqual([
      { url: 'ldap://a', open: 1, accepted: 2 },
      { url: 'ldap://b', open: 1, accepted: 1 },
    ]);
    expect(theirs.snapshot()).toEqual([{ url: 'ldap://a', open: 1, accepted: 2 }]);
  });
});
