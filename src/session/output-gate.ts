/**
 * Bounds the responses queued on one connection. Every operation asks for room before it encodes a
 * response; while `maxQueuedBytes` or more wait in the socket, every operation of the connection
 * waits until the socket drains. The queue thus holds at most `maxQueuedBytes` plus the one response
 * that crossed the line, however many operations run at once, and a client that does not read stops
 * the server from producing entries for it rather than making it hold them.
 */
import type { EventEmitter } from 'node:events';

/** What the gate needs of a socket; net.Socket and tls.TLSSocket both have it. */
export interface GatedSocket extends EventEmitter {
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export class OutputGate {
  #wait: Promise<void> | undefined;

  /**
   * @param maxQueuedBytes at least the stream's highWaterMark (16 KiB), so that a queue this long has
   *   made a write return false and 'drain' is sure to follow.
   */
  constructor(private readonly maxQueuedBytes: number) {}

  /** Whether a response may be written to `socket` now, `pending` more bytes waiting to be written. */
  hasRoom(socket: GatedSocket, pending = 0): boolean {
    return socket.writableLength + pending < this.maxQueuedBytes;
  }

  /**
   * Resolves when `socket` has drained or closed. Every operation blocked on a client that does not
   * read shares one wait, rather than adding listeners of its own (one per outstanding operation).
   */
  room(socket: GatedSocket): Promise<void> {
    // Its 'close' may already have been emitted: nothing would wake the wait.
    if (socket.destroyed) return Promise.resolve();
    this.#wait ??= new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        this.#wait = undefined;
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
    return this.#wait;
  }
}
