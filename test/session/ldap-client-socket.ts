/** The client side of a session test: a raw loopback socket that sends encoded requests and decodes what comes back. */
import net from 'node:net';
import { parseFilter } from '../../src/filter/parse.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import type { Control, ResponseMessage } from '../../src/protocol/messages.js';
import { PAGED_RESULTS_OID, encodePagedResultsValue } from '../../src/protocol/paged-results-control.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { decodeResponse } from '../../src/protocol/response-decoder.js';

export function searchPdu(messageId: number, base: string, controls: readonly Control[] = []): Buffer {
  return Buffer.from(
    encodeRequest({
      messageId,
      controls: [...controls],
      request: {
        type: 'search',
        baseObject: base,
        scope: 'sub',
        derefAliases: 'never',
        sizeLimit: 0,
        timeLimit: 0,
        typesOnly: false,
        filter: parseFilter('(objectClass=*)'),
        attributes: [],
      },
    }),
  );
}

export function pagedControl(size: number): Control {
  return {
    oid: PAGED_RESULTS_OID,
    critical: false,
    value: encodePagedResultsValue({ size, cookie: new Uint8Array() }),
  };
}

export class ClientSocket {
  readonly messages: ResponseMessage[] = [];
  closed = false;
  readonly #frames = new FrameReader(2 ** 31);

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#frames.push(chunk);
      for (let frame = this.#frames.next(); frame; frame = this.#frames.next()) {
        this.messages.push(decodeResponse(frame));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  /** Connects; `reading: false` leaves the socket paused, as a client that never reads. */
  static connect(port: number, { reading = true } = {}): Promise<ClientSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const client = new ClientSocket(socket);
      if (!reading) socket.pause();
      socket.once('connect', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** The final responses (those with a result code), by message id. */
  results(): Map<number, number> {
    const done = new Map<number, number>();
    for (const { messageId, response } of this.messages) {
      if ('resultCode' in response) done.set(messageId, response.resultCode);
    }
    return done;
  }
}

/** Polls `condition` every 10 ms until it holds; throws after `ms`. */
export async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
