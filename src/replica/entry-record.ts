/**
 * One entry of a replica as bytes: its attributes, each with its values, in UTF-8.
 *
 *   record   := varint count, count × group
 *   group    := varint nameId, varint count, count × (varint byteLength, UTF-8 bytes)
 *
 * Names are small integers from the store's dictionary (record-names.ts). Varints are LEB128.
 */

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
      for (const text of group.strings) this.#string(text);
    }
  }

  #string(text: string): void {
    // At most 3 bytes per UTF-16 unit; the length prefix is written after the bytes are known.
    this.#room(text.length * 3 + 5);
    const lengthAt = this.#length;
    const { written } = encoder.encodeInto(text, this.#scratch.subarray(lengthAt + 5));
    const prefix = varintSize(written);
    // Move the bytes back to sit right after a prefix of its real size.
    this.#scratch.copyWithin(lengthAt + prefix, lengthAt + 5, lengthAt + 5 + written);
    this.#length = lengthAt;
    this.#varint(written);
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
    const length = this.varint();
    const start = this.#at;
    this.#at += length;
    // Buffer's own UTF-8 slice, without toString's argument checks: values are read per candidate.
    return (this.bytes as unknown as Utf8Slicer).utf8Slice(start, this.#at);
  }

  skipString(): void {
    const length = this.varint();
    this.#at += length;
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
