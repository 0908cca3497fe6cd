/** ResponseBatch on its own: what one turn adds leaves in one write, bounded by flushAt. */
import { describe, expect, it } from 'vitest';
import { decodeResponse } from '../../src/protocol/response-decoder.js';
import { encodeResponse } from '../../src/protocol/response-encoder.js';
import type { ResponseMessage } from '../../src/protocol/messages.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';
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

  it('writes nothing when empty, and a small batch whole', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(1024, (b) => writes.push(b));
    batch.add(bytes(7, 8));
    batch.flush();
    batch.flush();
    await tick();
    expect(writes.map((w) => [...w])).toEqual([[7, 8]]);
  });

  it('keeps what it wrote intact while later batches are encoded (small ones copied out, large ones handed over)', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(64 * 1024, (b) => writes.push(b));
    const sent: ResponseMessage[] = [];
    // Batches of every size: a few bytes, several kilobytes, past flushAt.
    for (const [turn, count] of [3, 40, 900, 2, 300].entries()) {
      for (let i = 0; i < count; i++) {
        const message: ResponseMessage = {
          messageId: turn * 1000 + i + 1,
          response: {
            type: 'searchResultEntry',
            objectName: `cn=${turn}-${i},dc=example`,
            attributes: [{ type: 'description', values: ['x'.repeat(i % 200)] }],
          },
        };
        sent.push(message);
        batch.encode(message);
      }
      await tick();
    }
    const frames = new FrameReader(2 ** 31);
    const received: ResponseMessage[] = [];
    for (const write of writes) {
      frames.push(Buffer.from(write));
      for (let frame = frames.next(); frame; frame = frames.next()) received.push(decodeResponse(frame));
    }
    expect(received).toEqual(sent.map((message) => decodeResponse(Buffer.from(encodeResponse(message)))));
    expect(writes.length).toBeGreaterThan(5);
  });

  it('leaves no trace of a response it cannot encode', async () => {
    const writes: Uint8Array[] = [];
    const batch = new ResponseBatch(1024, (b) => writes.push(b));
    const done = (messageId: number): ResponseMessage => ({
      messageId,
      response: { type: 'searchResultDone', resultCode: 0 },
    });
    batch.encode(done(1));
    expect(() => batch.encode(done(2 ** 40))).toThrow();
    batch.encode(done(2));
    await tick();
    expect(writes).toHaveLength(1);
    expect(Buffer.from(writes[0]!)).toEqual(
      Buffer.concat([encodeResponse(done(1)), encodeResponse(done(2))]),
    );
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
