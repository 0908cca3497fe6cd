/**
 * One client connection: frames and decodes its requests, runs each operation concurrently, and
 * writes responses with backpressure. Bad input ends in an LDAP error for that operation or in a
 * Notice of Disconnection and a closed socket — never an exception that escapes, never a hang.
 * What one connection may cost is bounded: at most MAX_OUTSTANDING operations, at most
 * `limits.maxQueuedBytes` of responses waiting (src/session/output-gate.ts), and a client that stops
 * reading them is dropped after `limits.writeTimeout` (src/session/write-watchdog.ts).
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
import { handshakeTimeoutMs, serverHandshake } from '../protocol/tls-context.js';
import { logOperation } from '../observability/operation-log.js';
import { bind } from './bind-operation.js';
import { Cancellation } from './cancellation.js';
import { compare } from './compare-operation.js';
import { extended } from './extended-operation.js';
import { SENT, type ConnectionInfo, type Operation } from './operation.js';
import { RunningOperation, type Sender, type Tally } from './running-operation.js';
import { OutputGate } from './output-gate.js';
import { PagedSearches } from './paged-searches.js';
import { ResponseBatch } from './response-batch.js';
import { search } from './search-operation.js';
import { currentServices, type CurrentServices } from './current-services.js';
import type { SessionServices } from './services.js';
import {
  PLAIN_TRANSPORT,
  isStartTls,
  startTlsRefusal,
  startTlsResponse,
  type SessionTransport,
} from './start-tls.js';
import { MANAGE_DSA_IT_OID } from './supported.js';
import { WriteWatchdog } from './write-watchdog.js';
import { IDLE_CONNECTIONS, type IdleWatch } from './idle-connections.js';
import { PAGED_RESULTS_OID } from '../protocol/paged-results-control.js';

/** Operations one connection may have running before we stop reading from it. */
const MAX_OUTSTANDING = 64;

/** Requests of one connection started in one turn of the event loop. */
const FRAMES_PER_TURN = 16;

/**
 * Bytes of responses gathered before they are written without waiting for the end of the turn: a
 * few TCP segments' worth, so a large answer streams while it is produced (see ResponseBatch).
 */
const BATCH_FLUSH_BYTES = 64 * 1024;

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
  /** TLS from the start (LDAPS), or once StartTLS has finished its handshake. */
  #secure: boolean;
  /** Between a StartTLS request and the end of its handshake: nothing may be read. */
  #upgrading = false;
  readonly #frames: FrameReader;
  readonly #outstanding = new Map<number, Cancellation>();
  readonly #paged = new PagedSearches();
  #closing = false;
  /** Set by drain(): ends the session once no operation is under way. */
  #draining: (() => void) | undefined;
  /** Runs while a request has started to arrive but is not complete (see #armRequestDeadline). */
  #requestDeadline: NodeJS.Timeout | undefined;
  /** A turn of the event loop is booked to start the requests waiting in the frame reader. */
  #readOnPending = false;
  /** Reading is held until the output queue drains (see #holdReading). */
  #awaitingRoom = false;
  readonly #gate: OutputGate;
  readonly #watchdog: WriteWatchdog;
  /** Responses encoded this turn and not yet written (src/session/response-batch.ts). */
  readonly #batch: ResponseBatch;
  #peer: string | undefined;
  readonly #current: CurrentServices;
  #connectionInfo: ConnectionInfo | undefined;
  /** The connection on the idle clock, from start() until it closes. */
  #idle: IdleWatch | undefined;

  constructor(
    readonly id: number,
    /** The TLS socket replaces the plain one after StartTLS. */
    private socket: Socket,
    services: SessionServices | CurrentServices,
    private readonly transport: SessionTransport = PLAIN_TRANSPORT,
  ) {
    this.#current = currentServices(services);
    // The connection's own bounds are those of when it opened; a reload's apply to new connections.
    const { maxRequestBytes, maxQueuedBytes, writeTimeout } = this.#services.limits;
    this.#frames = new FrameReader(maxRequestBytes);
    this.#secure = transport.secure;
    this.#gate = new OutputGate(maxQueuedBytes);
    this.#batch = new ResponseBatch(Math.min(BATCH_FLUSH_BYTES, maxQueuedBytes), this.#writeBatch);
    this.#watchdog = new WriteWatchdog(writeTimeout * 1000, () =>
      this.#drop(`the client read nothing of its results for ${writeTimeout} s`),
    );
  }

  /** The services now; an operation takes them once, when it starts (src/session/current-services.ts). */
  get #services(): SessionServices {
    return this.#current.current;
  }

  /** The client's address and port, formatted once: every operation's log line names it. */
  get peer(): string {
    const client = this.transport.client;
    return (this.#peer ??= client
      ? `${client.address}:${client.port}`
      : `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`);
  }

  /** The client's address: the one a balancer's PROXY header named, or the socket's peer. */
  get #remoteAddress(): string {
    return this.transport.client?.address ?? this.socket.remoteAddress ?? '';
  }

  start(): void {
    this.socket.setNoDelay(true);
    this.#listen(this.socket);
  }

  /** Reads requests from `socket`: the plain one at first, the TLS one after StartTLS. */
  #listen(socket: Socket): void {
    this.#watchIdle();
    socket.on('data', this.#onChunk);
    socket.on('error', (error) =>
      this.#services.logger.debug({ conn: this.id, err: error.message }, 'socket error'),
    );
    socket.on('close', () => this.#teardown());
  }

  readonly #onChunk = (chunk: Buffer): void => this.#onData(chunk);

  /**
   * A client silent for `limits.idleTimeout` with nothing under way is closed. The quiet is counted
   * from its last request or the end of its last operation, on the process's coarse clock
   * (src/session/idle-connections.ts) rather than a socket timeout moved on every read and write.
   */
  #watchIdle(): void {
    if (this.#closing) return;
    if (this.#idle) IDLE_CONNECTIONS.touch(this.#idle);
    else this.#idle = IDLE_CONNECTIONS.watch(this.#services.limits.idleTimeout, this.#onIdle);
  }

  readonly #onIdle = (): void => {
    // The StartTLS handshake has a time limit of its own; the quiet starts again once it is done.
    if (this.#upgrading) return;
    if (this.#outstanding.size === 0) this.#close();
  };

  get #open(): boolean {
    return !this.#closing && !this.#upgrading;
  }

  /**
   * A graceful stop: no new request starts, and once the operations under way are answered the
   * client is told the server is shutting down. Resolves when that is done (or the client left).
   */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.#draining = () => {
        this.#draining = () => undefined;
        this.shutdown();
        resolve();
      };
      this.socket.pause();
      if (this.#outstanding.size === 0 || this.#closing) this.#draining();
    });
  }

  /** Ends the session from the server's side (shutdown). */
  shutdown(): void {
    this.#disconnect(ResultCode.unavailable, 'server shutting down');
  }

  #onData(chunk: Buffer): void {
    try {
      if (this.#closing || this.#upgrading) return;
      if (this.#idle) IDLE_CONNECTIONS.touch(this.#idle);
      this.#frames.push(chunk);
      this.#dispatchFrames();
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.#disconnect(ResultCode.protocolError, error.message);
    }
  }

  /**
   * Starts the requests received in full: at most FRAMES_PER_TURN, within MAX_OUTSTANDING. One chunk
   * can carry a thousand small requests, and run in one go they would hold the event loop, every
   * other connection and every timer for as long as they take; the rest wait in the frame reader,
   * with the socket paused, for a later turn of the event loop (#readOn).
   */
  #dispatchFrames(): void {
    // Handling a frame may close the session (unbind, a fatal error): stop at once when it does.
    for (let started = 0; started < FRAMES_PER_TURN && this.#mayStart(); started++) {
      const frame = this.#frames.next();
      if (!frame) break;
      this.#onFrame(frame);
      this.#clearRequestDeadline();
    }
    this.#armRequestDeadline();
    if (!this.#frames.hasFrame) return;
    this.socket.pause();
    this.#readOn();
  }

  /**
   * A request that has started to arrive must be complete within limits.requestTimeout; each complete
   * request restarts the clock. The idle timeout alone never fires for a client that trickles in a
   * byte now and then (slow loris), which would hold a connection and a partial buffer for ever.
   */
  #armRequestDeadline(): void {
    if (this.#requestDeadline || this.#frames.partialBytes === 0 || !this.#open) return;
    const seconds = this.#services.limits.requestTimeout;
    this.#requestDeadline = setTimeout(() => {
      this.#requestDeadline = undefined;
      // Reading is paused while too many operations run or the output queue is full: the rest may be
      // waiting on us, not the client.
      if (!this.#mayStart()) this.#armRequestDeadline();
      else this.#disconnect(ResultCode.adminLimitExceeded, `request not complete within ${seconds} s`);
    }, seconds * 1000).unref();
  }

  #clearRequestDeadline(): void {
    clearTimeout(this.#requestDeadline);
    this.#requestDeadline = undefined;
  }

  #onFrame(frame: Uint8Array): void {
    let message: RequestMessage;
    try {
      message = decodeRequest(frame, this.#services.limits);
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
    this.#services.logger.debug({ conn: this.id, peer: this.peer, reason }, 'undecodable request');
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
    if (isStartTls(request)) {
      this.#startTls(message);
      return;
    }
    void this.#run(message, responseType);
  }

  /** StartTLS: refused, or answered success and the socket upgraded before anything else is read. */
  #startTls(message: RequestMessage): void {
    const tally: Tally = { resultCode: undefined, entries: 0, started: performance.now() };
    const refusal = startTlsRefusal({
      offered: this.transport.tls !== undefined,
      secure: this.#secure,
      outstanding: this.#outstanding.size,
      pipelined: this.#frames.next() !== undefined || this.#frames.partialBytes > 0,
    });
    const response = refusal?.response ?? startTlsResponse(ResultCode.success);
    tally.resultCode = response.resultCode;
    this.#log(message, this.#identity.bindName, tally);
    if (refusal) {
      void this.#send(message.messageId, response);
      if (refusal.close) this.#close();
      return;
    }
    this.#upgrading = true;
    const raw = this.socket;
    // Stop reading now: whatever arrives from here on is the client's TLS handshake.
    raw.pause();
    raw.off('data', this.#onChunk);
    const bytes = encodeResponse({ messageId: message.messageId, response });
    // Answers of earlier operations first, then this one, in clear, whole, before TLS takes over.
    this.#batch.flush();
    raw.write(bytes, (error) => {
      if (!error && !this.#closing) this.#upgrade(raw);
    });
  }

  #upgrade(raw: Socket): void {
    const handshake = serverHandshake(
      raw,
      this.transport.tls!,
      handshakeTimeoutMs(this.#services.limits.idleTimeout),
    );
    this.socket = handshake.socket;
    handshake.done.then(
      () => {
        this.#secure = true;
        this.#upgrading = false;
        this.#listen(handshake.socket);
      },
      (error: unknown) =>
        this.#services.logger.info(
          { conn: this.id, peer: this.peer, err: error instanceof Error ? error.message : String(error) },
          'StartTLS handshake failed',
        ),
    );
  }

  async #run(message: RequestMessage, responseType: Response['type']): Promise<void> {
    const cancellation = new Cancellation();
    // A reused message id replaces the old entry; abandon then targets the newest, as clients expect.
    this.#outstanding.set(message.messageId, cancellation);
    if (this.#outstanding.size >= MAX_OUTSTANDING) this.socket.pause();
    const bound = this.#identity.bindName;
    const op = new RunningOperation(
      message,
      this.#services,
      this.#identity,
      this.#connection(),
      this.#paged,
      cancellation,
      this.#sender,
    );
    try {
      await this.#perform(op);
    } catch (error) {
      this.#services.logger.error({ conn: this.id, err: error }, 'operation failed');
      if (!cancellation.aborted) {
        await op.send(resultFor(responseType, ResultCode.other, 'internal error'));
      }
    } finally {
      if (this.#outstanding.get(message.messageId) === cancellation)
        this.#outstanding.delete(message.messageId);
      // Logged once the answer is written: the batch writes on a tick queued when the answer was
      // encoded, and a log line built first held every answer back by its cost (a live lookup's
      // client waited ~12 µs more for it). The drain waits for the line.
      process.nextTick(this.#ended, message, bound, op);
      if (this.#idle) IDLE_CONNECTIONS.touch(this.#idle);
      this.#readOn();
    }
  }

  readonly #ended = (message: RequestMessage, bound: string, tally: Tally): void => {
    this.#log(message, bound, tally);
    if (this.#draining && this.#outstanding.size === 0) this.#draining();
  };

  /**
   * When another request may start: first those already received, on the next turn of the event loop
   * (not in this chain of promises, which would run a pipelining client's requests back to back
   * before anyone else got a turn); then, once none wait, more from the socket.
   */
  #readOn(): void {
    if (!this.#hasRoom()) {
      this.#holdReading();
      return;
    }
    if (!this.#mayStart() || this.#readOnPending) return;
    if (!this.#frames.hasFrame) {
      this.socket.resume();
      return;
    }
    this.#readOnPending = true;
    setImmediate(this.#nextTurn);
  }

  readonly #nextTurn = (): void => {
    this.#readOnPending = false;
    if (!this.#mayStart()) return;
    this.#dispatchFrames();
    // Those requests may have filled the places again, or closed the session.
    if (this.#mayStart() && !this.#frames.hasFrame) this.socket.resume();
  };

  /**
   * Requests start while fewer than MAX_OUTSTANDING run and the output queue has room: some requests
   * are answered without an operation (a refused critical control, a filter over the limits), and a
   * client that reads none of those answers must not have its requests read either.
   */
  #mayStart(): boolean {
    return (
      this.#open &&
      this.#draining === undefined &&
      this.#outstanding.size < MAX_OUTSTANDING &&
      this.#hasRoom()
    );
  }

  /** The output queue is full: no more requests are read until it drains. */
  #holdReading(): void {
    this.socket.pause();
    if (this.#awaitingRoom || !this.#open) return;
    // Only the socket's queue drains: what waits in the batch has to be in it.
    this.#batch.flush();
    if (this.#hasRoom()) {
      this.#readOn();
      return;
    }
    this.#awaitingRoom = true;
    void this.#gate.room(this.socket).then(this.#roomAgain);
  }

  readonly #roomAgain = (): void => {
    this.#awaitingRoom = false;
    this.#readOn();
  };

  #log(message: RequestMessage, bound: string, tally: Tally): void {
    const record = {
      conn: this.id,
      peer: this.peer,
      bound,
      msgid: message.messageId,
      request: message.request,
      resultCode: tally.resultCode,
      entries: tally.entries,
      ms: Math.round((performance.now() - tally.started) * 10) / 10,
    };
    logOperation(this.#services.logger, record);
    this.#services.events?.operationEnded(record);
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

  /** The connection as operations see it: the same object until StartTLS secures it. */
  #connection(): ConnectionInfo {
    const secure = this.#secure;
    if (this.#connectionInfo?.secure !== secure) {
      this.#connectionInfo = {
        id: this.id,
        remoteAddress: this.#remoteAddress,
        secure,
        listener: this.transport.listener,
      };
    }
    return this.#connectionInfo;
  }

  readonly #sender: Sender = (messageId, response, controls) => this.#send(messageId, response, controls);

  /**
   * Waits for room in the connection's queue before encoding, so a client that does not read holds
   * neither encoded responses nor more than `maxQueuedBytes` of them in the socket and the batch.
   */
  #send(messageId: number, response: Response, controls?: readonly Control[]): Promise<void> {
    // Nearly always there is room: answered without an async function's promise per response.
    if (!this.#hasRoom()) return this.#sendWhenRoom(messageId, response, controls);
    try {
      this.#encode(messageId, response, controls);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return SENT;
  }

  async #sendWhenRoom(messageId: number, response: Response, controls?: readonly Control[]): Promise<void> {
    while (!this.#hasRoom()) {
      if (this.#closing || this.socket.destroyed) return;
      // A drain comes only for what the socket holds: what waits in the batch goes there first.
      if (this.#batch.bytes > 0) this.#batch.flush();
      else await this.#gate.room(this.socket);
    }
    this.#encode(messageId, response, controls);
  }

  #encode(messageId: number, response: Response, controls: readonly Control[] | undefined): void {
    if (this.#closing || this.socket.destroyed) return;
    this.#batch.encode(controls ? { messageId, response, controls } : { messageId, response });
    if (!this.#hasRoom()) this.#holdReading();
  }

  /** Room for one more response: the socket's queue and the batch together below `maxQueuedBytes`. */
  #hasRoom(): boolean {
    return this.#gate.hasRoom(this.socket, this.#batch.bytes);
  }

  readonly #writeBatch = (bytes: Uint8Array): void => {
    if (this.socket.destroyed) return;
    this.socket.write(bytes);
    this.#watchdog.watch(this.socket);
  };

  /**
   * A client that stopped reading: a Notice of Disconnection would only queue behind what it does not
   * read, and a grace period would only keep the queue alive, so the socket goes at once.
   */
  #drop(reason: string): void {
    if (this.#closing) return;
    this.#services.logger.info({ conn: this.id, peer: this.peer, reason }, 'connection dropped');
    this.#closing = true;
    this.#batch.discard();
    this.#teardown();
    this.socket.destroy();
  }

  /** RFC 4511 4.4.1: tell the client why, then close. */
  #disconnect(resultCode: number, message: string): void {
    if (this.#closing) return;
    this.#batch.flush();
    if (!this.socket.destroyed) this.socket.write(noticeOfDisconnection(resultCode, message));
    this.#close();
  }

  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    // What was answered before the close still goes out, ahead of the FIN.
    this.#batch.flush();
    this.#teardown();
    this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  #teardown(): void {
    this.#clearRequestDeadline();
    if (this.#idle) IDLE_CONNECTIONS.unwatch(this.#idle);
    this.#watchdog.stop();
    for (const cancellation of this.#outstanding.values()) cancellation.abort(new Error('connection closed'));
    this.#outstanding.clear();
    this.#paged.closeAll();
    this.#draining?.();
  }
}

function resultFor(type: Response['type'], resultCode: number, diagnosticMessage: string): Response {
  return { type, resultCode, matchedDN: '', diagnosticMessage } as Response;
}

function unsupportedCriticalControl(type: Request['type'], controls: readonly Control[]): string | undefined {
  const known = KNOWN_CONTROLS[type] ?? [MANAGE_DSA_IT_OID];
  return controls.find((c) => c.critical && !known.includes(c.oid))?.oid;
}
