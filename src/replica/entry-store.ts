/**
 * The replica's entries, each held once as bytes in shared memory (entry-record.ts): 100,000 AD-sized
 * people in about a hundred megabytes, readable by worker threads without a copy. Entries live in
 * slots; a slot keeps its number while its entry changes, so a paged search that noted a slot reads
 * the entry's newest version, and a generation per slot tells it when the slot was freed and reused
 * in between. A change writes the new record at the end of the arena; the old bytes become garbage,
 * which `compact` reclaims once it is a good part of the arena.
 */
import {
  RecordEncoder,
  RecordReader,
  readRecord,
  type RecordContent,
  type RecordGroup,
} from './entry-record.js';
import { RecordNames } from './record-names.js';
import { SharedBytes, SharedUint32s } from './shared-bytes.js';
import { StoredEntry } from './stored-entry.js';

/** A slot as a search noted it: which, and in which generation. */
export interface SlotRef {
  readonly slot: number;
  readonly generation: number;
}

/** Reclaim garbage once it is this share of the arena (and at least this many bytes). */
const COMPACT_SHARE = 0.4;
const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

export class EntryStore {
  readonly names: RecordNames;
  #arena = new SharedBytes(1 << 20);
  #buffer: Buffer;
  #used = 0;
  #garbage = 0;
  /** Slot -> record offset + 1; 0 for a free slot. */
  readonly #offsets = new SharedUint32s();
  /** Slot -> record length in bytes. */
  readonly #lengths = new SharedUint32s();
  /** Slot -> generation, bumped when the slot is freed. */
  readonly #generations = new SharedUint32s();
  readonly #recordIds: (string | undefined)[] = [];
  readonly #uuids: (string | undefined)[] = [];
  readonly #byRecordId = new Map<string, number>();
  readonly #byUuid = new Map<string, number>();
  readonly #free: number[] = [];
  readonly #encoder = new RecordEncoder();

  constructor(
    /** The presented DN of an entry, from its UUID. */
    private readonly dnOf: (uuid: string) => string,
    names: readonly string[] = [],
  ) {
    this.names = new RecordNames(names);
    this.#buffer = Buffer.from(this.#arena.buffer);
  }

  /** Entries held. */
  get size(): number {
    return this.#byRecordId.size;
  }

  /** Slots in use or free: every slot number is below this. */
  get slotCount(): number {
    return this.#offsets.length;
  }

  /** Bytes of records, and how many of them are garbage. */
  get usage(): { readonly bytes: number; readonly garbage: number } {
    return { bytes: this.#used, garbage: this.#garbage };
  }

  slotOf(recordId: string): number | undefined {
    return this.#byRecordId.get(recordId);
  }

  slotOfUuid(uuid: string): number | undefined {
    return this.#byUuid.get(uuid);
  }

  recordIdAt(slot: number): string | undefined {
    return this.#recordIds[slot];
  }

  uuidAt(slot: number): string | undefined {
    return this.#uuids[slot];
  }

  isLive(slot: number): boolean {
    return this.#offsets.get(slot) !== 0;
  }

  generationOf(slot: number): number {
    return this.#generations.get(slot);
  }

  /** The live slots, in slot order. */
  *slots(): Generator<number> {
    for (let slot = 0; slot < this.#offsets.length; slot++) if (this.#offsets.get(slot) !== 0) yield slot;
  }

  /**
   * Stores a record's content under its id (a new slot, or its own slot when it is already held);
   * returns the slot. The UUID is the entry's `entryUUID`, which names it in the directory.
   */
  put(recordId: string, uuid: string, content: RecordContent): number {
    const bytes = this.#encoder.encode(content);
    const existing = this.#byRecordId.get(recordId);
    const slot = existing ?? this.#newSlot();
    if (existing !== undefined) {
      this.#garbage += this.#lengths.get(slot);
      const oldUuid = this.#uuids[slot];
      if (oldUuid !== undefined && oldUuid !== uuid) this.#byUuid.delete(oldUuid);
    }
    const offset = this.#append(bytes);
    this.#offsets.set(slot, offset + 1);
    this.#lengths.set(slot, bytes.length);
    this.#recordIds[slot] = recordId;
    this.#uuids[slot] = uuid;
    this.#byRecordId.set(recordId, slot);
    this.#byUuid.set(uuid, slot);
    return slot;
  }

  /** Frees the slot of a record; returns it, or undefined when the record is not held. */
  delete(recordId: string): number | undefined {
    const slot = this.#byRecordId.get(recordId);
    if (slot === undefined) return undefined;
    this.#garbage += this.#lengths.get(slot);
    this.#offsets.set(slot, 0);
    this.#lengths.set(slot, 0);
    this.#generations.set(slot, (this.#generations.get(slot) + 1) >>> 0);
    this.#byRecordId.delete(recordId);
    const uuid = this.#uuids[slot];
    if (uuid !== undefined) this.#byUuid.delete(uuid);
    this.#recordIds[slot] = undefined;
    this.#uuids[slot] = undefined;
    this.#free.push(slot);
    return slot;
  }

  /** Whether the bytes stored for a record equal `content` encoded (a reload's unchanged record). */
  holds(recordId: string, content: RecordContent): boolean {
    const slot = this.#byRecordId.get(recordId);
    if (slot === undefined) return false;
    const bytes = this.#encoder.encode(content);
    const length = this.#lengths.get(slot);
    if (length !== bytes.length) return false;
    const offset = this.#offsets.get(slot) - 1;
    return this.#buffer.compare(bytes, 0, bytes.length, offset, offset + length) === 0;
  }

  /** The entry in a slot, read lazily; undefined for a free slot. */
  entry(slot: number): StoredEntry | undefined {
    const offset = this.#offsets.get(slot);
    const uuid = this.#uuids[slot];
    if (offset === 0 || uuid === undefined) return undefined;
    return new StoredEntry(this.dnOf(uuid), this.#buffer, offset - 1, this.names);
  }

  /** The attributes of the entry in a slot, as stored (tests, snapshots). */
  groups(slot: number): RecordGroup[] {
    const offset = this.#offsets.get(slot);
    return offset === 0 ? [] : readRecord(new RecordReader(this.#buffer, offset - 1));
  }

  /** Whether enough of the arena is garbage to be worth `compact`. */
  get wantsCompaction(): boolean {
    return this.#garbage >= COMPACT_MIN_BYTES && this.#garbage >= this.#used * COMPACT_SHARE;
  }

  /**
   * Copies the live records into a new arena, in slot order, dropping the garbage. Views made before
   * keep reading the old arena, which lives as long as they do.
   */
  compact(): void {
    const arena = new SharedBytes(Math.max(1 << 20, this.#used - this.#garbage));
    const buffer = Buffer.from(arena.buffer);
    let used = 0;
    for (let slot = 0; slot < this.#offsets.length; slot++) {
      const offset = this.#offsets.get(slot);
      if (offset === 0) continue;
      const length = this.#lengths.get(slot);
      this.#buffer.copy(buffer, used, offset - 1, offset - 1 + length);
      this.#offsets.set(slot, used + 1);
      used += length;
    }
    this.#arena = arena;
    this.#buffer = buffer;
    this.#used = used;
    this.#garbage = 0;
  }

  #append(bytes: Uint8Array): number {
    const offset = this.#used;
    if (offset + bytes.length > this.#arena.capacity) {
      this.#arena.ensure(offset + bytes.length);
      this.#buffer = Buffer.from(this.#arena.buffer);
    }
    this.#buffer.set(bytes, offset);
    this.#used += bytes.length;
    return offset;
  }

  #newSlot(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#offsets.length;
    this.#offsets.ensureLength(slot + 1);
    this.#lengths.ensureLength(slot + 1);
    this.#generations.ensureLength(slot + 1);
    return slot;
  }
}
