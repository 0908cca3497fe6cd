/** The output gate on a real loopback socket whose peer does not read. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputGate } from '../../src/session/output-gate.js';

const RESPONSE_BYTES = 10_000;
const MAX_QUEUED = 100_000;

let sockets: net.Socket[] = [];
let server: net.Server | undefined;

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets = [];
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A connected pair: `near` writes, `far` does not read until told. */
async function pair(): Promise<{ near: net.Socket; far: net.Socket }> {
  const accepted = new Promise<net.Socket>((resolve) => {
    server = net.createServer(resolve);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const far = net.connect((server!.address() as net.AddressInfo).port, '127.0.0.1');
  far.pause();
  const near = await accepted;
  sockets.push(near, far);
  return { near, far };
}

/** A writer as an operation is one: room first, then one response, `count` times. */
async function writer(
  gate: OutputGate,
  socket: net.Socket,
  count: number,
  seen: { most: number },
): Promise<void> {
  for (let i = 0; i < count; i++) {
    while (!gate.hasRoom(socket)) {
      if (socket.destroyed) return;
      await gate.room(socket);
    }
    if (socket.destroyed) return;
    socket.write(Buffer.alloc(RESPONSE_BYTES));
    seen.most = Math.max(seen.most, socket.writableLength);
  }
}

describe('OutputGate', () => {
  it('keeps 64 concurrent writers within maxQueuedBytes plus one response while the peer does not read', async () => {
    const { near, far } = await pair();
    const gate = new OutputGate(MAX_QUEUED);
    const seen = { most: 0 };
    // 64 writers of 100 responses: 64 MB, far beyond what the kernel buffers between the two.
    const writers = Array.from({ length: 64 }, () => writer(gate, near, 100, seen));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.most).toBeGreaterThanOrEqual(MAX_QUEUED);
    expect(seen.most).toBeLessThan(MAX_QUEUED + RESPONSE_BYTES);
    // Reading lets every writer finish, still within the bound.
    let received = 0;
    far.on('data', (chunk: Buffer) => (received += chunk.length));
    far.resume();
    await Promise.all(writers);
    await new Promise<void>((resolve) => near.end(resolve));
    await new Promise((resolve) => far.once('end', resolve));
    expect(received).toBe(64 * 100 * RESPONSE_BYTES);
    expect(seen.most).toBeLessThan(MAX_QUEUED + RESPONSE_BYTES);
  });

  it('releases every waiting writer when the socket closes', async () => {
    const { near } = await pair();
    const gate = new OutputGate(MAX_QUEUED);
    const seen = { most: 0 };
    const writers = Array.from({ length: 64 }, () => writer(gate, near, 1_000, seen));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gate.hasRoom(near)).toBe(false);
    near.destroy();
    await Promise.all(writers);
    expect(near.listenerCount('drain')).toBe(0);
  });

  it('does not wait on a socket that is already gone', async () => {
    const { near } = await pair();
    near.destroy();
    await new Promise((resolve) => near.once('close', resolve));
    await new OutputGate(MAX_QUEUED).room(near);
  });

  it('shares one wait among all writers rather than a listener each', async () => {
    const { near } = await pair();
    const gate = new OutputGate(MAX_QUEUED);
    const writers = Array.from({ length: 64 }, () => writer(gate, near, 1_000, { most: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(near.listenerCount('drain')).toBe(1);
    near.destroy();
    await Promise.all(writers);
  });
});
