/**
 * What one connection may cost when its client does not read: the session stops producing entries
 * once `maxQueuedBytes` wait, drops the connection once its output has not moved for `writeTimeout`,
 * and then ends every search it held. Real loopback sockets, a fake directory (fake-services.ts).
 */
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeResponse } from '../../src/protocol/response-encoder.js';
import {
  FakeDirectory,
  closedAfter,
  fakeServices,
  sessionServer,
  type SessionServer,
} from './fake-services.js';
import { ClientSocket, pagedControl, searchPdu, until } from './ldap-client-socket.js';

/** Entries of 16 kB: 400 of them (6.4 MB) outgrow what the kernel buffers between the two sockets. */
const ENTRY_BYTES = 16_000;
const FLOOD = 400;
const MAX_QUEUED_BYTES = 16_384;

let server: SessionServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every search of the flood in one write, as a client that pipelines and never reads sends them. */
function flood(client: ClientSocket, firstId = 1): void {
  const pdus = Array.from({ length: FLOOD }, (_, i) => searchPdu(firstId + i, `cn=${ENTRY_BYTES}`));
  client.socket.write(Buffer.concat(pdus));
}

/** Keeps in `seen` the most bytes ever queued in `socket` right after a write. */
function watchQueue(socket: net.Socket, seen: { most: number }): void {
  const write = socket.write.bind(socket);
  // The session writes whole responses, one buffer per call.
  socket.write = (chunk: Uint8Array): boolean => {
    const result = write(chunk);
    seen.most = Math.max(seen.most, socket.writableLength);
    return result;
  };
}

/** Resolves once `read()` has returned the same value for `ms`. */
async function settled(read: () => number, ms = 300): Promise<number> {
  let last = read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const now = read();
    if (now === last) return now;
    last = now;
  }
}

/** A session server of `MAX_QUEUED_BYTES` whose one socket's queue is watched, and a client that does not read. */
async function queueWatched(): Promise<{
  directory: FakeDirectory;
  queue: { most: number };
  client: ClientSocket;
}> {
  const directory = new FakeDirectory();
  const queue = { most: 0 };
  server = await sessionServer(fakeServices(directory, { maxQueuedBytes: MAX_QUEUED_BYTES }), (socket) => {
    watchQueue(socket, queue);
  });
  const client = await ClientSocket.connect(server.port, { reading: false });
  return { directory, queue, client };
}

describe('a client that does not read', () => {
  it('makes the session stop producing once maxQueuedBytes wait, and gets everything once it reads', async () => {
    const { directory, queue, client } = await queueWatched();
    flood(client);
    const produced = await settled(() => directory.started);
    expect(produced).toBeLessThan(FLOOD);
    const oneResponse = encodeResponse({
      messageId: FLOOD,
      response: {
        type: 'searchResultEntry',
        objectName: `cn=0,cn=${ENTRY_BYTES}`,
        attributes: [{ type: 'description', values: ['x'.repeat(ENTRY_BYTES)] }],
      },
    }).length;
    expect(queue.most).toBeGreaterThanOrEqual(MAX_QUEUED_BYTES);
    expect(queue.most).toBeLessThan(MAX_QUEUED_BYTES + oneResponse);
    client.socket.resume();
    await until(() => client.results().size === FLOOD);
    expect([...client.results().values()].every((code) => code === 0)).toBe(true);
  });

  it('stops reading a page of a paged search once maxQueuedBytes wait, and sends all of it once the client reads', async () => {
    const { directory, queue, client } = await queueWatched();
    // One page of 400 entries of 16 kB: once the queue is full, the session stops reading the search.
    client.socket.write(searchPdu(1, `ou=${FLOOD},cn=${ENTRY_BYTES}`, [pagedControl(FLOOD)]));
    await until(() => directory.started === 1);
    const produced = await settled(() => directory.yielded);
    expect(produced).toBeLessThan(FLOOD);
    expect(queue.most).toBeGreaterThanOrEqual(MAX_QUEUED_BYTES);
    expect(queue.most).toBeLessThan(2 * MAX_QUEUED_BYTES + ENTRY_BYTES);
    client.socket.resume();
    await until(() => client.results().size === 1);
    expect(client.results().get(1)).toBe(0);
    expect(client.messages.filter((message) => message.response.type === 'searchResultEntry')).toHaveLength(
      FLOOD,
    );
  });

  it('has no more requests read once the queue is full, even those answered without an operation', async () => {
    const { directory, queue, client } = await queueWatched();
    // Refused at once for their unknown critical control (80 bytes each): 200,000 answers, 16 MB.
    const refused = searchPdu(1, 'ou=1', [{ oid: '1.2.3.4', critical: true }]);
    const requests = Buffer.concat(Array.from({ length: 200_000 }, () => refused));
    client.socket.write(requests);
    await until(() => server!.sockets.length === 1);
    const read = await settled(() => server!.sockets[0]!.bytesRead, 500);
    // What the kernel buffers of its answers, and then no more: the rest of its requests wait in the
    // client rather than as answers waiting in the server.
    expect(read).toBeLessThan(requests.length / 2);
    expect(queue.most).toBeLessThan(MAX_QUEUED_BYTES + 200);
    client.socket.resume();
    await until(() => client.messages.length === 200_000, 20_000);
    expect(directory.started).toBe(0);
  }, 60_000);

  it('is dropped once its output has not moved for writeTimeout, and every search it held ends', async () => {
    const directory = new FakeDirectory();
    server = await sessionServer(fakeServices(directory, { writeTimeout: 1 }));
    const client = await ClientSocket.connect(server.port, { reading: false });
    // A paged search left parked between pages, then searches whose answers are never read.
    client.socket.write(searchPdu(1, 'ou=10', [pagedControl(1)]));
    await until(() => directory.started === 1);
    const sent = performance.now();
    flood(client, 2);
    await until(() => server!.sockets.length === 1);
    const took = await closedAfter(server.sockets[0]!, sent);
    // The stall starts within milliseconds of the flood: dropped about writeTimeout after it.
    expect(took).toBeGreaterThan(900);
    expect(took).toBeLessThan(2_500);
    await until(() => directory.running === 0, 1_000);
    // The parked paged search and the searches blocked on the full queue were stopped, not left.
    expect(directory.aborted).toBeGreaterThan(1);
  });

  it('is not dropped while it reads, however long its answers take', async () => {
    const directory = new FakeDirectory();
    server = await sessionServer(fakeServices(directory, { writeTimeout: 1 }));
    const client = await ClientSocket.connect(server.port, { reading: false });
    flood(client);
    // Paused for 400 ms at a time, reading for 50: never long enough to count as a stall.
    while (client.results().size < FLOOD) {
      client.socket.resume();
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.socket.pause();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(client.closed).toBe(false);
    }
    expect(server.sockets[0]?.destroyed).toBe(false);
  });
});

describe('a client that pipelines many requests', () => {
  it('has at most 64 operations running, however many requests one chunk carries', async () => {
    const directory = new FakeDirectory();
    server = await sessionServer(fakeServices(directory));
    const client = await ClientSocket.connect(server.port);
    client.socket.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => searchPdu(i + 1, 'cn=held'))));
    expect(await settled(() => directory.started)).toBe(64);
    expect(directory.mostRunning).toBe(64);
    directory.release();
    await until(() => client.results().size === 300);
    expect(directory.mostRunning).toBe(64);
  });

  it('leaves the event loop to other connections between turns', async () => {
    const directory = new FakeDirectory();
    let startedAtNextTurn: number | undefined;
    server = await sessionServer(fakeServices(directory), (socket) =>
      // Runs before the session's own listener: the turn booked here comes before the session's next.
      socket.once('data', () => setImmediate(() => (startedAtNextTurn = directory.started))),
    );
    const client = await ClientSocket.connect(server.port);
    client.socket.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => searchPdu(i + 1, 'ou=1'))));
    await until(() => client.results().size === 300);
    expect(startedAtNextTurn).toBeGreaterThan(0);
    expect(startedAtNextTurn).toBeLessThanOrEqual(16);
  });
});
