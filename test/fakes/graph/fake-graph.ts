/**
 * A local, faithful stand-in for Microsoft Graph v1.0 and the Entra ID v2 token endpoint, served
 * over HTTPS on 127.0.0.1 (an ephemeral port) with the project's test CA, since the Graph client
 * only sends tokens to, and only follows nextLinks on, https URLs (CLOUD-APIS.md §1.1).
 *
 *   const fake = await FakeGraph.start();
 *   fake.seed({ users: 5000, orgContacts: 50, mailboxes: 2, contactsPerMailbox: 30 });
 *   fake.directory.disableUser(id);            // data control, between delta rounds
 *   fake.faults.throttle({ match: '/v1.0/users', times: 2 });   // 429 + Retry-After: 0
 *   fake.tokens.expireAll();                   // the next Graph call with an old token is a 401
 *   fake.requests.to('/v1.0/users/delta');     // what the client sent
 *   await fake.close();
 *
 * Each request is recorded, then faults are applied, then it is routed; the answer is written after
 * any injected latency.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ensureTestCa } from '../../../scripts/test-backends/test-ca.js';
import { AccessTokens } from './access-tokens.js';
import { DeltaEngine, type ExpiredTokenShape } from './delta-feed.js';
import { DirectoryControl } from './directory-control.js';
import { seedDirectory, type SeedOptions, type SeedSummary } from './directory-seeding.js';
import type { GraphGroup, GraphUser, OrgContact } from './directory-model.js';
import { faultReply, Faults } from './faults.js';
import { graphErrorBody, type RequestIds } from './graph-errors.js';
import type { GraphSettings, GraphState } from './graph-state.js';
import { jsonReply, type HttpReply } from './http-reply.js';
import { Identity, type IdentityOptions } from './identity.js';
import { MailboxConcurrency } from './mailbox-concurrency.js';
import { MailboxStore } from './mailbox-store.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { isTokenEndpoint, route } from './router.js';
import { TokenSealer } from './signed-tokens.js';
import { TrackedCollection } from './tracked-collection.js';

export interface FakeGraphOptions extends IdentityOptions {
  /** `expires_in` of issued access tokens, in seconds (Entra ID: 3599). */
  readonly tokenLifetimeSeconds?: number;
  /** Users or orgContacts per page of a delta round (default 100). */
  readonly deltaPageSize?: number;
  /** Contacts per page of a folder's delta round without `Prefer: odata.maxpagesize` (default 10). */
  readonly mailboxDeltaPageSize?: number;
  /** Requests in flight per mailbox before 429 ApplicationThrottled (Exchange: 4). */
  readonly mailboxConcurrencyLimit?: number;
  /** Retry-After of the mailbox concurrency 429, in seconds (default 0, so tests never sleep). */
  readonly mailboxRetryAfterSeconds?: number;
  /** How an expired or unknown delta token is refused (default 400 syncStateNotFound). */
  readonly expiredDeltaTokenShape?: ExpiredTokenShape;
}

const MAX_BODY_BYTES = 1 << 20;

export class FakeGraph {
  readonly identity: Identity;
  readonly tokens: AccessTokens;
  readonly directory: DirectoryControl;
  readonly mailboxes = new MailboxStore();
  readonly faults = new Faults();
  readonly requests = new RequestLog();
  readonly delta: DeltaEngine;
  readonly concurrency: MailboxConcurrency;
  readonly settings: GraphSettings;
  /** The test CA's certificate (PEM): what a client must trust. */
  readonly caCert: string;

  readonly #state: GraphState;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(options: FakeGraphOptions) {
    const ca = ensureTestCa();
    this.caCert = readFileSync(ca.caCert, 'utf8');
    this.identity = new Identity(options);
    this.tokens = new AccessTokens(options.tokenLifetimeSeconds ?? 3599);
    const sealer = new TokenSealer();
    this.delta = new DeltaEngine(sealer);
    this.delta.expiredShape = options.expiredDeltaTokenShape ?? 'syncStateNotFound';
    this.concurrency = new MailboxConcurrency(
      options.mailboxConcurrencyLimit ?? 4,
      options.mailboxRetryAfterSeconds ?? 0,
    );
    this.settings = {
      deltaPageSize: options.deltaPageSize ?? 100,
      mailboxDeltaPageSize: options.mailboxDeltaPageSize ?? 10,
    };
    const users = new TrackedCollection<GraphUser>();
    const orgContacts = new TrackedCollection<OrgContact>();
    const groups = new TrackedCollection<GraphGroup>();
    this.directory = new DirectoryControl(users, orgContacts, groups);
    this.#state = {
      identity: this.identity,
      tokens: this.tokens,
      users,
      orgContacts,
      groups,
      mailboxes: this.mailboxes,
      concurrency: this.concurrency,
      sealer,
      delta: this.delta,
      settings: this.settings,
    };
    this.#server = createServer(
      { cert: readFileSync(ca.serverCert), key: readFileSync(ca.serverKey) },
      (request, response) => {
        this.#handle(request, response).catch((error: unknown) => this.#crash(response, error));
      },
    );
    // Raw TCP sockets, so a connection still in its TLS handshake is closed too.
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: FakeGraphOptions = {}): Promise<FakeGraph> {
    const fake = new FakeGraph(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject);
      fake.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = fake.#server.address();
    if (address === null || typeof address === 'string') throw new Error('The Graph fake has no port');
    fake.#port = address.port;
    return fake;
  }

  get port(): number {
    return this.#port;
  }

  /** `https://127.0.0.1:PORT`: the Graph client's `baseUrl` (it appends `v1.0`) and the login host. */
  get url(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  get graphUrl(): string {
    return `${this.url}/v1.0`;
  }

  get tenantId(): string {
    return this.identity.tenantId;
  }

  /** The token endpoint for a tenant segment (default: the tenant id). */
  tokenUrl(tenant: string = this.identity.tenantId): string {
    return `${this.url}/${tenant}/oauth2/v2.0/token`;
  }

  /** Adds generated users, orgContacts and mailboxes (deterministic per seed). */
  seed(options: SeedOptions = {}): SeedSummary {
    return seedDirectory(this.directory, this.mailboxes, options);
  }

  /** Stops listening and destroys every connection, hung requests included. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Closes every open connection abruptly (as a restarting front end would) and keeps listening. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'https://fake.invalid');
    const headers = lowerCaseHeaders(request);
    const record = this.requests.record({
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
    const ids: RequestIds = {
      requestId: randomUUID(),
      clientRequestId: headers['client-request-id'] ?? randomUUID(),
    };
    const fault = this.faults.take(record);
    if (fault?.kind === 'hang') {
      this.requests.settle(record, 'hung');
      return;
    }
    if (fault?.kind === 'abort') {
      this.requests.settle(record, 'aborted');
      request.socket.destroy();
      return;
    }
    const reply =
      fault?.kind === 'status'
        ? faultReply(fault, ids, isTokenEndpoint(url.pathname), this.identity.tenantId)
        : route(
            {
              method: record.method,
              path: url.pathname,
              query: systemOptionsLowerCased(url.searchParams),
              headers,
              body,
              origin: `https://${headers.host ?? `127.0.0.1:${this.#port}`}`,
              ids,
            },
            this.#state,
          );
    await this.#send(response, record, reply, ids);
  }

  async #send(
    response: ServerResponse,
    record: RecordedRequest,
    reply: HttpReply,
    ids: RequestIds,
  ): Promise<void> {
    const release = reply.release ?? (() => undefined);
    response.once('close', release);
    const delay = this.faults.delayFor(record);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.destroyed) {
      this.requests.settle(record, 'aborted');
      return;
    }
    const graphHeaders = record.path.startsWith('/v1.0')
      ? {
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
          'x-ms-ags-diagnostic': AGS_DIAGNOSTIC,
        }
      : {};
    response.writeHead(reply.status, { ...graphHeaders, ...reply.headers });
    response.end(reply.body);
    // Handed to the socket: the slot is free before the client can read the answer.
    release();
    this.requests.settle(record, reply.status);
  }

  /** A bug in the fake: answer 500 with what broke, rather than hang the client under test. */
  #crash(response: ServerResponse, error: unknown): void {
    if (response.headersSent || response.destroyed) return;
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    const reply = jsonReply(
      500,
      graphErrorBody('generalException', `Graph fake failure: ${message}`, {
        requestId: randomUUID(),
        clientRequestId: randomUUID(),
      }),
    );
    response.writeHead(reply.status, reply.headers);
    response.end(reply.body);
  }
}

const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: 'Local', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'FAKE' },
});

/** Graph reads OData system query options case-insensitively (`$deltaToken=latest`, `$Select`). */
function systemOptionsLowerCased(query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [name, value] of query) out.append(name.startsWith('$') ? name.toLowerCase() : name, value);
  return out;
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large for the Graph fake');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
