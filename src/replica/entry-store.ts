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
import { RecordValues } from './record-values.js';
import { SharedBytes, SharedUint32s } from './shared-bytes.js';
import { RecordIdSlots } from './record-id-slots.js';
import { UuidSlots } from './uuid-slots.js';
import { SnapshotUnusable } from './snapshot-format.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';
import { StoredEntry, type DecodeListener } from './stored-entry.js';
import type { StoreShare } from './store-reader.js';

/** A slot as a search noted it: which, and in which generation. */
export interface SlotRef {
  readonly slot: number;
  readonly generation: number;
}

/** Reclaim garbage once it is this share of the arena (and at least this many bytes). */
const COMPACT_SHARE = 0.4;
const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Arenas made in this process so far: a record's stamp (Entry.stamp) is its arena's number times
 * 2^32 plus its offset, unique in the process and exact as a double while arenas stay below 2^21.
 */
let arenasMade = 0;
const ARENA_STAMP_FACTOR = 2 ** 32;
const MAX_STAMPED_ARENAS = 2 ** 21;

function nextArenaNumber(): number {
  return ++arenasMade;
}

/** The stamp (Entry.stamp) of the record at `offset` + 1 of an arena; undefined once stamps run out. */
export function stampOf(arenaNumber: number | undefined, offset: number): number | undefined {
  return arenaNumber === undefined || arenaNumber >= MAX_STAMPED_ARENAS
    ? undefined
    : arenaNumber * ARENA_STAMP_FACTOR + offset;
}

export class EntryStore {
  readonly names: RecordNames;
  readonly values: RecordValues;
  #arena = new SharedBytes(1 << 20);
  #arenaNumber = nextArenaNumber();
  #buffer: Buffer;
  #used = 0;
  #garbage = 0;
  /**
   * Slot -> record offset + 1; 0 for a free slot. Replaced, not rewritten, by `compact`: a reader in
   * another thread keeps the old offsets with the old arena until told of the new ones.
   */
  #offsets = new SharedUint32s();
  /** Slot -> record length in bytes. */
  #lengths = new SharedUint32s();
  /** Slot -> generation: the number of frees in the store when the slot was last freed (0: never). */
  readonly #generations = new SharedUint32s();
  /** Slots freed so far: the generation the next free gives its slot. */
  #frees = 0;
  readonly #recordIds = new RecordIdSlots();
  readonly #uuids = new UuidSlots();
  readonly #free: number[] = [];
  readonly #encoder: RecordEncoder;
  /** Told of what views of this store decode (its phone readings). */
  listener: DecodeListener | undefined;

  constructor(
    /** The presented DN of an entry, from its UUID. */
    private readonly dnOf: (uuid: string) => string,
    names: readonly string[] = [],
    values: readonly string[] = [],
  ) {
    this.names = new RecordNames(names);
    this.values = new RecordValues(values);
    this.#encoder = new RecordEncoder(this.values);
    this.#buffer = Buffer.from(this.#arena.buffer);
  }

  /** Entries held. */
  get size(): number {
    return this.#recordIds.size;
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
    return this.#recordIds.slotOf(recordId);
  }

  slotOfUuid(uuid: string): number | undefined {
    return this.#uuids.slotOf(uuid);
  }

  recordIdAt(slot: number): string | undefined {
    return this.#recordIds.idAt(slot);
  }

  uuidAt(slot: number): string | undefined {
    return this.#uuids.uuidAt(slot);
  }

  isLive(slot: number): boolean {
    return this.#offsets.get(slot) !== 0;
  }

  generationOf(slot: number): number {
    return this.#generations.get(slot);
  }

  /**
   * Slots freed so far. A slot whose generation is above what this said at some moment has been
   * freed (and perhaps reused) since: whoever noted it then should not read it now.
   */
  get frees(): number {
    return this.#frees;
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
    const existing = this.#recordIds.slotOf(recordId);
    const slot = existing ?? this.#newSlot();
    let sameUuid = false;
    if (existing !== undefined) {
      this.#garbage += this.#lengths.get(slot);
      sameUuid = this.#uuids.uuidAt(slot) === uuid;
      if (!sameUuid) this.#uuids.clear(slot);
    }
    const offset = this.#append(bytes);
    // Published after the record's bytes (and after its old UUID is cleared): a reader in another
    // thread that sees the offset sees the record (StoreReader.entry).
    this.#lengths.set(slot, bytes.length);
    this.#offsets.publish(slot, offset + 1);
    if (existing === undefined) this.#recordIds.set(slot, recordId);
    if (!sameUuid) this.#uuids.set(slot, uuid);
    return slot;
  }

  /** Frees the slot of a record; returns it, or undefined when the record is not held. */
  delete(recordId: string): number | undefined {
    const slot = this.#recordIds.slotOf(recordId);
    if (slot === undefined) return undefined;
    this.#garbage += this.#lengths.get(slot);
    this.#offsets.publish(slot, 0);
    this.#lengths.set(slot, 0);
    this.#frees = (this.#frees + 1) >>> 0;
    this.#generations.set(slot, this.#frees);
    this.#uuids.clear(slot);
    this.#recordIds.clear(slot);
    this.#free.push(slot);
    return slot;
  }

  /** Whether the bytes stored for a record equal `content` encoded (a reload's unchanged record). */
  holds(recordId: string, content: RecordContent): boolean {
    const slot = this.#recordIds.slotOf(recordId);
    if (slot === undefined) return false;
    // Compared value by value: a value stored inline before its attribute was found to repeat is
    // the same value as a reference to the dictionary now.
    const stored = this.groups(slot);
    const { attributes } = content;
    if (stored.length !== attributes.length) return false;
    for (let g = 0; g < stored.length; g++) {
      const a = stored[g]!;
      const b = attributes[g]!;
      if (a.nameId !== b.nameId || a.strings.length !== b.strings.length) return false;
      for (let v = 0; v < a.strings.length; v++) if (a.strings[v] !== b.strings[v]) return false;
    }
    return true;
  }

  /**
   * Every record stored so far has a stamp at most this; one written later (a change, or every
   * record once `compact` moved them) has a higher one. Undefined once stamps are not given.
   */
  get stampsUpTo(): number | undefined {
    return stampOf(this.#arenaNumber, this.#used);
  }

  entryOfUuid(uuid: string): StoredEntry | undefined {
    const slot = this.#uuids.slotOf(uuid);
    return slot === undefined ? undefined : this.entry(slot);
  }

  /** The entry in a slot, read lazily; undefined for a free slot. */
  entry(slot: number): StoredEntry | undefined {
    const offset = this.#offsets.get(slot);
    if (offset === 0) return undefined;
    const uuid = this.#uuids.uuidAt(slot);
    if (uuid === undefined) return undefined;
    return new StoredEntry(
      uuid,
      this.dnOf,
      this.#buffer,
      offset - 1,
      this.names,
      this.values,
      this.listener,
      slot,
      stampOf(this.#arenaNumber, offset),
    );
  }

  /** Which record a slot holds now (0: none): another value once its entry changes or moves. */
  recordAt(slot: number): number {
    return slot < this.#offsets.length ? this.#offsets.get(slot) : 0;
  }

  /** The attributes of the entry in a slot, as stored (tests, snapshots). */
  groups(slot: number): RecordGroup[] {
    const offset = this.#offsets.get(slot);
    return offset === 0 ? [] : readRecord(new RecordReader(this.#buffer, offset - 1, this.values));
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
    const slots = this.#offsets.length;
    const offsets = new SharedUint32s(Math.max(1024, slots));
    const lengths = new SharedUint32s(Math.max(1024, slots));
    offsets.ensureLength(slots);
    lengths.ensureLength(slots);
    let used = 0;
    for (let slot = 0; slot < slots; slot++) {
      const offset = this.#offsets.get(slot);
      if (offset === 0) continue;
      const length = this.#lengths.get(slot);
      this.#buffer.copy(buffer, used, offset - 1, offset - 1 + length);
      offsets.set(slot, used + 1);
      lengths.set(slot, length);
      used += length;
    }
    this.#arena = arena;
    this.#arenaNumber = nextArenaNumber();
    this.#buffer = buffer;
    this.#offsets = offsets;
    this.#lengths = lengths;
    this.#used = used;
    this.#garbage = 0;
  }

  /**
   * What a StoreReader in another thread reads this store through: its shared buffers, its counts,
   * and the names and values its dictionaries hold from `names` and `values` on (a reader that has
   * the first ones is sent the rest). Nothing is copied but those strings.
   */
  share(names = 0, values = 0): StoreShare {
    return {
      arena: this.#arena.buffer,
      offsets: this.#offsets.buffer,
      generations: this.#generations.buffer,
      uuids: this.#uuids.buffer,
      slotCount: this.#offsets.length,
      size: this.size,
      frees: this.#frees,
      used: this.#used,
      arenaNumber: this.#arenaNumber < MAX_STAMPED_ARENAS ? this.#arenaNumber : undefined,
      recordIds: this.#recordIds.share(),
      namesFrom: names,
      names: this.names.all.slice(names),
      valuesFrom: values,
      values: this.values.all.slice(values),
    };
  }

  /** Writes the store to a snapshot: names, slots and the arena as it is (garbage included). */
  async saveTo(writer: SnapshotWriter): Promise<void> {
    const slots = this.#offsets.length;
    await writer.strings(this.names.all);
    await writer.strings(this.values.all);
    await writer.u32s(this.#offsets.view.subarray(0, slots));
    await writer.u32s(this.#lengths.view.subarray(0, slots));
    await writer.strings(Array.from({ length: slots }, (_, slot) => this.#recordIds.idAt(slot) ?? ''));
    await writer.strings(Array.from({ length: slots }, (_, slot) => this.#uuids.uuidAt(slot) ?? ''));
    await writer.bytes(this.#buffer.subarray(0, this.#used));
  }

  /** A store as `saveTo` wrote it; its records are read into shared memory without a second copy. */
  static async loadFrom(reader: SnapshotReader, dnOf: (uuid: string) => string): Promise<EntryStore> {
    const store = new EntryStore(dnOf, await reader.strings(), await reader.strings());
    const offsets = await reader.u32s();
    const lengths = await reader.u32s();
    const recordIds = await reader.strings();
    const uuids = await reader.strings();
    const slots = offsets.length;
    if (lengths.length !== slots || recordIds.length !== slots || uuids.length !== slots)
      throw new SnapshotUnusable('its slot lists disagree in length');
    const used = await reader.bytesInto((length) => {
      store.#arena = new SharedBytes(Math.max(1 << 20, length));
      store.#arenaNumber = nextArenaNumber();
      store.#buffer = Buffer.from(store.#arena.buffer);
      return store.#buffer;
    });
    store.#used = used;
    store.#offsets.ensureLength(slots);
    store.#lengths.ensureLength(slots);
    store.#generations.ensureLength(slots);
    let live = 0;
    for (let slot = 0; slot < slots; slot++) {
      const offset = offsets[slot]!;
      if (offset === 0) {
        store.#free.push(slot);
        continue;
      }
      if (offset - 1 + lengths[slot]! > used || recordIds[slot] === '' || uuids[slot] === '')
        throw new SnapshotUnusable(`slot ${slot} points outside the stored records`);
      store.#offsets.set(slot, offset);
      store.#lengths.set(slot, lengths[slot]!);
      store.#recordIds.set(slot, recordIds[slot]!);
      store.#uuids.set(slot, uuids[slot]!);
      live += lengths[slot]!;
    }
    store.#free.reverse();
    store.#garbage = used - live;
    return store;
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
