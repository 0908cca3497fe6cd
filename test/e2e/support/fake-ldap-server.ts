/**
 * A scripted LDAP server for connection-level tests of dirbridge's backend clients: each request is
 * decoded with dirbridge's own decoder and recorded (with whether it came in clear or inside TLS),
 * then answered as the test says, or never. StartTLS can be honoured with the test CA's server
 * certificate, so a test can tell a bind sent in clear from one sent after StartTLS.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { FrameReader } from '../../../src/protocol/frame-reader.js';
import type { RequestMessage, Response } from '../../../src/protocol/messages.js';
import { decodeRequest } from '../../../src/protocol/request-decoder.js';
import { encodeResponse } from '../../../src/protocol/response-encoder.js';
import { ensureTestCa } from '../../../scripts/test-backends/test-ca.js';

export const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

export interface ReceivedRequest {
  /** Which accepted connection it came on, from 1. */
  readonly connection: number;
  /** Whether it came inside TLS (after StartTLS). */
  readonly secure: boolean;
  readonly message: RequestMessage;
}

/**
 * What the server does with a request: `undefined` never answers; `close` drops the connection;
 * `startTls` answers success and then expects a TLS handshake on the same socket.
 */
export type Reply = Response | 'close' | 'startTls' | undefined;

export interface FakeLdapServer {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Most connections that were open at once. */
  readonly maxOpen: number;
  readonly requests: readonly ReceivedRequest[];
  /** The bind requests received, in order. */
  binds(): ReceivedRequest[];
  /** Connections on which something other than LDAP arrived in clear (a TLS hello, say). */
  readonly undecodable: number;
  /** Closes every open connection (as a restarting server does), and keeps listening. */
  disconnect(): void;
  close(): Promise<void>;
}

export type Responder = (message: RequestMessage, secure: boolean) => Reply;

/** Answers binds with success for `password` and invalidCredentials otherwise; StartTLS honoured. */
export function bindAnswers(password: string, diagnostic = ''): Responder {
  return ({ request }) => {
    if (request.type === 'extended' && request.oid === START_TLS_OID) return 'startTls';
    if (request.type !== 'bind') return undefined;
    const given = request.auth.method === 'simple' ? Buffer.from(request.auth.password).toString() : '';
    return given === password
      ? { type: 'bindResponse', resultCode: 0 }
      : { type: 'bindResponse', resultCode: 49, diagnosticMessage: diagnostic };
  };
}

/** Listens on a free loopback port (or `port`, to bring a server back where it was). */
export async function startFakeLdapServer(respond: Responder, port = 0): Promise<FakeLdapServer> {
  const sockets = new Set<Socket>();
  const requests: ReceivedRequest[] = [];
  let accepted = 0;
  let maxOpen = 0;
  let undecodable = 0;
  const ca = ensureTestCa();

  const serve = (socket: Socket, connection: number, secure: boolean): void => {
    const frames = new FrameReader(1 << 20);
    const onData = (chunk: Buffer): void => {
      try {
        frames.push(chunk);
      } catch {
        // Not LDAP: stop reading but keep the socket open, as a stuck server would.
        undecodable++;
        socket.removeListener('data', onData);
        return;
      }
      for (let frame = frames.next(); frame; frame = frames.next()) {
        const message = decodeRequest(frame, { maxFilterDepth: 100, maxFilterNodes: 1000 });
        requests.push({ connection, secure, message });
        const reply = respond(message, secure);
        if (reply === undefined) continue;
        if (reply === 'close') {
          socket.destroy();
          return;
        }
        if (reply === 'startTls') {
          socket.write(
            encodeResponse({
              messageId: message.messageId,
              response: { type: 'extendedResponse', resultCode: 0, responseName: START_TLS_OID },
            }),
          );
          // The client's hello comes only after it reads this answer: nothing is buffered yet.
          socket.removeListener('data', onData);
          const secured = new TLSSocket(socket, {
            isServer: true,
            cert: readFileSync(ca.serverCert),
            key: readFileSync(ca.serverKey),
          });
          secured.on('error', () => undefined);
          serve(secured, connection, true);
          return;
        }
        socket.write(encodeResponse({ messageId: message.messageId, response: reply }));
      }
    };
    socket.on('data', onData);
  };

  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, accepted, false);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `ldap://127.0.0.1:${bound}`,
    port: bound,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    requests,
    binds: () => requests.filter((r) => r.message.request.type === 'bind'),
    get undecodable() {
      return undecodable;
    },
    disconnect: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until `condition` holds; fails after `ms` (a liveness bound, not a timing assertion). */
export async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
