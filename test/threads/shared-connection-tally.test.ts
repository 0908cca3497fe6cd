import { describe, expect, it } from 'vitest';
import { SharedConnectionTally } from '../../src/threads/shared-connection-tally.js';

describe('SharedConnectionTally', () => {
  it('adds up every thread’s cell, and forgets a thread that ended', () => {
    const memory = SharedConnectionTally.memory(2);
    const main = new SharedConnectionTally(memory, 0);
    const first = new SharedConnectionTally(memory, 1);
    const second = new SharedConnectionTally(memory, 2);
    main.add(3);
    first.add(2);
    second.add(4);
    second.add(-1);
    expect(main.count).toBe(8);
    expect(first.count).toBe(8);
    main.forget(2);
    expect(main.count).toBe(5);
  });
});
