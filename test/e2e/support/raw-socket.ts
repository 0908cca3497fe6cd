/** A raw TCP client for feeding a server bytes no well-behaved LDAP client would send. */
import net from 'node:net';

export interface RawConnection {
  readonly socket: net.Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves when the server closes the connection, with how long that took; rejects after `ms`. */
  closed(ms: number): Promise<number>;
}

export function connectRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const start = Date.now();
    let closedAt: number | undefined;
    const closeWaiters: (() => void)[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedAt = Date.now();
      for (const waiter of closeWaiters) waiter();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        closed: (ms) =>
          new Promise((done, fail) => {
            if (closedAt !== undefined) {
              done(closedAt - start);
              return;
            }
            const timer = setTimeout(() => fail(new Error(`connection still open after ${ms} ms`)), ms);
            closeWaiters.push(() => {
              clearTimeout(timer);
              done(closedAt! - start);
            });
          }),
      }),
    );
    socket.once('error', reject);
  });
}
