/** BatchedDestination: the operation lines of a few ms in one write, in order, and nothing held back. */
import { describe, expect, it } from 'vitest';
import { BatchedDestination, type SyncDestination } from '../../src/observability/batched-destination.js';

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
const later = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** A per-operation line as operation-log.ts writes it (the ones that wait for others). */
const op = (name: string): string => `{"level":30,"conn":1,"op":"${name}"}\n`;

describe('BatchedDestination', () => {
  it('writes the operation lines of several turns in one write, in order, once gatherMs passed', async () => {
    const target = new Recorder();
    const destination = new BatchedDestination(target, 64 * 1024, 30);
    destination.write(op('a'));
    destination.write(op('b'));
    await Promise.resolve();
    destination.write(op('c'));
    await nextTurn();
    destination.write(op('d'));
    expect(target.writes).toEqual([]);
    await later(60);
    expect(target.writes).toEqual([op('a') + op('b') + op('c') + op('d')]);
    destination.write(op('e'));
    await later(60);
    expect(target.writes).toEqual([op('a') + op('b') + op('c') + op('d'), op('e')]);
  });

  it('gathers the lines handed to it as operation lines like those it recognises', async () => {
    const target = new Recorder();
    const destination = new BatchedDestination(target, 64 * 1024, 30);
    destination.writeOperationLine(op('a'));
    destination.write(op('b'));
    destination.writeOperationLine(op('c'));
    expect(target.writes).toEqual([]);
    await later(60);
    expect(target.writes).toEqual([op('a') + op('b') + op('c')]);
  });

  it('writes any other line at once, after what was gathered, so the order holds', () => {
    const target = new Recorder();
    const destination = new BatchedDestination(target);
    destination.write(op('search'));
    const warning = '{"level":40,"msg":"bind throttled after repeated failures"}\n';
    destination.write(warning);
    expect(target.writes).toEqual([op('search') + warning]);
  });

  it('writes at once past flushAt characters', () => {
    const target = new Recorder();
    const destination = new BatchedDestination(target, 40);
    destination.write(op('ab'));
    expect(target.writes).toEqual([]);
    destination.write(op('cd'));
    expect(target.writes).toEqual([op('ab') + op('cd')]);
  });

  it('writes everything out synchronously on flushSync and on pino flush(callback)', () => {
    const target = new Recorder();
    const destination = new BatchedDestination(target);
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
