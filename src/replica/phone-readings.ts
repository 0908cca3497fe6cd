/**
 * What libphonenumber made of each telephone value of a replica's entries, kept with the entries:
 * the index reads every number once when it indexes an entry, and a search that tests an entry's
 * numbers gets their forms from here instead of parsing them again (a parse costs about 10 µs, and
 * `*4567` tests every candidate's numbers). A reading belongs to the record it was made from: a
 * changed entry (written elsewhere in the arena) or a compaction makes the slot's readings stale,
 * and one missing or stale is made on first use. Nothing is dropped for want of room: there are a
 * few bytes per slot and telephone attribute, about five megabytes for 100,000 people, in shared
 * memory (readings-table.ts): a listener thread reads the owner's readings (`attached`) and parses
 * only what they miss, keeping nothing. A snapshot keeps them too, so a restored replica parses no
 * stored number either.
 */
import type { PhoneForms, PhoneNumbers, PhoneReading } from '../schema/phone-number.js';
import type { Schema } from '../schema/schema.js';
import { ReadingsTable, type ReadingsShare } from './readings-table.js';
import { SnapshotUnusable } from './snapshot-format.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';

/** Where the record of a slot sits in the store (0: free); a reading is valid for that record only. */
export type RecordOf = (slot: number) => number;

/** Between readings of one attribute's values. */
const VALUES = ';';
/** Between the calling code, national number and extension of one reading (all digits). */
const PARTS = ',';
/** What a packed reading looks like: libphonenumber gives digits only, but a surprise is read, not misread. */
const PACKABLE = /^(?:\d+,\d+,\d*)?$/;
/** What a packed attribute looks like, as a snapshot holds it. */
const PACKED = /^(?:\d+,\d+,\d*)?(?:;(?:\d+,\d+,\d*)?)*$/;
/** A slot without readings in a snapshot (never a packed reading: no digit, no separator). */
const NONE = '-';

export class PhoneReadings {
  /** Per slot the record its readings were made from, per telephone attribute and slot its readings. */
  readonly #table: ReadingsTable;
  /** Whether the readings are this thread's to write (the replica's owner), or another's to read. */
  readonly #owner: boolean;
  /** Attribute key as entries spell it -> the canonical key when it is a telephone attribute, else null. */
  readonly #telephone = new Map<string, string | null>();

  constructor(
    private readonly phones: PhoneNumbers,
    private readonly schema: Schema,
    private readonly recordOf: RecordOf,
    /** The owner's readings (PhoneReadings.share), read from another thread; absent: this thread's own. */
    share?: ReadingsShare,
  ) {
    this.#table = new ReadingsTable(share);
    this.#owner = share === undefined;
  }

  /** Where the readings lie, for a listener thread's PhoneReadings. */
  share(): ReadingsShare {
    return this.#table.share();
  }

  /** A reader's view follows the owner's readings as a later share gives them. */
  update(share: ReadingsShare): void {
    this.#table.update(share);
  }

  /**
   * Writes the readings that are good for the records the store holds now (the store is written
   * with them, as it is): per telephone attribute its key, then one string per slot.
   */
  async saveTo(writer: SnapshotWriter, slotCount: number): Promise<void> {
    // Taken at once: a search may note an attribute never tested before while this is written.
    const attributes = this.#table.attributes();
    await writer.strings(attributes);
    for (const key of attributes) {
      const packed = new Array<string>(slotCount);
      for (let slot = 0; slot < slotCount; slot++)
        packed[slot] = this.#table.read(slot, this.recordOf(slot), key) ?? NONE;
      await writer.strings(packed);
    }
  }

  /**
   * Takes the readings `saveTo` wrote, for the records of the store restored with them. One that is
   * not a packed reading, or that no longer fits its values, is read again on first use.
   */
  async loadFrom(reader: SnapshotReader, slotCount: number): Promise<void> {
    const keys = await reader.strings();
    for (const key of keys) {
      const packed = await reader.strings();
      if (packed.length !== slotCount)
        throw new SnapshotUnusable('its phone readings disagree with its slots');
      const canonical = this.#telephoneKey(key);
      if (canonical === null) continue;
      for (let slot = 0; slot < slotCount; slot++) {
        const reading = packed[slot]!;
        if (reading === NONE || !PACKED.test(reading) || this.recordOf(slot) === 0) continue;
        this.#claim(slot);
        this.#table.write(slot, canonical, reading);
      }
    }
  }

  /** Notes the readings of a slot's values of one telephone attribute, made as the index read them. */
  note(slot: number, key: string, forms: readonly PhoneForms[]): void {
    const canonical = this.#telephoneKey(key);
    if (canonical === null || !this.#owner) return;
    this.#claim(slot);
    this.#table.write(slot, canonical, packAll(forms));
  }

  /**
   * Tells the matching rules how to get the forms of a slot's values of an attribute, should a
   * filter test them: from their readings, or (none for this record yet) by reading them once and
   * keeping the readings. Other attributes are left alone; so are values nobody tests (an entry
   * sent back with its numbers costs nothing here).
   */
  attach(slot: number, record: number, key: string, values: readonly string[]): void {
    const canonical = this.#telephoneKey(key);
    if (canonical !== null) this.phones.provide(values, () => this.#formsOf(slot, record, canonical, values));
  }

  #formsOf(slot: number, record: number, key: string, values: readonly string[]): readonly PhoneForms[] {
    const packed = this.#table.read(slot, record, key);
    if (packed !== undefined && values.length === 1 && !packed.includes(VALUES))
      return [this.phones.formsWith(values[0]!, unpack(packed))];
    const readings = packed?.split(VALUES);
    if (readings !== undefined && readings.length === values.length)
      return values.map((value, i) => this.phones.formsWith(value, unpack(readings[i]!)));
    const forms = values.map((value) => this.phones.read(value));
    // A reader keeps nothing: the owner reads every number it indexes, so only a change this
    // thread has not been told of yet is missing.
    if (this.#owner && record !== 0 && this.recordOf(slot) === record) {
      this.#claim(slot);
      this.#table.write(slot, key, packAll(forms));
    }
    return forms;
  }

  /** Makes the slot's readings those of its current record, dropping any of an earlier one. */
  #claim(slot: number): void {
    this.#table.claim(slot, this.recordOf(slot));
  }

  #telephoneKey(key: string): string | null {
    let canonical = this.#telephone.get(key);
    if (canonical === undefined) {
      const type = this.schema.attribute(key);
      canonical = type?.matching === 'telephone' ? type.name.toLowerCase() : null;
      this.#telephone.set(key, canonical);
    }
    return canonical;
  }
}

/** The readings of an attribute's values as one string; undefined if one could not be told apart (not digits). */
function packAll(forms: readonly PhoneForms[]): string | undefined {
  const packed = forms.map(({ reading }) => pack(reading));
  return packed.every((part) => PACKABLE.test(part)) ? packed.join(VALUES) : undefined;
}

function pack(reading: PhoneReading | undefined): string {
  return reading ? `${reading.callingCode}${PARTS}${reading.nationalNumber}${PARTS}${reading.ext}` : '';
}

/** The inverse of `pack`; sliced rather than split (one array fewer per number a search tests). */
function unpack(packed: string): PhoneReading | undefined {
  if (packed === '') return undefined;
  const first = packed.indexOf(PARTS);
  const second = packed.indexOf(PARTS, first + 1);
  return {
    callingCode: packed.slice(0, first),
    nationalNumber: packed.slice(first + 1, second),
    ext: packed.slice(second + 1),
  };
}
