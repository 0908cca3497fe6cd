/**
 * An EntryStore read from another thread: a worker attaches to the store's shared memory (the
 * records, the slot tables, the UUIDs) without copying it, and keeps only the two small
 * dictionaries (attribute names, shared values) as strings of its own. The thread that owns the
 * store writes; a reader is told, by a fresh `share()` posted to it, what the writer added to the
 * dictionaries, how many slots there are, how many have been freed, and where the records live
 * after a compaction.
 *
 * Between two notices a reader sees a slot's newest record as soon as the writer has stored it
 * (records are appended, never overwritten, and slot tables grow in place), unless that record
 * names an attribute or a shared value the reader has not been told of: such an entry is not read
 * until the notice comes (records written since the last notice are checked, the others are known
 * to be readable). A slot freed since the last notice has a generation above the reader's `frees`,
 * so it is skipped as a search that started before a deletion would skip it. A compaction gives
 * the store new offsets with its new arena, so a reader not told yet goes on reading the old ones,
 * which stay whole.
 *
 * The writer publishes a slot's record offset and a UUID's first byte with atomic stores, after
 * what they point to; a reader reads the offset, the UUID, then the offset again, and takes the
 * entry only if the offset held: a record is never paired with another record's UUID.
 */
import { stampOf } from './entry-store.js';
import type { RecordIdShare } from './record-id-slots.js';
import { RecordNames } from './record-names.js';
import { RecordValues } from './record-values.js';
import { hashOfText, SlotTable } from './slot-table.js';
import { StoredEntry, type DecodeListener } from './stored-entry.js';

/** What a reader needs of a store (EntryStore.share): all of it shared memory but the dictionaries' tails. */
export interface StoreShare {
  readonly arena: SharedArrayBuffer;
  /** Slot -> record offset + 1 (0: free), as uint32. */
  readonly offsets: SharedArrayBuffer;
  /** Slot -> the number of frees in the store when the slot was last freed. */
  readonly generations: SharedArrayBuffer;
  /** Slot s's UUID as 36 Latin-1 bytes at s × 36 (first byte 0: none). */
  readonly uuids: SharedArrayBuffer;
  readonly slotCount: number;
  /** Entries held. */
  readonly size: number;
  readonly frees: number;
  /** Bytes of the arena written when this was made: records from here on may be newer than the lists below. */
  readonly used: number;
  /** Attribute names from id `namesFrom` on. */
  readonly namesFrom: number;
  readonly names: readonly string[];
  /** Shared values from id `valuesFrom` on. */
  readonly valuesFrom: number;
  readonly values: readonly string[];
  /** The arena's number, for entries' stamps (Entry.stamp); undefined once stamps run out. */
  readonly arenaNumber: number | undefined;
  readonly recordIds: RecordIdShare;
}

const UUID_WIDTH = 36;
/** Reads of a slot whose record changes under them before it is left for the next notice. */
const TRIES = 4;

/** Node's Buffer has this native method; toString('utf8', ...) is a checked wrapper around it. */
interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

/** Node's Buffer has this native method; toString('latin1', ...) is a checked wrapper around it. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

export class StoreReader {
  readonly names = new RecordNames();
  readonly values = new RecordValues();
  #arena!: SharedArrayBuffer;
  #bytes!: Buffer;
  #offsets!: Uint32Array;
  #generations!: Uint32Array;
  #uuids!: Buffer;
  #slotCount = 0;
  #size = 0;
  #frees = 0;
  #used = 0;
  #arenaNumber: number | undefined;
  #idBytes!: Buffer;
  #idStarts: Uint32Array | undefined;
  #idLengths!: Uint32Array;
  /** The slot of each UUID, this thread's own (the writer's table is not shared), and each slot's hash in it. */
  readonly #uuidSlots = new SlotTable((slot) => this.#hashes[slot]!);
  #hashes = new Uint32Array(1024);
  #indexed = new Uint8Array(1024);
  /** Told of what views of this store decode (a reader's phone readings), as EntryStore's is. */
  listener: DecodeListener | undefined;

  constructor(
    share: StoreShare,
    /** The presented DN of an entry, from its UUID. */
    private readonly dnOf: (uuid: string) => string,
  ) {
    this.update(share);
  }

  /**
   * Takes in what the writer says now (a later `share(names, values)` of the same store), and the
   * slots whose entries were stored or freed since the last notice (every slot, the first time).
   * Dictionary entries this reader has already are skipped; a gap is an error.
   */
  update(share: StoreShare, touched: Iterable<number> = []): void {
    const names = this.names.all.length;
    const values = this.values.all.length;
    if (share.namesFrom > names || share.valuesFrom > values)
      throw new Error(
        `store notice out of order: it adds names from ${share.namesFrom} and values from ${share.valuesFrom}, this reader has ${names} and ${values}`,
      );
    for (const name of share.names.slice(names - share.namesFrom)) this.names.idOf(name);
    this.values.extend(share.values.slice(values - share.valuesFrom));
    if (share.arena !== this.#arena) {
      this.#arena = share.arena;
      this.#bytes = Buffer.from(share.arena);
    }
    // Views without a length follow the shared memory as the writer grows it.
    this.#offsets = new Uint32Array(share.offsets);
    this.#generations = new Uint32Array(share.generations);
    this.#uuids = Buffer.from(share.uuids);
    const first = this.#idStarts === undefined;
    this.#slotCount = share.slotCount;
    this.#size = share.size;
    this.#frees = share.frees;
    this.#used = share.used;
    this.#arenaNumber = share.arenaNumber;
    this.#idBytes = Buffer.from(share.recordIds.bytes);
    this.#idStarts = new Uint32Array(share.recordIds.starts);
    this.#idLengths = new Uint32Array(share.recordIds.lengths);
    for (const slot of first ? this.slots(true) : touched) this.#reindex(slot);
  }

  /** The UUID table brought up to date for one slot. */
  #reindex(slot: number): void {
    if (slot >= this.#hashes.length) {
      let length = this.#hashes.length;
      while (length <= slot) length *= 2;
      const hashes = new Uint32Array(length);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
      const indexed = new Uint8Array(length);
      indexed.set(this.#indexed);
      this.#indexed = indexed;
    }
    if (this.#indexed[slot]) this.#uuidSlots.remove(slot, this.#hashes[slot]!);
    const uuid = this.uuidAt(slot);
    this.#indexed[slot] = uuid === undefined ? 0 : 1;
    if (uuid === undefined) return;
    this.#hashes[slot] = hashOfText(uuid);
    this.#uuidSlots.add(slot, this.#hashes[slot]);
  }

  /** Entries held, as the last notice said. */
  get size(): number {
    return this.#size;
  }

  /** Every record stored as of the last notice has a stamp at most this (EntryStore.stampsUpTo). */
  get stampsUpTo(): number | undefined {
    return stampOf(this.#arenaNumber, this.#used);
  }

  /** The slot holding an entry UUID, as of the last notice (and only if it still holds it). */
  slotOfUuid(uuid: string): number | undefined {
    return this.#uuidSlots.find(hashOfText(uuid), (slot) => this.uuidAt(slot) === uuid);
  }

  /** The source's record id a slot holds. */
  recordIdAt(slot: number): string | undefined {
    const starts = this.#idStarts!;
    if (slot < 0 || slot >= starts.length) return undefined;
    const start = Atomics.load(starts, slot);
    if (start === 0) return undefined;
    const end = start - 1 + this.#idLengths[slot]!;
    if (end > this.#idBytes.length) this.#idBytes = Buffer.from(this.#idBytes.buffer);
    return (this.#idBytes as unknown as Utf8Slicer).utf8Slice(start - 1, end);
  }

  /** Slots in use or free, as the last notice said. */
  get slotCount(): number {
    return this.#slotCount;
  }

  /** Slots freed as of the last notice: a slot whose generation is above this was freed since. */
  get frees(): number {
    return this.#frees;
  }

  generationOf(slot: number): number {
    return this.#generations[slot]!;
  }

  /** Which record a slot holds now (0: none). */
  recordAt(slot: number): number {
    return slot < this.#slotCount ? Atomics.load(this.#offsets, slot) : 0;
  }

  /** The live slots below `slotCount` (with `all`, every slot), in slot order. */
  *slots(all = false): Generator<number> {
    for (let slot = 0; slot < this.#slotCount; slot++) if (all || this.recordAt(slot) !== 0) yield slot;
  }

  uuidAt(slot: number): string | undefined {
    const start = slot * UUID_WIDTH;
    if (start + UUID_WIDTH > this.#uuids.length) this.#uuids = Buffer.from(this.#uuids.buffer);
    if (start + UUID_WIDTH > this.#uuids.length || Atomics.load(this.#uuids, start) === 0) return undefined;
    return (this.#uuids as unknown as Latin1Slicer).latin1Slice(start, start + UUID_WIDTH);
  }

  /** The entry in a slot, read lazily where it is stored; undefined for a free slot. */
  entry(slot: number): StoredEntry | undefined {
    return this.#read(slot, undefined);
  }

  /** The entry with this UUID, as of the last notice. */
  entryOfUuid(uuid: string): StoredEntry | undefined {
    const slot = this.slotOfUuid(uuid);
    // Read again under the check of `entry`: the slot may have been given to someone else since.
    return slot === undefined ? undefined : this.#read(slot, uuid);
  }

  #read(slot: number, expected: string | undefined): StoredEntry | undefined {
    let offset = this.recordAt(slot);
    let uuid: string | undefined;
    for (let tries = TRIES; ; tries--) {
      if (offset === 0 || tries === 0) return undefined;
      uuid = this.uuidAt(slot);
      if (uuid === undefined || (expected !== undefined && uuid !== expected)) return undefined;
      const again = this.recordAt(slot);
      if (again === offset) break;
      offset = again;
    }
    // The writer grows the arena in place; a Buffer keeps the length it was made with.
    if (this.#bytes.length !== this.#arena.byteLength) this.#bytes = Buffer.from(this.#arena);
    if (offset - 1 >= this.#used && !this.#readable(offset - 1)) return undefined;
    return new StoredEntry(
      uuid,
      this.dnOf,
      this.#bytes,
      offset - 1,
      this.names,
      this.values,
      this.listener,
      slot,
      stampOf(this.#arenaNumber, offset),
    );
  }

  /** Whether every name and shared value a record refers to is known here. */
  #readable(start: number): boolean {
    const bytes = this.#bytes;
    let at = start;
    const varint = (): number => {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return value;
      }
    };
    const names = this.names.all.length;
    const values = this.values.all.length;
    for (let groups = varint(); groups > 0; groups--) {
      if (varint() >= names) return false;
      for (let count = varint(); count > 0; count--) {
        const tag = varint();
        if (tag % 2 === 1) {
          if ((tag - 1) / 2 >= values) return false;
        } else at += tag / 2;
      }
    }
    return true;
  }
}
