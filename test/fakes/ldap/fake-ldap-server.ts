/**
 * The one scripted LDAP server of the tests: for what the ldap source's connection handling does
 * (StartTLS, dropped connections, bind answers, failover, what it sends), which real servers cannot
 * be made to show on demand. Each request is decoded with dirbridge's own decoder and recorded with
 * its bytes, its connection and whether it came inside TLS, then answered as the script says, or
 * never. It answers what it is told and evaluates nothing: what a directory answers is tested
 * against real slapd and Samba in test/e2e.
 *
 * Plain (`ldap://`, StartTLS on request) or TLS from the first byte (`ldaps://`), with a test CA's
 * server certificate; it can drop its connections, stop listening and listen again on its port.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { ensureTestCa, type TestCa } from '../../../scripts/test-backends/test-ca.js';
import type { Filter } from '../../../src/filter/ast.js';
import { FrameReader } from '../../../src/protocol/frame-reader.js';
import type { Control, RequestMessage, Response, SearchRequest } from '../../../src/protocol/messages.js';
import { decodeRequest } from '../../../src/protocol/request-decoder.js';
import { encodeResponse } from '../../../src/protocol/response-encoder.js';
import { directoryAnswers } from './responders.js';

export const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

/** Generous: the filters under test are a backend's, bounded by what dirbridge sends. */
const DECODE_LIMITS = { maxFilterDepth: 256, maxFilterNodes: 10_000 };
const MAX_FRAME_BYTES = 1 << 20;

export interface ReceivedRequest {
  /** Which accepted connection it came on, from 1. */
  readonly connection: number;
  /** Whether it came inside TLS (ldaps://, or after StartTLS). */
  readonly secure: boolean;
  readonly message: RequestMessage;
  /** The request as it arrived: for what the decoder turns into text (binary assertion values). */
  readonly frame: Uint8Array;
}

/** One response and the controls sent with it (the paged results control on searchResultDone). */
export interface Answer {
  readonly response: Response;
  readonly controls?: readonly Control[];
}

/**
 * What the server does with a request: send the response or responses given, in order;
 * `undefined` sends nothing, ever; `close` drops the connection; `startTls` answers success and
 * then expects a TLS handshake on the same socket.
 */
export type Reply = Response | Answer | readonly (Response | Answer)[] | 'close' | 'startTls' | undefined;

export type Responder = (message: RequestMessage, secure: boolean) => Reply;

export interface FakeLdapServerOptions {
  /** The port to listen on, to bring a server back where one was; default a free one. */
  readonly port?: number;
  /** `ldaps`: TLS from the first byte. Default `ldap`: plain, with StartTLS when the script says so. */
  readonly protocol?: 'ldap' | 'ldaps';
  /** Whose server certificate TLS presents; default the shared test CA (scripts/test-backends). */
  readonly ca?: TestCa;
}

export interface FakeLdapServer {
  readonly url: string;
  readonly port: number;
  /** The script. A test may replace it at any time: later requests follow the new one. */
  respond: Responder;
  /** Connections accepted so far (for ldaps://, those whose TLS handshake completed). */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Most connections that were open at once. */
  readonly maxOpen: number;
  /** Connections on which something other than LDAP arrived (a TLS hello in clear, say). */
  readonly undecodable: number;
  readonly requests: readonly ReceivedRequest[];
  /** The bind requests received, in order. */
  binds(): ReceivedRequest[];
  /** The search requests received, in order. */
  searches(): ReceivedRequest[];
  /** The filter of every search received, as it came off the wire. */
  filters(): Filter[];
  /** Closes every open connection (as a restarting server, or AD with idle ones, does); keeps listening. */
  disconnect(): void;
  /** Stops listening and closes every connection: connects are refused until `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** Listens on a loopback port; answers as `respond` says (default: directoryAnswers()). */
export async function startFakeLdapServer(
  respond: Responder = directoryAnswers(),
  options: FakeLdapServerOptions = {},
): Promise<FakeLdapServer> {
  const ca = options.ca ?? ensureTestCa();
  const certificate = { cert: readFileSync(ca.serverCert), key: readFileSync(ca.serverKey) };
  const ldaps = options.protocol === 'ldaps';
  const sockets = new Set<Socket>();
  const requests: ReceivedRequest[] = [];
  let accepted = 0;
  let maxOpen = 0;
  let undecodable = 0;

  const serve = (socket: Socket, connection: number, secure: boolean): void => {
    const frames = new FrameReader(MAX_FRAME_BYTES);
    // Not LDAP: stop reading but keep the socket open, as a stuck server would.
    const garbage = (): void => {
      undecodable++;
      socket.removeListener('data', onData);
    };
    const onData = (chunk: Buffer): void => {
      try {
        frames.push(chunk);
      } catch {
        garbage();
        return;
      }
      for (let frame = frames.next(); frame; frame = frames.next()) {
        let message: RequestMessage;
        try {
          message = decodeRequest(frame, DECODE_LIMITS);
        } catch {
          garbage();
          return;
        }
        requests.push({ connection, secure, message, frame: Uint8Array.from(frame) });
        const reply = fake.respond(message, secure);
        if (reply === undefined) continue;
        if (reply === 'close') {
          socket.destroy();
          return;
        }
        if (reply === 'startTls') {
          socket.removeListener('data', onData);
          startTls(socket, message.messageId, (secured) => serve(secured, connection, true));
          return;
        }
        for (const { response, controls } of answers(reply)) {
          socket.write(encodeResponse({ messageId: message.messageId, response, controls: [...controls] }));
        }
      }
    };
    socket.on('data', onData);
  };

  /** Answers the StartTLS request in clear, then takes the same socket over with TLS. */
  const startTls = (socket: Socket, messageId: number, secured: (socket: TLSSocket) => void): void => {
    socket.write(
      encodeResponse({
        messageId,
        response: { type: 'extendedResponse', resultCode: 0, responseName: START_TLS_OID },
      }),
    );
    // The client's hello comes only after it reads this answer: nothing of it is buffered yet.
    const tls = new TLSSocket(socket, { isServer: true, ...certificate });
    tls.on('error', () => undefined);
    secured(tls);
  };

  const accept = (socket: Socket): void => {
    accepted++;
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, accepted, ldaps);
  };
  const server: Server = ldaps
    ? createTlsServer(certificate, accept).on('tlsClientError', () => undefined)
    : createServer(accept);
  await listen(server, options.port ?? 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const disconnect = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const searches = (): ReceivedRequest[] => requests.filter((r) => r.message.request.type === 'search');
  const fake: FakeLdapServer = {
    url: `${ldaps ? 'ldaps' : 'ldap'}://127.0.0.1:${port}`,
    port,
    respond,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    get undecodable() {
      return undecodable;
    },
    requests,
    binds: () => requests.filter((r) => r.message.request.type === 'bind'),
    searches,
    filters: () => searches().map((r) => (r.message.request as SearchRequest).filter),
    disconnect,
    async stop() {
      disconnect();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
    async start() {
      if (!server.listening) await listen(server, port);
    },
  };
  return fake;
}

/** A reply as the responses to write, in order. */
function answers(reply: Response | Answer | readonly (Response | Answer)[]): Required<Answer>[] {
  const list: readonly (Response | Answer)[] = Array.isArray(reply) ? reply : [reply as Response | Answer];
  return list.map((item) =>
    'response' in item
      ? { response: item.response, controls: item.controls ?? [] }
      : { response: item, controls: [] },
  );
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
