/**
 * One Session driven in process, frames in and PDUs out: requests are encoded with the protocol's
 * own request encoder and written to one end of a loopback socket pair, the Session runs on the
 * other end as the server would run it, and what it writes back is framed and decoded with the
 * response decoder. No dirbridge process, no listener of the server's: a test sees exactly the
 * PDUs a client would, in order, and can wait for the ones it needs.
 */
import net from 'node:net';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import type { RequestMessage, Response, ResponseMessage } from '../../src/protocol/messages.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { decodeResponse } from '../../src/protocol/response-decoder.js';
import { Session } from '../../src/session/session.js';
import type { CurrentServices } from '../../src/session/current-services.js';
import type { SessionServices } from '../../src/session/services.js';
import type { SessionTransport } from '../../src/session/start-tls.js';

/** How long a wait lasts before it fails (a liveness bound, not a timing assertion). */
const WAIT_MS = 5_000;

type Entry = Extract<Response, { type: 'searchResultEntry' }>;
type Done = Extract<Response, { type: 'searchResultDone' }>;

/** A search's answer: its entries, in order, and its SearchResultDone (with controls). */
export interface SearchAnswer {
  readonly entries: readonly Entry[];
  readonly done: ResponseMessage<Done>;
}

export class SessionHarness {
  /** Every response the session sent, in the order it sent them. */
  readonly received: ResponseMessage[] = [];
  #closed = false;
  /** Waits to wake when something arrives or the connection closes. */
  #wake: (() => void)[] = [];
  readonly #frames = new FrameReader(2 ** 31);

  private constructor(
    /** The client's end: what the test writes to. */
    readonly client: net.Socket,
    readonly session: Session,
  ) {
    client.on('data', (chunk: Buffer) => {
      this.#frames.push(chunk);
      for (let frame = this.#frames.next(); frame; frame = this.#frames.next()) {
        this.received.push(decodeResponse(frame));
      }
      this.#notify();
    });
    client.on('error', () => undefined);
    client.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
  }

  /** A Session on one end of a fresh loopback pair, started; the harness holds the other end. */
  static async open(
    services: SessionServices | CurrentServices,
    id = 1,
    transport?: SessionTransport,
  ): Promise<SessionHarness> {
    const listener = net.createServer({ noDelay: true });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const { port } = listener.address() as net.AddressInfo;
    const client = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const [serverEnd] = await Promise.all([
      accepted,
      new Promise((resolve) => client.once('connect', resolve)),
    ]);
    // The pair stays connected; nothing else may connect.
    listener.close();
    const session = new Session(id, serverEnd, services, transport);
    session.start();
    return new SessionHarness(client, session);
  }

  /** Whether the session closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends requests, encoded, in one write (several in one chunk, as a pipelining client sends them). */
  send(...messages: readonly RequestMessage[]): void {
    this.sendBytes(Buffer.concat(messages.map((message) => encodeRequest(message))));
  }

  /** Sends bytes as they are: for frames the encoder would not write. */
  sendBytes(bytes: Uint8Array): void {
    this.client.write(bytes);
  }

  /** The responses to one request so far. */
  responsesTo(messageId: number): ResponseMessage[] {
    return this.received.filter((message) => message.messageId === messageId);
  }

  /** The responses to one request, up to and including its final one (the one carrying a result). */
  async answer(messageId: number, ms = WAIT_MS): Promise<ResponseMessage[]> {
    return this.waitFor(`the answer to message ${messageId}`, ms, () => {
      const responses = this.responsesTo(messageId);
      return responses.some(isFinal) ? responses : undefined;
    });
  }

  /** A search's entries and its SearchResultDone. */
  async search(messageId: number, ms = WAIT_MS): Promise<SearchAnswer> {
    const responses = await this.answer(messageId, ms);
    const done = responses.find((message) => message.response.type === 'searchResultDone');
    if (!done) throw new Error(`message ${messageId} was answered with ${responses.at(-1)?.response.type}`);
    const entries = responses
      .map((message) => message.response)
      .filter((response): response is Entry => response.type === 'searchResultEntry');
    return { entries, done: done as ResponseMessage<Done> };
  }

  /**
   * Resolves with what `pick` finds once it finds something, looking again each time a response
   * arrives; fails when the connection closes first, or after `ms`.
   */
  async waitFor<T>(what: string, ms: number, pick: () => T | undefined): Promise<T> {
    const deadline = performance.now() + ms;
    for (;;) {
      const found = pick();
      if (found !== undefined) return found;
      if (this.#closed) throw new Error(`the connection closed before ${what}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`not within ${ms} ms: ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes both ends. */
  close(): void {
    this.client.destroy();
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}

/** A response that ends its operation: any with a result code (entries and references have none). */
function isFinal(message: ResponseMessage): boolean {
  return 'resultCode' in message.response;
}
