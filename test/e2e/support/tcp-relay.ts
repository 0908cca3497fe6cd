/**
 * A TCP relay in front of a backend, counting the connections a client opens to it (what a test
 * cannot ask slapd); the bytes pass through untouched, so LDAPS and StartTLS work end to end.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Most connections that were open at once. */
  readonly maxOpen: number;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let maxOpen = 0;
  const server = createServer((client) => {
    accepted++;
    sockets.add(client);
    maxOpen = Math.max(maxOpen, sockets.size);
    const backend = connect(targetPort, '127.0.0.1');
    client.pipe(backend).pipe(client);
    const end = (): void => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', end).on('close', () => {
      sockets.delete(client);
      end();
    });
    backend.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
