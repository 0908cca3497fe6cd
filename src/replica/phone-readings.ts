/**
 * What libphonenumber made of each telephone value of a replica's entries, kept with the entries:
 * the index reads every number once when it indexes an entry, and a search that tests an entry's
 * numbers gets their forms from here instead of parsing them again (a parse costs about 10 µs, and
 * `*4567` tests every candidate's numbers). A reading belongs to the record it was made from: a
 * changed entry (written elsewhere in the arena) or a compaction makes the slot's readings stale,
 * and one missing or stale is made on first use. Nothing is dropped for want of room: there is one
 * short string per slot and telephone attribute, about ten megabytes for 100,000 people. A snapshot
 * keeps them too, so a restored replica parses no stored number either.
 */
import type { PhoneForms, PhoneNumbers, PhoneReading } from '../schema/phone-number.js';
import type { Schema } from '../schema/schema.js';
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
  /** Per slot: the record its readings were made from; 0: none. */
  #records = new Uint32Array(1024);
  /** Per telephone attribute (lower-cased canonical name): per slot, its values' packed readings. */
  readonly #packed = new Map<string, (string | undefined)[]>();
  /** Attribute key as entries spell it -> the canonical key when it is a telephone attribute, else null. */
  readonly #telephone = new Map<string, string | null>();

  constructor(
    private readonly phones: PhoneNumbers,
    private readonly schema: Schema,
    private readonly recordOf: RecordOf,
  ) {}

  /**
   * Writes the readings that are good for the records the store holds now (the store is written
   * with them, as it is): per telephone attribute its key, then one string per slot.
   */
  async saveTo(writer: SnapshotWriter, slotCount: number): Promise<void> {
    // Taken at once: a search may note an attribute never tested before while this is written.
    const attributes = [...this.#packed];
    await writer.strings(attributes.map(([key]) => key));
    for (const [, slots] of attributes) {
      const packed = new Array<string>(slotCount);
      for (let slot = 0; slot < slotCount; slot++) {
        const current = slot < this.#records.length && this.#records[slot] === this.recordOf(slot);
        packed[slot] = (current ? slots[slot] : undefined) ?? NONE;
      }
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
      const slots = this.#slots(canonical);
      for (let slot = 0; slot < slotCount; slot++) {
        const reading = packed[slot]!;
        if (reading === NONE || !PACKED.test(reading) || this.recordOf(slot) === 0) continue;
        this.#claim(slot);
        slots[slot] = reading;
      }
    }
  }

  /** Notes the readings of a slot's values of one telephone attribute, made as the index read them. */
  note(slot: number, key: string, forms: readonly PhoneForms[]): void {
    const canonical = this.#telephoneKey(key);
    if (canonical === null) return;
    this.#claim(slot);
    this.#slots(canonical)[slot] = packAll(forms);
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
    const slots = this.#slots(key);
    const packed = this.#records[slot] === record ? slots[slot] : undefined;
    if (packed !== undefined && values.length === 1 && !packed.includes(VALUES))
      return [this.phones.formsWith(values[0]!, unpack(packed))];
    const readings = packed?.split(VALUES);
    if (readings !== undefined && readings.length === values.length)
      return values.map((value, i) => this.phones.formsWith(value, unpack(readings[i]!)));
    const forms = values.map((value) => this.phones.read(value));
    if (record !== 0 && this.recordOf(slot) === record) {
      this.#claim(slot);
      slots[slot] = packAll(forms);
    }
    return forms;
  }

  /** Makes the slot's readings those of its current record, dropping any of an earlier one. */
  #claim(slot: number): void {
    const record = this.recordOf(slot);
    if (slot >= this.#records.length) {
      let size = this.#records.length * 2;
      while (size <= slot) size *= 2;
      const bigger = new Uint32Array(size);
      bigger.set(this.#records);
      this.#records = bigger;
    }
    if (this.#records[slot] === record) return;
    this.#records[slot] = record;
    for (const slots of this.#packed.values()) slots[slot] = undefined;
  }

  #slots(key: string): (string | undefined)[] {
    let slots = this.#packed.get(key);
    if (!slots) this.#packed.set(key, (slots = []));
    return slots;
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
