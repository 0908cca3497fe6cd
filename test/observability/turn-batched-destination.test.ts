/** TurnBatchedDestination: the lines of one turn in one write, in order, and nothing held back. */
import { describe, expect, it } from 'vitest';
import {
  TurnBatchedDestination,
  type SyncDestination,
} from '../../src/observability/turn-batched-destination.js';

class Recorder implements SyncDestination {
  readonly writes: string[] = [];
  flushes = 0;
  write(text: string): void {
    this.writes.push(text);
  }
  flushSync(): void {
    this.flushes++;
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatchedDestination', () => {
  it('writes the lines of one turn in one write, in order, on the next turn', async () => {
    const target = new Recorder();
    const destination = new TurnBatchedDestination(target);
    destination.write('a\n');
    destination.write('b\n');
    await Promise.resolve();
    destination.write('c\n');
    expect(target.writes).toEqual([]);
    await nextTurn();
    expect(target.writes).toEqual(['a\nb\nc\n']);
    destination.write('d\n');
    await nextTurn();
    expect(target.writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('writes at once past flushAt characters', () => {
    const target = new Recorder();
    const destination = new TurnBatchedDestination(target, 4);
    destination.write('ab\n');
    destination.write('cd\n');
    expect(target.writes).toEqual(['ab\ncd\n']);
  });

  it('writes everything out synchronously on flushSync and on pino flush(callback)', () => {
    const target = new Recorder();
    const destination = new TurnBatchedDestination(target);
    destination.write('fatal\n');
    destination.flushSync();
    expect(target.writes).toEqual(['fatal\n']);
    expect(target.flushes).toBe(1);
    destination.write('last\n');
    let called = false;
    destination.flush(() => (called = true));
    expect(target.writes).toEqual(['fatal\n', 'last\n']);
    expect(called).toBe(true);
  });
});
