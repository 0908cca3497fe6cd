/** ResponseBatch on its own: what one turn adds leaves in one write, bounded by flushAt. */
import { describe, expect, it } from 'vitest';
import { ResponseBatch } from '../../src/session/response-batch.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('ResponseBatch', () => {
  it('writes what one chain of promises added as one buffer, in order, once the chain is done', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(1024, (b) => writes.push(b));
    const produce = async (): Promise<void> => {
      for (let i = 1; i <= 50; i++) {
        batch.add(bytes(i));
        await Promise.resolve();
      }
    };
    await produce();
    expect(writes).toHaveLength(0);
    expect(batch.bytes).toBe(50);
    await tick();
    expect(writes).toHaveLength(1);
    expect([...writes[0]!]).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(batch.bytes).toBe(0);
  });

  it('writes at once when flushAt bytes wait, so a large answer streams and stays bounded', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(4, (b) => writes.push(b));
    batch.add(bytes(1, 2));
    batch.add(bytes(3, 4));
    expect(writes.map((w) => [...w])).toEqual([[1, 2, 3, 4]]);
    batch.add(bytes(5));
    await tick();
    expect(writes.map((w) => [...w])).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('writes a single response without copying it, and nothing when empty', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(1024, (b) => writes.push(b));
    const one = bytes(7, 8);
    batch.add(one);
    batch.flush();
    batch.flush();
    await tick();
    expect(writes).toEqual([one]);
    expect(writes[0]).toBe(one);
  });

  it('forgets what it held when discarded', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(1024, (b) => writes.push(b));
    batch.add(bytes(1));
    batch.discard();
    await tick();
    expect(writes).toHaveLength(0);
    expect(batch.bytes).toBe(0);
  });
});
