/**
 * A minimal LDAP server over plain TCP for the connection pool's unit tests: it answers binds and
 * searches (with no entries) using dirbridge's own codec, counts what it sees, and can drop its
 * connections or stop listening, which is all the pool's connection-level behaviour depends on.
 * What a directory answers is tested against real servers in test/e2e.
 */
import net from 'node:net';
import type { Filter } from '../../../src/filter/ast.js';
import { FrameReader } from '../../../src/protocol/frame-reader.js';
import type { Response } from '../../../src/protocol/messages.js';
import { decodeRequest } from '../../../src/protocol/request-decoder.js';
import { encodeResponse } from '../../../src/protocol/response-encoder.js';

const LIMITS = { maxFilterDepth: 32, maxFilterNodes: 1000 };
const INVALID_CREDENTIALS = 49;

export interface FakeLdapServer {
  readonly url: string;
  /** Connections accepted, and those still open. */
  readonly connections: number;
  readonly open: number;
  /** Binds answered with success. */
  readonly binds: number;
  /** The filter of every search answered, as it arrived on the wire. */
  readonly filters: readonly Filter[];
  /** Searches answered. */
  readonly searches: number;
  /** Answer every bind with invalidCredentials (49). */
  refuseBinds: boolean;
  /** Ends every connection, still listening (as AD does with idle ones). */
  dropConnections(): void;
  /** Stops listening and ends every connection: connects are refused. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startFakeLdapServer(): Promise<FakeLdapServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let binds = 0;
  let searches = 0;
  const filters: Filter[] = [];
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const frames = new FrameReader(1 << 20);
    const answer = (messageId: number, response: Response): void => {
      socket.write(encodeResponse({ messageId, response }));
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        frames.push(chunk);
      } catch {
        socket.destroy(); // not LDAP (a TLS handshake, say): end it as a server would
        return;
      }
      for (let frame = frames.next(); frame; frame = frames.next()) {
        const { messageId, request } = decodeRequest(frame, LIMITS);
        if (request.type === 'bind') {
          const resultCode = fake.refuseBinds ? INVALID_CREDENTIALS : 0;
          if (resultCode === 0) binds++;
          answer(messageId, { type: 'bindResponse', resultCode, matchedDN: '', diagnosticMessage: '' });
        } else if (request.type === 'search') {
          searches++;
          filters.push(request.filter);
          answer(messageId, {
            type: 'searchResultDone',
            resultCode: 0,
            matchedDN: '',
            diagnosticMessage: '',
          });
        } else if (request.type === 'unbind') {
          socket.end();
        }
      }
    });
  });
  await listen(server, 0);
  const { port } = server.address() as net.AddressInfo;
  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const fake: FakeLdapServer = {
    url: `ldap://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    get binds() {
      return binds;
    },
    get searches() {
      return searches;
    },
    filters,
    refuseBinds: false,
    dropConnections,
    async stop() {
      dropConnections();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
    async start() {
      if (!server.listening) await listen(server, port);
    },
  };
  return fake;
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
