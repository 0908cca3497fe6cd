/**
 * The fake's HTTP(S) listeners on 127.0.0.1. Closing destroys every open socket, including the ones
 * a hang left waiting, so a test never waits for a request that will not be answered.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
) => Promise<void>;

export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
}

export interface Listener {
  readonly origin: string;
  close(): Promise<void>;
}

/** Requests above this size are refused, as IIS's maxAllowedContentLength would. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function listen(
  handler: RequestHandler,
  host: string,
  tls: TlsFiles | undefined,
): Promise<Listener> {
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    readBody(request)
      .then(
        (body) => handler(request, response, body),
        () => {
          response.statusCode = 413;
          response.end();
        },
      )
      .catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
  };
  const server: Server = tls === undefined ? createHttpServer(onRequest) : createHttpsServer(tls, onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
