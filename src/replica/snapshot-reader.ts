/**
 * Reads a replica snapshot (snapshot-writer.ts) section by section, through a small buffer, so large
 * sections go straight to where they will live (the store's shared memory) without a second copy.
 * Every length is checked against what the file holds before anything is allocated, and the
 * checksum is verified before `read` returns: what a damaged file produced is never handed out.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { sharedUint16s, sharedUint32s } from './shared-arrays.js';
import { CHECKSUM_BYTES, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, SnapshotUnusable } from './snapshot-format.js';

const BUFFER_BYTES = 1 << 20;

export class SnapshotReader {
  readonly #hash: Hash = createHash('sha256');
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Unread bytes of the buffer: #buffer[#start, #end). */
  #start = 0;
  #end = 0;
  /** File position of #end. */
  #position = 0;

  private constructor(
    private readonly file: FileHandle,
    /** Bytes before the checksum. */
    private readonly size: number,
  ) {}

  /** Reads the snapshot at `path` through `read`; throws SnapshotUnusable for a file not to be served. */
  static async read<T>(path: string, read: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      if (size < SNAPSHOT_MAGIC.length + 4 + CHECKSUM_BYTES)
        throw new SnapshotUnusable('the file is truncated');
      const reader = new SnapshotReader(file, size - CHECKSUM_BYTES);
      const magic = await reader.#take(SNAPSHOT_MAGIC.length);
      if (!Buffer.from(magic).equals(SNAPSHOT_MAGIC)) throw new SnapshotUnusable('not a dirbridge snapshot');
      const version = await reader.u32();
      if (version !== SNAPSHOT_VERSION)
        throw new SnapshotUnusable(
          `written in format ${version}; this dirbridge reads format ${SNAPSHOT_VERSION}`,
        );
      const result = await read(reader);
      await reader.#verify();
      return result;
    } finally {
      await file.close();
    }
  }

  async u32(): Promise<number> {
    const bytes = await this.#take(4);
    return bytes.readUInt32LE(0);
  }

  async json(): Promise<unknown> {
    const text = (await this.bytes()).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SnapshotUnusable('its header is not JSON');
    }
  }

  /** A byte section, copied out. */
  async bytes(): Promise<Buffer> {
    const length = await this.#length(1);
    const out = Buffer.allocUnsafe(length);
    await this.#into(out);
    await this.#skipPadding(length);
    return out;
  }

  /** A byte section read into memory `allocate` gives for its length (the store's shared arena). */
  async bytesInto(allocate: (length: number) => Uint8Array): Promise<number> {
    const length = await this.#length(1);
    await this.#into(allocate(length).subarray(0, length));
    await this.#skipPadding(length);
    return length;
  }

  /** Numbers; `shared`: read into shared memory (an index's arrays, SlotIndex.share). */
  async u32s(shared = false): Promise<Uint32Array> {
    const length = await this.#length(4);
    const out = shared ? sharedUint32s(length) : new Uint32Array(length);
    await this.#into(new Uint8Array(out.buffer));
    return out;
  }

  /** 16-bit numbers as SnapshotWriter.u16s wrote them (a byte section); `shared` as for u32s. */
  async u16s(shared = false): Promise<Uint16Array> {
    const bytes = await this.#length(1);
    if (bytes % 2 !== 0) throw new SnapshotUnusable('a list of 16-bit numbers has an odd length');
    const out = shared ? sharedUint16s(bytes / 2) : new Uint16Array(bytes / 2);
    await this.#into(new Uint8Array(out.buffer));
    await this.#skipPadding(bytes);
    return out;
  }

  async strings(): Promise<string[]> {
    const count = await this.#length(1);
    const out: string[] = [];
    while (out.length < count) {
      const lengths = await this.u32s();
      const text = await this.bytes();
      let offset = 0;
      for (const length of lengths) {
        if (offset + length > text.length) throw new SnapshotUnusable('a string runs past its section');
        out.push(text.toString('utf8', offset, offset + length));
        offset += length;
      }
      if (lengths.length === 0) throw new SnapshotUnusable('a list of strings stops short');
    }
    if (out.length !== count) throw new SnapshotUnusable('a list of strings holds more than it says');
    return out;
  }

  /** A count of items of `width` bytes, refused when the file cannot hold them. */
  async #length(width: number): Promise<number> {
    const length = await this.u32();
    if (length * width > this.#remaining)
      throw new SnapshotUnusable('a section runs past the end of the file');
    return length;
  }

  get #remaining(): number {
    return this.size - this.#position + (this.#end - this.#start);
  }

  async #take(length: number): Promise<Buffer> {
    if (this.#end - this.#start < length) await this.#fill(length);
    const out = this.#buffer.subarray(this.#start, this.#start + length);
    this.#hash.update(out);
    this.#start += length;
    return out;
  }

  async #into(target: Uint8Array): Promise<void> {
    if (target.length > this.#remaining) throw new SnapshotUnusable('the file is truncated');
    let done = Math.min(target.length, this.#end - this.#start);
    target.set(this.#buffer.subarray(this.#start, this.#start + done));
    this.#start += done;
    while (done < target.length) {
      const { bytesRead } = await this.file.read(target, done, target.length - done, this.#position);
      if (bytesRead === 0) throw new SnapshotUnusable('the file is truncated');
      done += bytesRead;
      this.#position += bytesRead;
    }
    this.#hash.update(target);
  }

  async #skipPadding(length: number): Promise<void> {
    const padding = (4 - (length % 4)) % 4;
    if (padding > 0) await this.#take(padding);
  }

  /** Makes at least `length` unread bytes available in the buffer. */
  async #fill(length: number): Promise<void> {
    const unread = this.#end - this.#start;
    this.#buffer.copy(this.#buffer, 0, this.#start, this.#end);
    this.#start = 0;
    this.#end = unread;
    while (this.#end < length) {
      const want = Math.min(BUFFER_BYTES - this.#end, this.size - this.#position);
      if (want <= 0) throw new SnapshotUnusable('the file is truncated');
      const { bytesRead } = await this.file.read(this.#buffer, this.#end, want, this.#position);
      if (bytesRead === 0) throw new SnapshotUnusable('the file is truncated');
      this.#end += bytesRead;
      this.#position += bytesRead;
    }
  }

  async #verify(): Promise<void> {
    if (this.#remaining !== 0) throw new SnapshotUnusable('the file holds more than its sections');
    const expected = Buffer.alloc(CHECKSUM_BYTES);
    const { bytesRead } = await this.file.read(expected, 0, CHECKSUM_BYTES, this.size);
    if (bytesRead !== CHECKSUM_BYTES || !timingSafeEqual(expected, this.#hash.digest()))
      throw new SnapshotUnusable('its checksum does not match (the file is damaged)');
  }
}
