/**
 * One client connection: frames and decodes its requests, runs each operation concurrently, and
 * writes responses with backpressure. Bad input ends in an LDAP error for that operation or in a
 * Notice of Disconnection and a closed socket — never an exception that escapes, never a hang.
 */
import type { Socket } from 'node:net';
import { ANONYMOUS, type Identity } from '../auth/identity.js';
import { FilterLimitError } from '../protocol/filter-decoder.js';
import { FrameError, FrameReader } from '../protocol/frame-reader.js';
import type { Control, Request, RequestMessage, Response } from '../protocol/messages.js';
import { noticeOfDisconnection } from '../protocol/notice-of-disconnection.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { decodeRequest } from '../protocol/request-decoder.js';
import { encodeResponse } from '../protocol/response-encoder.js';
import { ResultCode } from '../protocol/result-codes.js';
import { logOperation } from '../observability/operation-log.js';
import { bind } from './bind-operation.js';
import { compare } from './compare-operation.js';
import { extended } from './extended-operation.js';
import type { Operation } from './operation.js';
import { PagedSearches } from './paged-searches.js';
import { search } from './search-operation.js';
import type { SessionServices } from './services.js';
import { MANAGE_DSA_IT_OID } from './supported.js';
import { PAGED_RESULTS_OID } from '../protocol/paged-results-control.js';

/** What an operation's log line reports, gathered as its responses go out. */
interface Tally {
  resultCode: number | undefined;
  entries: number;
  readonly started: number;
}

/** Operations one connection may have running before we stop reading from it. */
const MAX_OUTSTANDING = 64;

/** How long a closing connection may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

const RESPONSE_TYPE: Readonly<Record<Request['type'], Response['type'] | undefined>> = {
  bind: 'bindResponse',
  unbind: undefined,
  search: 'searchResultDone',
  compare: 'compareResponse',
  abandon: undefined,
  extended: 'extendedResponse',
  add: 'addResponse',
  delete: 'delResponse',
  modify: 'modifyResponse',
  modifyDN: 'modDNResponse',
};

/** Controls each operation understands; any other critical control answers 12 (RFC 4511 4.1.11). */
const KNOWN_CONTROLS: Readonly<Partial<Record<Request['type'], readonly string[]>>> = {
  search: [PAGED_RESULTS_OID, MANAGE_DSA_IT_OID],
};

export class Session {
  #identity: Identity = ANONYMOUS;
  /** Plain TCP until TLS comes: listeners are ldap:// only so far. */
  readonly #secure = false;
  readonly #frames: FrameReader;
  readonly #outstanding = new Map<number, AbortController>();
  readonly #paged = new PagedSearches();
  #closing = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly services: SessionServices,
  ) {
    this.#frames = new FrameReader(services.limits.maxRequestBytes);
  }

  get peer(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }

  start(): void {
    const { socket } = this;
    socket.setNoDelay(true);
    socket.setTimeout(this.services.limits.idleTimeout * 1000);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('timeout', () => {
      if (this.#outstanding.size === 0) this.#close();
    });
    socket.on('error', (error) =>
      this.services.logger.debug({ conn: this.id, err: error.message }, 'socket error'),
    );
    socket.on('close', () => this.#teardown());
  }

  get #open(): boolean {
    return !this.#closing;
  }

  /** Ends the session from the server's side (shutdown). */
  shutdown(): void {
    this.#disconnect(ResultCode.unavailable, 'server shutting down');
  }

  #onData(chunk: Buffer): void {
    try {
      if (this.#closing) return;
      this.#frames.push(chunk);
      // Handling a frame may close the session (unbind, a fatal error): stop at once when it does.
      for (let frame = this.#frames.next(); frame && this.#open; frame = this.#frames.next()) {
        this.#onFrame(frame);
      }
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.#disconnect(ResultCode.protocolError, error.message);
    }
  }

  #onFrame(frame: Uint8Array): void {
    let message: RequestMessage;
    try {
      message = decodeRequest(frame, this.services.limits);
    } catch (error) {
      this.#rejectFrame(error);
      return;
    }
    this.#dispatch(message);
  }

  /** A frame that did not decode: answer its operation when we know which, else disconnect. */
  #rejectFrame(error: unknown): void {
    if (error instanceof FilterLimitError && error.messageId !== undefined) {
      void this.#send(
        error.messageId,
        resultFor('searchResultDone', ResultCode.adminLimitExceeded, error.message),
      );
      return;
    }
    // A malformed abandon has no response and abandons nothing; the session goes on.
    if (error instanceof ProtocolError && error.operation === 'abandon') return;
    if (error instanceof ProtocolError && error.messageId !== undefined && error.operation !== undefined) {
      const type = RESPONSE_TYPE[error.operation];
      if (type !== undefined) {
        void this.#send(error.messageId, resultFor(type, ResultCode.protocolError, error.message));
        return;
      }
    }
    const reason = error instanceof Error ? error.message : String(error);
    this.services.logger.debug({ conn: this.id, peer: this.peer, reason }, 'undecodable request');
    this.#disconnect(ResultCode.protocolError, reason);
  }

  #dispatch(message: RequestMessage): void {
    const { request } = message;
    if (request.type === 'unbind' || request.type === 'abandon') {
      // Neither has a response; both are logged as they take effect.
      this.#log(message, this.#identity.bindName, {
        resultCode: undefined,
        entries: 0,
        started: performance.now(),
      });
      if (request.type === 'unbind') this.#close();
      else this.#outstanding.get(request.abandonId)?.abort(new Error('abandoned'));
      return;
    }
    const responseType = RESPONSE_TYPE[request.type]!;
    const unsupported = unsupportedCriticalControl(request.type, message.controls);
    if (unsupported) {
      const text = `critical control ${unsupported} is not supported`;
      void this.#send(
        message.messageId,
        resultFor(responseType, ResultCode.unavailableCriticalExtension, text),
      );
      return;
    }
    void this.#run(message, responseType);
  }

  async #run(message: RequestMessage, responseType: Response['type']): Promise<void> {
    const controller = new AbortController();
    // A reused message id replaces the old entry; abandon then targets the newest, as clients expect.
    this.#outstanding.set(message.messageId, controller);
    if (this.#outstanding.size >= MAX_OUTSTANDING) this.socket.pause();
    const tally: Tally = { resultCode: undefined, entries: 0, started: performance.now() };
    const bound = this.#identity.bindName;
    const op = this.#operation(message, controller.signal, tally);
    try {
      await this.#perform(op);
    } catch (error) {
      this.services.logger.error({ conn: this.id, err: error }, 'operation failed');
      if (!controller.signal.aborted) {
        await op.send(resultFor(responseType, ResultCode.other, 'internal error'));
      }
    } finally {
      if (this.#outstanding.get(message.messageId) === controller)
        this.#outstanding.delete(message.messageId);
      if (this.#outstanding.size < MAX_OUTSTANDING && !this.#closing) this.socket.resume();
      this.#log(message, bound, tally);
    }
  }

  #log(message: RequestMessage, bound: string, tally: Tally): void {
    logOperation(this.services.logger, {
      conn: this.id,
      peer: this.peer,
      bound,
      msgid: message.messageId,
      request: message.request,
      resultCode: tally.resultCode,
      entries: tally.entries,
      ms: Math.round((performance.now() - tally.started) * 10) / 10,
    });
  }

  async #perform(op: Operation): Promise<void> {
    const { request } = op.message;
    switch (request.type) {
      case 'bind': {
        this.#paged.closeAll();
        this.#identity = ANONYMOUS;
        this.#identity = (await bind(op as Operation<typeof request>)) ?? ANONYMOUS;
        return;
      }
      case 'search':
        return search(op as Operation<typeof request>);
      case 'compare':
        return compare(op as Operation<typeof request>);
      case 'extended':
        return extended(op as Operation<typeof request>);
      case 'add':
      case 'delete':
      case 'modify':
      case 'modifyDN':
        return op.send(
          resultFor(
            RESPONSE_TYPE[request.type]!,
            ResultCode.unwillingToPerform,
            'dirbridge is a read-only directory',
          ),
        );
      case 'unbind':
      case 'abandon':
        return;
    }
  }

  #operation(message: RequestMessage, signal: AbortSignal, tally: Tally): Operation {
    return {
      message,
      services: this.services,
      identity: this.#identity,
      connection: { id: this.id, remoteAddress: this.socket.remoteAddress ?? '', secure: this.#secure },
      paged: this.#paged,
      signal,
      send: (response, controls) => {
        if (response.type === 'searchResultEntry') tally.entries++;
        else if ('resultCode' in response) tally.resultCode = response.resultCode;
        return this.#send(message.messageId, response, controls);
      },
    };
  }

  async #send(messageId: number, response: Response, controls?: readonly Control[]): Promise<void> {
    if (this.#closing || this.socket.destroyed) return;
    const bytes = encodeResponse({ messageId, response, ...(controls ? { controls } : {}) });
    if (!this.socket.write(bytes)) await this.#drained();
  }

  /** Resolves when the socket can take more, or is gone. */
  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** RFC 4511 4.4.1: tell the client why, then close. */
  #disconnect(resultCode: number, message: string): void {
    if (this.#closing) return;
    if (!this.socket.destroyed) this.socket.write(noticeOfDisconnection(resultCode, message));
    this.#close();
  }

  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#teardown();
    this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  #teardown(): void {
    for (const controller of this.#outstanding.values()) controller.abort(new Error('connection closed'));
    this.#outstanding.clear();
    this.#paged.closeAll();
  }
}

function resultFor(type: Response['type'], resultCode: number, diagnosticMessage: string): Response {
  return { type, resultCode, matchedDN: '', diagnosticMessage } as Response;
}

function unsupportedCriticalControl(type: Request['type'], controls: readonly Control[]): string | undefined {
  const known = KNOWN_CONTROLS[type] ?? [MANAGE_DSA_IT_OID];
  return controls.find((c) => c.critical && !known.includes(c.oid))?.oid;
}
