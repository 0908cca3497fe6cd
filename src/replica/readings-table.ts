/**
 * Where a replica's phone readings (phone-readings.ts) lie: in shared memory, written by the
 * thread that owns the replica and read by its listener threads too, so a thread tests numbers
 * without parsing them again (about 10 µs each) and without a copy of its own (about ten megabytes
 * at 100,000 people).
 *
 * Per slot the record its readings were made from; per telephone attribute and slot where the
 * slot's packed readings lie in one byte arena (each after its 2-byte length; 0: none). The owner
 * appends and never rewrites bytes, and publishes with Atomics.store what it wrote before; a reader
 * checks the slot's record before and after it reads, so it never pairs one record's readings with
 * another's. Arrays that are full are replaced by bigger copies (a new share, told to readers with
 * the next notice); the old ones are never written again, so a reader still holding them reads
 * what they held, and what it misses it parses.
 */

/** The table as posted to a listener thread: views of shared memory. */
export interface ReadingsShare {
  /** Per slot: the record its readings were made from; 0: none. */
  readonly records: Uint32Array;
  /** Per telephone attribute (lower-cased canonical name): per slot, 1 + where its readings lie in `bytes`. */
  readonly places: Readonly<Record<string, Uint32Array>>;
  /** The packed readings, each after its length (2 bytes, little-endian). */
  readonly bytes: Uint8Array;
}

/** Slots a first table holds. */
const FIRST_SLOTS = 1024;
/** Bytes a first arena holds. */
const FIRST_BYTES = 64 * 1024;
/** The longest packed readings kept (their length is 2 bytes); longer ones are parsed each time. */
const MAX_LENGTH = 0xffff;

export class ReadingsTable {
  #records: Uint32Array;
  #places: Record<string, Uint32Array>;
  #bytes: Uint8Array;
  /** The arena as a Buffer: its latin1 decoding makes a string of a few bytes fastest. */
  #text: Buffer;
  /** Bytes of the arena written so far (the owner's; a reader never writes). */
  #used = 0;

  /** A table to write (the owner's), or a view of the owner's (`share`) to read. */
  constructor(share?: ReadingsShare) {
    this.#records = share?.records ?? shared32(FIRST_SLOTS);
    this.#places = { ...share?.places };
    this.#bytes = share?.bytes ?? new Uint8Array(new SharedArrayBuffer(FIRST_BYTES));
    this.#text = textOf(this.#bytes);
  }

  /** The owner's arrays now, for readers in other threads. */
  share(): ReadingsShare {
    return { records: this.#records, places: { ...this.#places }, bytes: this.#bytes };
  }

  /** A reader's view moves to the owner's arrays as a later share gives them. */
  update(share: ReadingsShare): void {
    this.#records = share.records;
    this.#places = { ...share.places };
    this.#bytes = share.bytes;
    this.#text = textOf(share.bytes);
  }

  /** The telephone attributes that have readings. */
  attributes(): string[] {
    return Object.keys(this.#places);
  }

  /** The record a slot's readings were made from; 0: none. */
  recordOf(slot: number): number {
    return slot < this.#records.length ? Atomics.load(this.#records, slot) : 0;
  }

  /** A slot's packed readings of an attribute, if they were made from `record`. */
  read(slot: number, record: number, key: string): string | undefined {
    const places = this.#places[key];
    const records = this.#records;
    if (places === undefined || slot >= places.length || Atomics.load(records, slot) !== record)
      return undefined;
    const place = Atomics.load(places, slot);
    if (place === 0) return undefined;
    const bytes = this.#bytes;
    const at = place - 1;
    const length = bytes[at]! | (bytes[at + 1]! << 8);
    const text = this.#text.toString('latin1', at + 2, at + 2 + length);
    // The owner may have given the slot to another record meanwhile: then this is not its reading.
    return Atomics.load(records, slot) === record ? text : undefined;
  }

  /** Makes a slot's readings those of `record`, dropping any of an earlier one (owner only). */
  claim(slot: number, record: number): void {
    if (slot >= this.#records.length) this.#growSlots(slot);
    const records = this.#records;
    if (Atomics.load(records, slot) === record) return;
    // Readers see no record while the readings of the earlier one are taken away.
    Atomics.store(records, slot, 0);
    for (const places of Object.values(this.#places)) Atomics.store(places, slot, 0);
    Atomics.store(records, slot, record);
  }

  /** Writes a claimed slot's packed readings of an attribute; undefined drops them (owner only). */
  write(slot: number, key: string, packed: string | undefined): void {
    if (packed === undefined || packed.length > MAX_LENGTH) {
      Atomics.store(this.#placesOf(key), slot, 0);
      return;
    }
    const at = this.#reserve(2 + packed.length);
    const bytes = this.#bytes;
    bytes[at] = packed.length & 0xff;
    bytes[at + 1] = packed.length >> 8;
    // Packed readings are digits and separators: one byte each.
    for (let i = 0; i < packed.length; i++) bytes[at + 2 + i] = packed.charCodeAt(i);
    // Looked up after #reserve, which may have replaced the tables: the place goes in the current ones.
    Atomics.store(this.#placesOf(key), slot, at + 1);
  }

  #placesOf(key: string): Uint32Array {
    let places = this.#places[key];
    if (places === undefined) this.#places[key] = places = shared32(this.#records.length);
    return places;
  }

  /** Where `size` bytes go: after what the arena holds, in a new arena when it is full. */
  #reserve(size: number): number {
    if (this.#used + size > this.#bytes.length) this.#compact(size);
    const at = this.#used;
    this.#used += size;
    return at;
  }

  #growSlots(slot: number): void {
    let capacity = this.#records.length * 2;
    while (capacity <= slot) capacity *= 2;
    const records = shared32(capacity);
    records.set(this.#records);
    this.#records = records;
    for (const [key, old] of Object.entries(this.#places)) {
      const places = shared32(capacity);
      places.set(old);
      this.#places[key] = places;
    }
  }

  /**
   * A new arena with the readings some slot still points at (a changed entry's old ones go), room
   * for `size` bytes more and as much again. The tables are new too: places written from now on
   * point into the new arena, and a reader still holding the old one must not find them there.
   */
  #compact(size: number): void {
    const old = this.#bytes;
    const lengthAt = (place: number): number => 2 + (old[place - 1]! | (old[place]! << 8));
    let live = 0;
    for (const places of Object.values(this.#places))
      for (const place of places) if (place !== 0) live += lengthAt(place);
    let capacity = FIRST_BYTES;
    while (capacity < 2 * (live + size)) capacity *= 2;
    const bytes = new Uint8Array(new SharedArrayBuffer(capacity));
    let used = 0;
    const records = shared32(this.#records.length);
    records.set(this.#records);
    const moved: Record<string, Uint32Array> = {};
    for (const [key, from] of Object.entries(this.#places)) {
      const places = shared32(from.length);
      for (let slot = 0; slot < from.length; slot++) {
        const place = from[slot]!;
        if (place === 0) continue;
        const length = lengthAt(place);
        bytes.set(old.subarray(place - 1, place - 1 + length), used);
        places[slot] = used + 1;
        used += length;
      }
      moved[key] = places;
    }
    this.#bytes = bytes;
    this.#text = textOf(bytes);
    this.#records = records;
    this.#places = moved;
    this.#used = used;
  }
}

function textOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function shared32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}
