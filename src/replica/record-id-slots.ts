/**
 * The source's record id of each slot, and the slot of each id, without a string and a map entry
 * per person: ids are kept as UTF-8 in shared memory (read back with one native call) and found
 * through a table of slot numbers (slot-table.ts). For 100,000 people that is about 2 MB instead of
 * about 7 MB of strings and map entries. An id a slot no longer holds becomes garbage, reclaimed
 * once it is half of what is kept.
 */
import { SharedBytes, SharedUint32s } from './shared-bytes.js';
import { hashOfText, SlotTable } from './slot-table.js';

/** Node's Buffer has this native method; toString('utf8', ...) is a checked wrapper around it. */
interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

const COMPACT_MIN_BYTES = 1 << 20;

/** Where a reader in another thread finds the ids (RecordIdSlots.share). */
export interface RecordIdShare {
  readonly bytes: SharedArrayBuffer;
  /** Slot -> where its id starts + 1 (0: none), as uint32. */
  readonly starts: SharedArrayBuffer;
  /** Slot -> its id's length in bytes. */
  readonly lengths: SharedArrayBuffer;
}

export class RecordIdSlots {
  #bytes = new SharedBytes(1 << 16);
  #buffer = Buffer.from(this.#bytes.buffer);
  #usedBytes = 0;
  #garbage = 0;
  /** Per slot: where its id starts + 1 (0: none), and its length in bytes. */
  #starts = new SharedUint32s();
  #lengths = new SharedUint32s();
  readonly #table = new SlotTable((slot) => hashOfText(this.idAt(slot)!));
  #size = 0;

  /** Ids held. */
  get size(): number {
    return this.#size;
  }

  /** The ids' shared memory, for a reader in another thread (RecordIdReader). */
  share(): RecordIdShare {
    return { bytes: this.#bytes.buffer, starts: this.#starts.buffer, lengths: this.#lengths.buffer };
  }

  /** Records that `slot` holds `id` (the slot held none before, or was cleared). */
  set(slot: number, id: string): void {
    const length = Buffer.byteLength(id, 'utf8');
    if (this.#usedBytes + length > this.#bytes.capacity) this.#reserve(this.#usedBytes + length);
    this.#buffer.write(id, this.#usedBytes, length, 'utf8');
    this.#starts.ensureLength(slot + 1);
    this.#lengths.ensureLength(slot + 1);
    // The start last: a reader in another thread that sees it sees the bytes and the length.
    this.#lengths.set(slot, length);
    this.#starts.publish(slot, this.#usedBytes + 1);
    this.#usedBytes += length;
    this.#table.add(slot, hashOfText(id));
    this.#size++;
  }

  clear(slot: number): void {
    const id = this.idAt(slot);
    if (id === undefined) return;
    this.#table.remove(slot, hashOfText(id));
    this.#garbage += this.#lengths.get(slot);
    this.#starts.publish(slot, 0);
    this.#size--;
    if (this.#garbage >= COMPACT_MIN_BYTES && this.#garbage * 2 >= this.#usedBytes) this.#compact();
  }

  slotOf(id: string): number | undefined {
    return this.#table.find(hashOfText(id), (slot) => this.idAt(slot) === id);
  }

  idAt(slot: number): string | undefined {
    if (slot >= this.#starts.length) return undefined;
    const start = this.#starts.get(slot);
    if (start === 0) return undefined;
    return (this.#buffer as unknown as Utf8Slicer).utf8Slice(start - 1, start - 1 + this.#lengths.get(slot));
  }

  #reserve(size: number): void {
    this.#bytes.ensure(size);
    this.#buffer = Buffer.from(this.#bytes.buffer);
  }

  /**
   * The live ids copied into a new arena, slot by slot, with new tables of where they start: a
   * reader in another thread goes on reading the old ones, which stay whole, until told.
   */
  #compact(): void {
    const bytes = new SharedBytes(Math.max(1 << 16, this.#usedBytes - this.#garbage));
    const buffer = Buffer.from(bytes.buffer);
    const slots = this.#starts.length;
    const starts = new SharedUint32s(Math.max(1024, slots));
    const lengths = new SharedUint32s(Math.max(1024, slots));
    starts.ensureLength(slots);
    lengths.ensureLength(slots);
    let used = 0;
    for (let slot = 0; slot < slots; slot++) {
      const start = this.#starts.get(slot);
      if (start === 0) continue;
      const length = this.#lengths.get(slot);
      this.#buffer.copy(buffer, used, start - 1, start - 1 + length);
      starts.set(slot, used + 1);
      lengths.set(slot, length);
      used += length;
    }
    this.#starts = starts;
    this.#lengths = lengths;
    this.#bytes = bytes;
    this.#buffer = buffer;
    this.#usedBytes = used;
    this.#garbage = 0;
  }
}
