/**
 * The admin HTTP listener (`admin.listen`): `/metrics` for Prometheus, `/healthz` (the process
 * answers) and `/readyz` (every source serves, readiness.ts). Read-only and small: GET and HEAD
 * only, nothing read from a request but its path and its Authorization header. With `admin.token`
 * every path but `/healthz` asks for it as a bearer token, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface AdminServerOptions {
  /** `http://host:port`. */
  readonly listen: string;
  readonly token?: string;
  readonly metrics: Metrics;
  readonly readiness: () => Readiness;
  readonly logger: Logger;
}

/** A scraper or a probe needs a few connections; more is someone else. */
const MAX_CONNECTIONS = 32;
const REQUEST_TIMEOUT_MS = 10_000;

export class AdminServerError extends Error {
  override name = 'AdminServerError';
}

export class AdminServer {
  readonly #server: Server;
  readonly #token: Buffer | undefined;

  constructor(private readonly options: AdminServerOptions) {
    this.#token = options.token === undefined ? undefined : digest(options.token);
    this.#server = createServer(
      { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS },
      (request, response) => {
        this.#answer(request, response).catch((error: unknown) => {
          options.logger.error({ err: error, path: request.url }, 'admin listener: cannot answer');
          if (!response.headersSent) send(response, 500, 'text/plain', 'internal error\n');
          else response.destroy();
        });
      },
    );
    this.#server.maxConnections = MAX_CONNECTIONS;
  }

  /** Listens; resolves with the address it got (port 0 picks one), or an AdminServerError naming the URL. */
  async start(): Promise<{ readonly host: string; readonly port: number }> {
    const { hostname, port } = parseListen(this.options.listen);
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void =>
        reject(
          new AdminServerError(
            `admin.listen: cannot listen on ${this.options.listen}: ${error.code ?? error.message}`,
            { cause: error },
          ),
        );
      this.#server.once('error', failed);
      this.#server.listen(port, hostname, () => {
        this.#server.off('error', failed);
        resolve();
      });
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') return { host: hostname, port };
    return { host: address.address, port: address.port };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(response, 405, 'text/plain', 'only GET and HEAD\n');
    }
    const path = new URL(request.url ?? '/', 'http://admin.invalid').pathname;
    if (path === '/healthz') return send(response, 200, 'text/plain', 'ok\n');
    if (!this.#authorized(request)) {
      response.setHeader('www-authenticate', 'Bearer realm="dirbridge"');
      return send(response, 401, 'text/plain', 'a bearer token is needed (admin.token)\n');
    }
    if (path === '/readyz') {
      const verdict = this.options.readiness();
      return send(response, verdict.ready ? 200 : 503, 'application/json', `${JSON.stringify(verdict)}\n`);
    }
    if (path === '/metrics') {
      const { body, contentType } = await this.options.metrics.exposition();
      return send(response, 200, contentType, body);
    }
    return send(response, 404, 'text/plain', 'not found: /metrics, /healthz and /readyz are served\n');
  }

  #authorized(request: IncomingMessage): boolean {
    if (this.#token === undefined) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), this.#token);
  }
}

/** Equal-length digests, so the comparison's time says nothing about the token's length either. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function parseListen(listen: string): { hostname: string; port: number } {
  const url = new URL(listen);
  // URL drops a port equal to the scheme's default.
  return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 80 : Number(url.port) };
}
