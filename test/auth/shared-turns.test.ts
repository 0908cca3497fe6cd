/**
 * The throttle's shared memory: a turn is taken below its limit by one thread only, keys sharing a
 * slot add up (only ever busier or failing, never freer), the main thread hears of a turn ending
 * where it waits, a thread's turns are given back when it ends, and a throttle that takes over
 * starts with no key failing while the one before it can no longer mark any.
 */
import { describe, expect, it } from 'vitest';
import { ADDRESSES, LOGINS, SharedTurns } from '../../src/auth/shared-turns.js';

const SETTINGS = { on: true, free: [3, 10] as const };

function turns(threads = 2): SharedTurns {
  return new SharedTurns(SharedTurns.memory(threads));
}

/** A key other than `key` that falls on its slot. */
function collidingWith(table: SharedTurns, key: string): string {
  const slot = table.slot(key);
  for (let i = 0; ; i++) if (table.slot(`other${i}`) === slot) return `other${i}`;
}

describe('SharedTurns', () => {
  it('gives turns below the limit and no more, whoever asks', () => {
    const table = turns();
    const slot = table.slot('account:pbx');
    expect(table.tryEnter(LOGINS, slot, 2, 1)).toBe(true);
    expect(table.tryEnter(LOGINS, slot, 2)).toBe(true);
    expect(table.tryEnter(LOGINS, slot, 2, 2)).toBe(false);
    expect(table.underWay(LOGINS, slot)).toBe(2);
    // The other lane is a table of its own.
    expect(table.underWay(ADDRESSES, slot)).toBe(0);
    table.leave(LOGINS, slot, 1);
    expect(table.tryEnter(LOGINS, slot, 2, 2)).toBe(true);
  });

  it('is the same memory in every thread: the seed and the counts travel with the buffer', () => {
    const main = turns();
    const thread = new SharedTurns(main.buffer);
    expect(thread.slot('account:pbx')).toBe(main.slot('account:pbx'));
    thread.tryEnter(LOGINS, thread.slot('account:pbx'), 5, 1);
    expect(main.underWay(LOGINS, main.slot('account:pbx'))).toBe(1);
  });

  it('adds up the keys that share a slot: a collision only makes a key look busier', () => {
    const table = turns();
    const other = collidingWith(table, 'account:pbx');
    const slot = table.slot('account:pbx');
    expect(table.tryEnter(LOGINS, table.slot(other), 1, 1)).toBe(true);
    expect(table.tryEnter(LOGINS, slot, 1, 1)).toBe(false);
  });

  it('says a turn ended where the main thread keeps a bind waiting, and wakes it', async () => {
    const table = turns();
    const slot = table.slot('account:pbx');
    table.tryEnter(LOGINS, slot, 1, 1);
    expect(table.leave(LOGINS, slot, 1)).toBe(false);
    table.tryEnter(LOGINS, slot, 1, 1);
    let woken = false;
    const waiting = table.whenBelow(LOGINS, slot, 1, new AbortController().signal).then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(false);
    expect(table.leave(LOGINS, slot, 1)).toBe(true);
    table.wake(LOGINS, slot);
    await waiting;
    // Nobody waits any more: the next turn that ends needs no word.
    table.tryEnter(LOGINS, slot, 1, 1);
    expect(table.leave(LOGINS, slot, 1)).toBe(false);
  });

  it('does not wait for a turn that ended before the wait was marked', async () => {
    const table = turns();
    const slot = table.slot('account:pbx');
    // Seen full, then ended in a thread before the main thread marked the slot: no word was sent.
    await table.whenBelow(LOGINS, slot, 1, new AbortController().signal);
    table.tryEnter(LOGINS, slot, 1, 1);
    expect(table.leave(LOGINS, slot, 1)).toBe(false);
  });

  it('stops waiting when the client goes away', async () => {
    const table = turns();
    const slot = table.slot('account:pbx');
    table.tryEnter(LOGINS, slot, 1);
    const gone = new AbortController();
    const waiting = table.whenBelow(LOGINS, slot, 1, gone.signal);
    gone.abort();
    await waiting;
    expect(table.leave(LOGINS, slot)).toBe(false);
  });

  it('gives back the turns a thread held when it ends, and only those', () => {
    const table = turns();
    const slot = table.slot('account:pbx');
    table.tryEnter(LOGINS, slot, 10, 1);
    table.tryEnter(LOGINS, slot, 10, 1);
    table.tryEnter(LOGINS, slot, 10, 2);
    table.tryEnter(LOGINS, slot, 10);
    table.tryEnter(ADDRESSES, table.slot('192.0.2.7'), 10, 1);
    table.release(1);
    expect(table.underWay(LOGINS, slot)).toBe(2);
    expect(table.underWay(ADDRESSES, table.slot('192.0.2.7'))).toBe(0);
  });

  it('does not give back a turn a thread handed over to the main thread', () => {
    const table = turns();
    const slot = table.slot('account:pbx');
    table.tryEnter(LOGINS, slot, 10, 1);
    table.handOver(LOGINS, slot, 1);
    table.release(1);
    expect(table.underWay(LOGINS, slot)).toBe(1);
    table.leave(LOGINS, slot);
    expect(table.underWay(LOGINS, slot)).toBe(0);
  });

  it('marks failing keys for the throttle in force only', () => {
    const table = turns();
    const first = table.takeOver(SETTINGS);
    expect([table.freeTurns(LOGINS), table.freeTurns(ADDRESSES)]).toEqual([3, 10]);
    first(LOGINS, 'account:pbx', 1);
    expect(table.failing(LOGINS, table.slot('account:pbx'))).toBe(true);
    expect(table.failing(ADDRESSES, table.slot('account:pbx'))).toBe(false);
    const second = table.takeOver({ on: false, free: [5, 20] });
    expect([table.freeTurns(LOGINS), table.freeTurns(ADDRESSES)]).toEqual([Infinity, Infinity]);
    // A new throttle has counted nothing yet; the old one's last binds no longer mark.
    expect(table.failing(LOGINS, table.slot('account:pbx'))).toBe(false);
    first(LOGINS, 'account:pbx', -1);
    first(LOGINS, 'account:anna', 1);
    expect(table.failing(LOGINS, table.slot('account:anna'))).toBe(false);
    second(LOGINS, 'account:anna', 1);
    expect(table.failing(LOGINS, table.slot('account:anna'))).toBe(true);
  });

  it('keeps a slot failing while any key in it is', () => {
    const table = turns();
    const mark = table.takeOver(SETTINGS);
    const other = collidingWith(table, 'account:pbx');
    mark(LOGINS, 'account:pbx', 1);
    mark(LOGINS, other, 1);
    mark(LOGINS, other, -1);
    expect(table.failing(LOGINS, table.slot('account:pbx'))).toBe(true);
  });
});
