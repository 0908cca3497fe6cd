/**
 * Writes a replica snapshot: a versioned header, then sections of numbers, bytes and strings, then a
 * SHA-256 of everything before it. Written to a temporary file beside the target, flushed to disk and
 * renamed over it, so a crash leaves the old snapshot or the new one, never half of one. Typed arrays
 * go to the file as they are (views, not copies): the snapshot costs memory only for its strings.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SNAPSHOT_MAGIC, SNAPSHOT_VERSION } from './snapshot-format.js';

/** Strings are encoded and written this many at a time, so a million keys never sit in one buffer. */
const STRING_BATCH = 8192;
const ZEROS = new Uint8Array(8);

export class SnapshotWriter {
  readonly #hash: Hash = createHash('sha256');
  #position = 0;

  private constructor(private readonly file: FileHandle) {}

  /**
   * Writes a snapshot to `path` through `write`, atomically; the file is readable by its owner only
   * (entries may hold what only privileged accounts may read).
   */
  static async write(path: string, write: (writer: SnapshotWriter) => Promise<void>): Promise<void> {
    const temporary = `${path}.${process.pid}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      const writer = new SnapshotWriter(file);
      await writer.#raw(SNAPSHOT_MAGIC);
      await writer.u32(SNAPSHOT_VERSION);
      await write(writer);
      await writer.#checksum();
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    await rename(temporary, path);
    await syncFolder(dirname(path));
  }

  async u32(value: number): Promise<void> {
    await this.#raw(new Uint8Array(new Uint32Array([value]).buffer));
  }

  /** A JSON value (the header). */
  async json(value: unknown): Promise<void> {
    await this.bytes(Buffer.from(JSON.stringify(value), 'utf8'));
  }

  /** Bytes with their length, padded to a multiple of four so the next numbers are aligned. */
  async bytes(bytes: Uint8Array): Promise<void> {
    await this.u32(bytes.length);
    await this.#raw(bytes);
    await this.#pad();
  }

  async u32s(values: Uint32Array): Promise<void> {
    await this.u32(values.length);
    await this.#raw(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  async u16s(values: Uint16Array): Promise<void> {
    await this.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  /** Strings with their count: the byte lengths of a batch, then its UTF-8 text, batch by batch. */
  async strings(values: readonly string[]): Promise<void> {
    await this.u32(values.length);
    for (let start = 0; start < values.length; start += STRING_BATCH) {
      const batch = values.slice(start, start + STRING_BATCH);
      const lengths = new Uint32Array(batch.length);
      for (let i = 0; i < batch.length; i++) lengths[i] = Buffer.byteLength(batch[i]!, 'utf8');
      await this.u32s(lengths);
      await this.bytes(Buffer.from(batch.join(''), 'utf8'));
    }
  }

  async #checksum(): Promise<void> {
    await this.#write(this.#hash.digest());
  }

  async #raw(bytes: Uint8Array): Promise<void> {
    this.#hash.update(bytes);
    await this.#write(bytes);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.file.write(bytes, written, bytes.length - written, this.#position);
      written += bytesWritten;
      this.#position += bytesWritten;
    }
  }

  async #pad(): Promise<void> {
    const padding = (4 - (this.#position % 4)) % 4;
    if (padding > 0) await this.#raw(ZEROS.subarray(0, padding));
  }
}

/** Makes a rename durable: the folder's entry is flushed too. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot flush a folder; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
