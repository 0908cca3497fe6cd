/**
 * One entry of a replica as bytes: its attributes, each with its values, in UTF-8.
 *
 *   record   := varint count, count × group
 *   group    := varint nameId, varint count, count × value
 *   value    := varint (byteLength × 2), UTF-8 bytes    a value of its own
 *             | varint (valueId × 2 + 1)                a value many entries share
 *
 * Names are small integers from the store's dictionary (record-names.ts), shared values from its
 * value dictionary (record-values.ts). Varints are LEB128.
 */
import type { AttributeChoice, AttributeSink } from '../schema/entry.js';
import type { RecordNames } from './record-names.js';
import type { RecordValues } from './record-values.js';

/** An attribute with its values. */
export interface RecordGroup {
  readonly nameId: number;
  readonly strings: readonly string[];
}

export interface RecordContent {
  readonly attributes: readonly RecordGroup[];
}

const encoder = new TextEncoder();

/** Encodes records into a reusable scratch buffer; `encode` returns a view valid until the next call. */
export class RecordEncoder {
  #scratch = new Uint8Array(4096);
  #length = 0;

  constructor(private readonly values: RecordValues) {}

  encode(content: RecordContent): Uint8Array {
    this.#length = 0;
    this.#section(content.attributes);
    return this.#scratch.subarray(0, this.#length);
  }

  #section(groups: readonly RecordGroup[]): void {
    this.#varint(groups.length);
    for (const group of groups) {
      this.#varint(group.nameId);
      this.#varint(group.strings.length);
      for (const text of group.strings) {
        const shared = this.values.idOf(group.nameId, text);
        if (shared === undefined) this.#string(text);
        else this.#varint(shared * 2 + 1);
      }
    }
  }

  #string(text: string): void {
    // At most 3 bytes per UTF-16 unit; the length prefix is written after the bytes are known.
    this.#room(text.length * 3 + 5);
    const lengthAt = this.#length;
    const { written } = encoder.encodeInto(text, this.#scratch.subarray(lengthAt + 5));
    const prefix = varintSize(written * 2);
    // Move the bytes back to sit right after a prefix of its real size.
    this.#scratch.copyWithin(lengthAt + prefix, lengthAt + 5, lengthAt + 5 + written);
    this.#length = lengthAt;
    this.#varint(written * 2);
    this.#length += written;
  }

  #varint(value: number): void {
    this.#room(5);
    let rest = value;
    while (rest >= 0x80) {
      this.#scratch[this.#length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.#scratch[this.#length++] = rest;
  }

  #room(extra: number): void {
    if (this.#length + extra <= this.#scratch.length) return;
    let size = this.#scratch.length * 2;
    while (size < this.#length + extra) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.#scratch.subarray(0, this.#length));
    this.#scratch = bigger;
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest >>>= 7) size++;
  return size;
}

/** Node's Buffer has this native method; toString('utf8', ...) is a checked wrapper around it. */
interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

/** Reads a record in place: a cursor over the store's bytes, decoding only what is asked for. */
export class RecordReader {
  #at = 0;

  constructor(
    private readonly bytes: Buffer,
    start: number,
    private readonly values: RecordValues,
  ) {
    this.#at = start;
  }

  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.bytes[this.#at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }

  string(): string {
    const tag = this.varint();
    if (tag % 2 === 1) return this.values.valueOf((tag - 1) / 2);
    const length = tag / 2;
    const start = this.#at;
    this.#at += length;
    // Buffer's own UTF-8 slice, without toString's argument checks: values are read per candidate.
    return (this.bytes as unknown as Utf8Slicer).utf8Slice(start, this.#at);
  }

  skipString(): void {
    const tag = this.varint();
    if (tag % 2 === 0) this.#at += tag / 2;
  }

  /** Skips a whole group's strings (after its name id has been read). */
  skipStrings(): void {
    const count = this.varint();
    for (let i = 0; i < count; i++) this.skipString();
  }

  strings(): string[] {
    const count = this.varint();
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) out[i] = this.string();
    return out;
  }

  get position(): number {
    return this.#at;
  }
}

/** Reads a whole record as groups (tests, snapshots). */
export function readRecord(reader: RecordReader): RecordGroup[] {
  const groups: RecordGroup[] = [];
  const count = reader.varint();
  for (let g = 0; g < count; g++) groups.push({ nameId: reader.varint(), strings: reader.strings() });
  return groups;
}

/**
 * Hands the record at `start` to `sink` as the choice asks: each chosen attribute under its shown
 * type, each value as the bytes stored for it (a shared value as its dictionary bytes). Nothing is
 * decoded and nothing is made: no string, array or object per attribute, not even a reader (an
 * export runs this for every entry of the copy).
 */
export function writeRecordAttributes(
  bytes: Buffer,
  start: number,
  names: RecordNames,
  values: RecordValues,
  choice: AttributeChoice,
  sink: AttributeSink,
): void {
  const withValues = choice.values;
  let at = start;
  // Varints inline: below 128 (nearly every count, name id and length) a varint is its one byte.
  let groups = bytes[at++]!;
  if (groups >= 0x80) [groups, at] = longVarint(bytes, at - 1);
  for (let g = 0; g < groups; g++) {
    let nameId = bytes[at++]!;
    if (nameId >= 0x80) [nameId, at] = longVarint(bytes, at - 1);
    let count = bytes[at++]!;
    if (count >= 0x80) [count, at] = longVarint(bytes, at - 1);
    const type = choice.typeOf(names.keyOf(nameId), names.nameOf(nameId));
    if (type !== undefined) sink.startAttribute(type);
    for (let v = 0; v < count; v++) {
      let tag = bytes[at++]!;
      if (tag >= 0x80) [tag, at] = longVarint(bytes, at - 1);
      if (tag % 2 === 1) {
        if (type === undefined || !withValues) continue;
        const shared = values.bytesOf((tag - 1) / 2);
        sink.value(shared, 0, shared.length);
        continue;
      }
      const end = at + tag / 2;
      if (type !== undefined && withValues) sink.value(bytes, at, end);
      at = end;
    }
    if (type !== undefined) sink.endAttribute();
  }
}

/** A varint of more than one byte at `at`: its value, and where what follows it starts. */
function longVarint(bytes: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}
