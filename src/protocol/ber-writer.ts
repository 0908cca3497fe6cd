/**
 * A BER writer producing the minimal definite-length encoding OpenLDAP produces: shortest length
 * octets, minimal two's-complement INTEGERs, TRUE as 0xff.
 *
 * Everything goes into one growing Buffer. A constructed element reserves one length octet when it
 * starts; when it ends and its content turned out to need a longer length, the content is moved up
 * with one memmove. That keeps encoding linear for the shallow PDUs LDAP has, with no per-byte pushes
 * and no intermediate arrays.
 */
import { BerError } from './ber-error.js';
import { BerTag } from './ber-reader.js';

/** Bytes up to which a range is copied byte by byte rather than through a view of it. */
const SHORT_COPY = 64;

export class BerWriter {
  private buf: Buffer;
  private pos = 0;
  /** Offsets of the reserved length octet of each open constructed element. */
  private readonly open: number[] = [];

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  /**
   * The encoded bytes: a plain Uint8Array view of the writer's buffer (no copy), valid until the writer
   * is written to again.
   */
  toBytes(): Uint8Array {
    if (this.open.length > 0)
      throw new BerError(`${this.open.length} constructed element(s) not ended`, this.pos);
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
  }

  /**
   * Drops everything after the first `length` bytes, open elements included: a message that failed
   * half-written leaves no trace in a buffer it shares with others.
   */
  rewind(length: number): void {
    if (length > this.pos)
      throw new BerError(`cannot rewind to ${length}: only ${this.pos} written`, this.pos);
    this.pos = length;
    this.open.length = 0;
  }

  startSequence(tag: number = BerTag.sequence): void {
    this.ensure(2);
    this.buf[this.pos++] = tag;
    this.open.push(this.pos);
    this.pos++;
  }

  /**
   * The tag and length of a constructed element whose content length is known before it is
   * written: no octet reserved, so nothing is moved up when it ends (no endSequence follows).
   */
  writeSequenceHeader(contentLength: number, tag: number = BerTag.sequence): void {
    this.writeHeader(tag, contentLength, 0);
  }

  endSequence(): void {
    const lengthAt = this.open.pop();
    if (lengthAt === undefined) throw new BerError('endSequence without startSequence', this.pos);
    const contentStart = lengthAt + 1;
    const length = this.pos - contentStart;
    const extra = lengthOctets(length) - 1;
    if (extra > 0) {
      this.ensure(extra);
      this.buf.copyWithin(contentStart + extra, contentStart, this.pos);
      this.pos += extra;
    }
    writeLengthAt(this.buf, lengthAt, length);
  }

  writeInteger(value: number, tag: number = BerTag.integer): void {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new BerError(`cannot encode INTEGER ${value}: not a 32-bit signed integer`, this.pos);
    }
    const size = integerOctets(value);
    this.ensure(2 + size);
    this.buf[this.pos++] = tag;
    this.buf[this.pos++] = size;
    this.buf.writeIntBE(value, this.pos, size);
    this.pos += size;
  }

  writeEnumerated(value: number, tag: number = BerTag.enumerated): void {
    this.writeInteger(value, tag);
  }

  writeBoolean(value: boolean, tag: number = BerTag.boolean): void {
    this.ensure(3);
    this.buf[this.pos++] = tag;
    this.buf[this.pos++] = 1;
    this.buf[this.pos++] = value ? 0xff : 0x00;
  }

  writeNull(tag: number = BerTag.null): void {
    this.ensure(2);
    this.buf[this.pos++] = tag;
    this.buf[this.pos++] = 0;
  }

  writeOctetString(value: Uint8Array, tag: number = BerTag.octetString): void {
    this.writeHeader(tag, value.length, value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** An OCTET STRING of `bytes` from `start` to `end` (exclusive). */
  writeOctetStringRange(
    bytes: Uint8Array,
    start: number,
    end: number,
    tag: number = BerTag.octetString,
  ): void {
    const length = end - start;
    this.writeHeader(tag, length, length);
    const buf = this.buf;
    const at = this.pos;
    // Most values are a few dozen bytes: copied in a loop, without a subarray view made per value.
    if (length <= SHORT_COPY) for (let i = 0; i < length; i++) buf[at + i] = bytes[start + i]!;
    else buf.set(bytes.subarray(start, end), at);
    this.pos = at + length;
  }

  /** An OCTET STRING holding the UTF-8 encoding of `value`, written straight into the buffer. */
  writeString(value: string, tag: number = BerTag.octetString): void {
    if (value.length < 0x80 && this.tryWriteAscii(value, tag)) return;
    const length = Buffer.byteLength(value, 'utf8');
    this.writeHeader(tag, length, length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  /**
   * Most strings in an entry are short ASCII; copying them char by char is about twice as fast as
   * Buffer.byteLength plus Buffer.write. Gives up (writing nothing) at the first non-ASCII char.
   */
  private tryWriteAscii(value: string, tag: number): boolean {
    const length = value.length;
    this.ensure(2 + length);
    const buf = this.buf;
    const start = this.pos + 2;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) return false;
      buf[start + i] = code;
    }
    buf[this.pos] = tag;
    buf[this.pos + 1] = length;
    this.pos = start + length;
    return true;
  }

  /** Bytes that are already a complete encoding (e.g. a pre-encoded element). */
  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private writeHeader(tag: number, length: number, contentToReserve: number): void {
    const octets = lengthOctets(length);
    this.ensure(1 + octets + contentToReserve);
    this.buf[this.pos++] = tag;
    writeLengthAt(this.buf, this.pos, length);
    this.pos += octets;
  }

  private ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** Octets the length field takes: 1 for short form, 1 + n for long form. */
export function lengthOctets(length: number): number {
  if (length < 0x80) return 1;
  if (length <= 0xff) return 2;
  if (length <= 0xffff) return 3;
  if (length <= 0xffffff) return 4;
  return 5;
}

/** Writes a length field of lengthOctets(length) octets at `at`. */
export function writeLengthAt(buf: Buffer, at: number, length: number): void {
  const octets = lengthOctets(length);
  if (octets === 1) {
    buf[at] = length;
    return;
  }
  buf[at] = 0x80 | (octets - 1);
  buf.writeUIntBE(length, at + 1, octets - 1);
}

/** Octets of the minimal two's-complement encoding. */
export function integerOctets(value: number): number {
  if (value >= -0x80 && value <= 0x7f) return 1;
  if (value >= -0x8000 && value <= 0x7fff) return 2;
  if (value >= -0x800000 && value <= 0x7fffff) return 3;
  return 4;
}
