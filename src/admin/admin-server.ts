/**
 * The admin HTTP listener (`admin.listen`): `/metrics` for Prometheus, `/healthz` (the process
 * answers), `/readyz` (every source serves, readiness.ts) and the status page (status-routes.ts).
 * Read-only and small: GET and HEAD, and one POST (the status page's test bind, a bounded form).
 * With `admin.token` every path but `/healthz` asks for it (admin-token.ts): as a bearer token, or,
 * for the status page, which a browser opens, as the password of HTTP Basic. Without a token it
 * answers only requests addressed to an IP address, `localhost` or a name in `admin.hosts`
 * (host-check.ts: DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { AdminToken } from './admin-token.js';
import { FormBodyError } from './form-body.js';
import { HostCheck } from './host-check.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { STATUS_PAGE_CSP } from './status-page.js';
import { isStatusPath, statusMethods, type StatusAnswer, type StatusPage } from './status-routes.js';

export interface AdminServerOptions {
  /** `http://host:port`. */
  readonly listen: string;
  readonly token?: string;
  /** DNS names a request may address when there is no token (`admin.hosts`). */
  readonly hosts?: readonly string[];
  readonly metrics: Metrics;
  readonly readiness: () => Readiness;
  /** The status page; absent, its paths are not served. */
  readonly status?: Pick<StatusPage, 'answer'>;
  readonly logger: Logger;
  /** How long a request (headers and body) may take to arrive; tests pass a short one. */
  readonly requestTimeoutMs?: number;
}

/** A scraper or a probe needs a few connections; more is someone else. */
const MAX_CONNECTIONS = 32;
const REQUEST_TIMEOUT_MS = 10_000;

export class AdminServerError extends Error {
  override name = 'AdminServerError';
}

export class AdminServer {
  readonly #server: Server;
  readonly #token: AdminToken;
  readonly #hosts: HostCheck | undefined;

  constructor(private readonly options: AdminServerOptions) {
    this.#token = new AdminToken(options.token);
    this.#hosts = options.token === undefined ? new HostCheck(options.hosts ?? []) : undefined;
    const timeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.#server = createServer(
      // Node looks for requests past their time every `connectionsCheckingInterval` (30 s by default).
      {
        requestTimeout: timeout,
        headersTimeout: timeout,
        connectionsCheckingInterval: Math.min(1000, timeout / 2),
      },
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
    const url = new URL(request.url ?? '/', 'http://admin.invalid');
    const path = url.pathname;
    const page = this.options.status !== undefined && isStatusPath(path);
    const methods = page ? statusMethods(path) : ['GET', 'HEAD'];
    if (!methods.includes(request.method ?? '')) {
      response.setHeader('allow', methods.join(', '));
      return send(response, 405, 'text/plain', `only ${methods.join(' and ')}\n`);
    }
    if (path === '/healthz') return send(response, 200, 'text/plain', 'ok\n');
    const misdirected = this.#hosts?.refusal(request.headers.host);
    if (misdirected !== undefined) return send(response, 403, 'text/plain', `${misdirected}\n`);
    if (!this.#token.allows(request.headers.authorization)) {
      // A browser asks its user for Basic credentials; a scraper is told to send its bearer token.
      response.setHeader('www-authenticate', page ? 'Basic realm="dirbridge"' : 'Bearer realm="dirbridge"');
      return send(response, 401, 'text/plain', 'the admin token is needed (admin.token)\n');
    }
    if (page) return this.#statusPage(request, response, path, url.searchParams);
    if (path === '/readyz') {
      const verdict = this.options.readiness();
      return send(response, verdict.ready ? 200 : 503, 'application/json', `${JSON.stringify(verdict)}\n`);
    }
    if (path === '/metrics') {
      const { body, contentType } = await this.options.metrics.exposition();
      return send(response, 200, contentType, body);
    }
    const served = this.options.status
      ? '/metrics, /healthz, /readyz and /status'
      : '/metrics, /healthz and /readyz';
    return send(response, 404, 'text/plain', `not found: ${served} are served\n`);
  }

  async #statusPage(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    let answer: StatusAnswer;
    try {
      answer = await this.options.status!.answer({
        request,
        path,
        query,
        signal: gone.signal,
        throttled: () => this.options.metrics.bindThrottled(),
        logger: this.options.logger,
      });
    } catch (error) {
      if (!(error instanceof FormBodyError)) throw error;
      // The rest of the body is not read: the connection goes with the answer.
      response.setHeader('connection', 'close');
      return send(response, error.status, 'text/plain', `${error.message}\n`);
    }
    if (answer.kind === 'refused') return send(response, answer.status, 'text/plain', `${answer.message}\n`);
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': STATUS_PAGE_CSP,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      // Not no-referrer: under it a browser sends `Origin: null` with the bind form, which same-origin.ts refuses.
      'referrer-policy': 'same-origin',
    });
    response.end(request.method === 'HEAD' ? undefined : answer.html);
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function parseListen(listen: string): { hostname: string; port: number } {
  const url = new URL(listen);
  // URL drops a port equal to the scheme's default.
  return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 80 : Number(url.port) };
}
