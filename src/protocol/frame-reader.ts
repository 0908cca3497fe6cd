/**
 * Splits a TCP byte stream into LDAPMessage frames (one complete BER element each).
 *
 * The outer header (tag 0x30 and the length) is checked the moment its bytes arrive, so a message
 * that declares more than `maxRequestBytes` is refused on its header alone: nothing of its body is
 * ever buffered. A frame that arrives whole inside one chunk is handed out as a view of that chunk;
 * a frame split across chunks is copied once into a buffer of exactly its size. So at most one
 * partial frame (maxRequestBytes + 6 header bytes) is held, and the work is linear in the input.
 */

/** The longest outer header: tag, 0x84, four length octets. */
const MAX_HEADER_BYTES = 6;
const SEQUENCE_TAG = 0x30;

export class FrameError extends Error {
  override readonly name = 'FrameError';

  constructor(
    message: string,
    /** True when the frame was well formed but larger than maxRequestBytes. */
    readonly tooLarge: boolean,
  ) {
    super(message);
  }
}

export class FrameReader {
  private readonly frames: Uint8Array[] = [];
  private head = 0;
  /** Header bytes of a frame whose header is split across chunks. */
  private readonly header = new Uint8Array(MAX_HEADER_BYTES);
  private headerFilled = 0;
  /** The frame being assembled across chunks, once its size is known. */
  private partial: Uint8Array | undefined;
  private partialFilled = 0;
  private failure: FrameError | undefined;

  /** @param maxRequestBytes largest content length (after the outer tag and length) accepted. */
  constructor(private readonly maxRequestBytes: number) {
    if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < 0) {
      throw new RangeError(`maxRequestBytes must be a non-negative integer, got ${maxRequestBytes}`);
    }
  }

  /**
   * Adds bytes from the stream. Throws FrameError as soon as a header is malformed or too large; the
   * reader then stays failed (every later push throws the same error) and the connection must close.
   */
  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    try {
      this.consume(chunk);
    } catch (error) {
      if (error instanceof FrameError) this.failure = error;
      throw error;
    }
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Uint8Array | undefined {
    if (this.head >= this.frames.length) return undefined;
    const frame = this.frames[this.head];
    this.frames[this.head++] = EMPTY;
    if (this.head === this.frames.length) {
      this.frames.length = 0;
      this.head = 0;
    }
    return frame;
  }

  /** Whether a complete frame waits to be taken with next(). */
  get hasFrame(): boolean {
    return this.head < this.frames.length;
  }

  /** Bytes of an incomplete frame held back; non-zero at end of stream means a truncated message. */
  get partialBytes(): number {
    return this.headerFilled + this.partialFilled;
  }

  private consume(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.partial) offset = this.fillPartial(chunk, offset);
      else if (this.headerFilled === 0) offset = this.takeFromChunk(chunk, offset);
      else offset = this.fillHeader(chunk, offset);
    }
  }

  /** Fast path: a header that starts at `offset` of this chunk. */
  private takeFromChunk(chunk: Uint8Array, offset: number): number {
    const total = frameSize(chunk, offset, chunk.length, this.maxRequestBytes);
    if (total === undefined) return this.fillHeader(chunk, offset);
    if (offset + total <= chunk.length) {
      this.frames.push(chunk.subarray(offset, offset + total));
      return offset + total;
    }
    this.startPartial(total, chunk.subarray(offset));
    return chunk.length;
  }

  /** Slow path: a header split across chunks, collected byte by byte (at most 6). */
  private fillHeader(chunk: Uint8Array, offset: number): number {
    this.header[this.headerFilled++] = chunk[offset]!;
    const total = frameSize(this.header, 0, this.headerFilled, this.maxRequestBytes);
    if (total !== undefined) {
      const headerBytes = this.header.subarray(0, this.headerFilled);
      this.headerFilled = 0;
      this.startPartial(total, headerBytes);
    }
    return offset + 1;
  }

  private startPartial(total: number, firstBytes: Uint8Array): void {
    this.partial = new Uint8Array(total);
    this.partial.set(firstBytes);
    this.partialFilled = firstBytes.length;
    this.completePartial();
  }

  private fillPartial(chunk: Uint8Array, offset: number): number {
    const partial = this.partial!;
    const count = Math.min(partial.length - this.partialFilled, chunk.length - offset);
    partial.set(chunk.subarray(offset, offset + count), this.partialFilled);
    this.partialFilled += count;
    this.completePartial();
    return offset + count;
  }

  private completePartial(): void {
    if (this.partial && this.partialFilled === this.partial.length) {
      this.frames.push(this.partial);
      this.partial = undefined;
      this.partialFilled = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Total size (header + content) of the frame whose header starts at `start`, or undefined if the
 * header is not complete yet. Throws FrameError for a bad tag or length, and for a length that is too
 * large, even before all its length octets have arrived if the ones present already prove it.
 */
export function frameSize(
  bytes: Uint8Array,
  start: number,
  end: number,
  maxRequestBytes: number,
): number | undefined {
  const available = end - start;
  if (available < 1) return undefined;
  const tag = bytes[start]!;
  if (tag !== SEQUENCE_TAG) {
    throw new FrameError(
      `LDAPMessage must start with SEQUENCE tag 0x30, found 0x${tag.toString(16).padStart(2, '0')}`,
      false,
    );
  }
  if (available < 2) return undefined;
  const first = bytes[start + 1]!;
  if (first < 0x80) return checkSize(2, first, maxRequestBytes);
  if (first === 0x80)
    throw new FrameError('LDAPMessage uses the indefinite length form, which LDAP forbids', false);
  const count = first & 0x7f;
  if (count > 4) throw new FrameError(`LDAPMessage length of ${count} octets is too long`, false);
  const have = Math.min(count, available - 2);
  let length = 0;
  for (let i = 0; i < have; i++) length = length * 256 + bytes[start + 2 + i]!;
  if (have < count) {
    // The octets still missing can only make the length larger.
    checkSize(0, length * 256 ** (count - have), maxRequestBytes);
    return undefined;
  }
  return checkSize(2 + count, length, maxRequestBytes);
}

function checkSize(headerBytes: number, contentLength: number, maxRequestBytes: number): number {
  if (contentLength > maxRequestBytes) {
    throw new FrameError(
      `LDAPMessage of at least ${contentLength} bytes exceeds maxRequestBytes (${maxRequestBytes})`,
      true,
    );
  }
  return headerBytes + contentLength;
}
