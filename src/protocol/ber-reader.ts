/**
 * A bounded BER reader (X.690 definite-length subset that LDAP uses, RFC 4511 section 5.1).
 * Every length is checked against the bytes that remain in the enclosing element before anything is
 * read, so a hostile length can never make it read past its bounds, allocate, or go negative.
 * Every failure is a BerError naming what was being read and the absolute offset.
 */
import { BerError } from './ber-error.js';

/** Universal tags LDAP uses. */
export const BerTag = {
  boolean: 0x01,
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  enumerated: 0x0a,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Largest value of LDAP's `maxInt` (RFC 4511 section 4.1.1). */
export const MAX_INT = 0x7fffffff;

/** Length octets after the first: 4 covers every length a 32-bit system can hold. */
const MAX_LENGTH_OCTETS = 4;

export interface BerElement {
  readonly tag: number;
  /** A reader bounded to the element's content. */
  readonly reader: BerReader;
}

export class BerReader {
  private readonly buf: Buffer;
  private pos: number;
  private readonly end: number;

  constructor(data: Uint8Array, start = 0, end = data.length) {
    if (start < 0 || end > data.length || start > end) throw new RangeError('BerReader bounds out of range');
    this.buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** Absolute offset of the next byte to read. */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  hasMore(): boolean {
    return this.pos < this.end;
  }

  /** The next tag byte without consuming it, or undefined at the end. */
  peekTag(): number | undefined {
    return this.pos < this.end ? this.buf[this.pos] : undefined;
  }

  /** Reads any element: its tag and a reader over its content. */
  readElement(what: string): BerElement {
    const tag = this.readTag(what);
    const { start, end } = this.readLength(what);
    return { tag, reader: new BerReader(this.buf, start, end) };
  }

  /** Reads a constructed element with the given tag (SEQUENCE by default) and returns its content. */
  readSequence(what: string, tag: number = BerTag.sequence): BerReader {
    const { start, end } = this.expect(tag, what);
    return new BerReader(this.buf, start, end);
  }

  /** The raw content of an element with the given tag, as a view (no copy). */
  readContent(what: string, tag: number): Uint8Array {
    const { start, end } = this.expect(tag, what);
    return this.buf.subarray(start, end);
  }

  /** An OCTET STRING (or implicitly tagged one) as a copy that does not pin the frame's buffer. */
  readOctetString(what: string, tag: number = BerTag.octetString): Uint8Array {
    const { start, end } = this.expect(tag, what);
    return new Uint8Array(this.buf.subarray(start, end));
  }

  /** An OCTET STRING decoded as UTF-8 (invalid sequences become U+FFFD, they do not throw). */
  readString(what: string, tag: number = BerTag.octetString): string {
    const { start, end } = this.expect(tag, what);
    return this.buf.toString('utf8', start, end);
  }

  /** An INTEGER that fits in 32 bits, signed. */
  readInteger(what: string, tag: number = BerTag.integer): number {
    const at = this.pos;
    const { start, end } = this.expect(tag, what);
    return this.decodeInt32(start, end, what, at);
  }

  /** An INTEGER in LDAP's `0..maxInt` range (message IDs, limits, page sizes). */
  readNonNegativeInteger(what: string, tag: number = BerTag.integer): number {
    const at = this.pos;
    const value = this.readInteger(what, tag);
    if (value < 0) throw new BerError(`${what}: ${value} is negative`, at);
    return value;
  }

  readEnumerated(what: string, tag: number = BerTag.enumerated): number {
    return this.readInteger(what, tag);
  }

  /** A BOOLEAN: one content octet, zero is FALSE, anything else TRUE (X.690 8.2.2). */
  readBoolean(what: string, tag: number = BerTag.boolean): boolean {
    const at = this.pos;
    const { start, end } = this.expect(tag, what);
    if (end - start !== 1)
      throw new BerError(`${what}: BOOLEAN must have 1 content octet, has ${end - start}`, at);
    return this.buf[start] !== 0;
  }

  readNull(what: string, tag: number = BerTag.null): void {
    const at = this.pos;
    const { start, end } = this.expect(tag, what);
    if (end !== start) throw new BerError(`${what}: NULL must be empty, has ${end - start} octets`, at);
  }

  /** Skips one complete element of any tag. */
  skipElement(what: string): void {
    this.readTag(what);
    this.readLength(what);
  }

  /** Fails unless every byte has been consumed. */
  expectEnd(what: string): void {
    if (this.pos < this.end)
      throw new BerError(`${what}: ${this.end - this.pos} unexpected trailing bytes`, this.pos);
  }

  private expect(tag: number, what: string): { start: number; end: number } {
    const at = this.pos;
    const actual = this.readTag(what);
    if (actual !== tag) throw new BerError(`${what}: expected tag ${hex(tag)}, found ${hex(actual)}`, at);
    return this.readLength(what);
  }

  private readTag(what: string): number {
    if (this.pos >= this.end) throw new BerError(`${what}: missing (end of data)`, this.pos);
    const tag = this.buf[this.pos]!;
    // LDAP only uses tag numbers below 31; the multi-octet form would be an attack surface for nothing.
    if ((tag & 0x1f) === 0x1f)
      throw new BerError(`${what}: multi-octet tag ${hex(tag)} not supported`, this.pos);
    this.pos++;
    return tag;
  }

  /** Reads the length octets and consumes the content; returns the content bounds. */
  private readLength(what: string): { start: number; end: number } {
    const at = this.pos;
    if (this.pos >= this.end) throw new BerError(`${what}: length missing (end of data)`, at);
    const first = this.buf[this.pos++]!;
    let length = first;
    if (first === 0x80) throw new BerError(`${what}: indefinite length not allowed`, at);
    if (first > 0x80) {
      const count = first & 0x7f;
      if (count > MAX_LENGTH_OCTETS) throw new BerError(`${what}: length of ${count} octets is too long`, at);
      if (count > this.end - this.pos) throw new BerError(`${what}: length octets truncated`, at);
      length = 0;
      // Multiplication, not shifts: bitwise operators are 32-bit signed and would turn 0xffffffff into -1.
      for (let i = 0; i < count; i++) length = length * 256 + this.buf[this.pos++]!;
    }
    if (length > this.end - this.pos) {
      throw new BerError(`${what}: length ${length} exceeds the ${this.end - this.pos} bytes available`, at);
    }
    const start = this.pos;
    this.pos += length;
    return { start, end: this.pos };
  }

  private decodeInt32(start: number, end: number, what: string, at: number): number {
    const length = end - start;
    if (length === 0) throw new BerError(`${what}: INTEGER has no content octets`, at);
    if (length > 4) throw new BerError(`${what}: INTEGER of ${length} octets exceeds 32 bits`, at);
    return this.buf.readIntBE(start, length);
  }
}

export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}
