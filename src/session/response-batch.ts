/**
 * The responses one connection encoded in one turn of the event loop, written to its socket in one
 * go. A search's entries are produced in a chain of promises that runs to its end within one turn
 * when the directory answers from memory: written one by one, each entry was a write of its own
 * (a syscall and, with Nagle off, a TCP segment: 29% of the server's time in the issue 16 profile,
 * and as many reads for the client). Gathered, the whole answer leaves in one write when the chain
 * is done (process.nextTick runs after the microtask queue has drained), or earlier once `flushAt`
 * bytes wait, so a large answer is still sent as it is produced and its memory stays bounded.
 *
 * Responses are encoded straight into the batch's one buffer, not each into a buffer of its own
 * that a write then copies together: an export page of a thousand entries made a thousand buffers
 * and a megabyte of copies, garbage that 32 exports at once turned into a sixth of the server's
 * time in collection. A large batch is handed to the socket as it is and the next one gets a new
 * buffer; a small one is copied out and its buffer used again.
 */
import { BerWriter } from '../protocol/ber-writer.js';
import type { ResponseMessage } from '../protocol/messages.js';
import { writeResponseMessage } from '../protocol/response-encoder.js';

/** A batch up to this size is copied out (into Node's buffer pool below 4 KiB), its buffer kept. */
const COPY_OUT_BYTES = 8 * 1024;
/** The buffer a connection starts with, and goes back to after a small batch. */
const SMALL_BUFFER = 4 * 1024;
/** Room beyond `flushAt` a large batch's successor gets, so the entry that crosses it rarely grows it. */
const SPARE_BYTES = 16 * 1024;

export class ResponseBatch {
  #writer = new BerWriter(SMALL_BUFFER);
  #capacity = SMALL_BUFFER;
  #scheduled = false;

  constructor(
    /** Bytes after which the batch is written at once rather than at the end of the turn. */
    private readonly flushAt: number,
    /** Writes the gathered bytes (one buffer) to the socket. */
    private readonly write: (bytes: Uint8Array) => void,
  ) {}

  /** Bytes gathered and not yet written. */
  get bytes(): number {
    return this.#writer.length;
  }

  /** Encodes a response at the end of the batch; one that cannot be encoded leaves no trace. */
  encode(message: ResponseMessage): void {
    const writer = this.#writer;
    const before = writer.length;
    try {
      writeResponseMessage(writer, message);
    } catch (error) {
      writer.rewind(before);
      throw error;
    }
    this.#added();
  }

  /** Adds bytes that are already a whole response. */
  add(bytes: Uint8Array): void {
    this.#writer.writeRaw(bytes);
    this.#added();
  }

  /** Writes what is gathered now: before a write that bypasses the batch, or to wait for a drain. */
  flush(): void {
    const writer = this.#writer;
    const length = writer.length;
    if (length === 0) return;
    if (length <= COPY_OUT_BYTES) {
      const bytes = Buffer.from(writer.toBytes());
      this.#reuse();
      this.write(bytes);
      return;
    }
    const bytes = writer.toBytes();
    this.#capacity = Math.min(length, this.flushAt) + SPARE_BYTES;
    this.#writer = new BerWriter(this.#capacity);
    this.write(bytes);
  }

  /** Forgets what is gathered (the socket is gone). */
  discard(): void {
    this.#reuse();
  }

  /** Empties the buffer for the next batch, a small one again if a large batch left it large. */
  #reuse(): void {
    if (this.#capacity > SMALL_BUFFER) {
      this.#capacity = SMALL_BUFFER;
      this.#writer = new BerWriter(SMALL_BUFFER);
    } else this.#writer.rewind(0);
  }

  #added(): void {
    if (this.#writer.length >= this.flushAt) {
      this.flush();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    process.nextTick(this.#onTick);
  }

  readonly #onTick = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}
