import { describe, expect, it } from 'vitest';
import { BerError } from '../../src/protocol/ber-error.js';
import { BerReader, BerTag } from '../../src/protocol/ber-reader.js';
import { BerWriter } from '../../src/protocol/ber-writer.js';
import { fromHex, toHex } from './hex-fixtures.js';

function written(write: (writer: BerWriter) => void): string {
  const writer = new BerWriter(4);
  write(writer);
  return toHex(writer.toBytes());
}

function reader(hex: string): BerReader {
  return new BerReader(fromHex(hex));
}

function berError(read: () => unknown): BerError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(BerError);
    return error as BerError;
  }
  throw new Error('expected a BerError');
}

describe('BerWriter', () => {
  it.each([
    [0, '020100'],
    [1, '020101'],
    [127, '02017f'],
    [128, '02020080'],
    [255, '020200ff'],
    [256, '02020100'],
    [32767, '02027fff'],
    [32768, '0203008000'],
    [0x7fffffff, '02047fffffff'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [-0x80000000, '020480000000'],
  ])('writes INTEGER %i as minimal two’s complement %s', (value, hex) => {
    expect(written((w) => w.writeInteger(value))).toBe(hex);
    expect(reader(hex).readInteger('n')).toBe(value);
  });

  it.each([0.5, 2 ** 31, -(2 ** 31) - 1, Number.NaN])('refuses INTEGER %d', (value) => {
    berError(() => new BerWriter().writeInteger(value));
  });

  it.each([
    [0, '0400'],
    [127, '047f'],
    [128, '048180'],
    [255, '0481ff'],
    [256, '04820100'],
    [65535, '0482ffff'],
    [65536, '0483010000'],
  ])('writes a %i-octet OCTET STRING with minimal length octets', (length, header) => {
    const hex = written((w) => w.writeOctetString(new Uint8Array(length)));
    expect(hex.slice(0, header.length)).toBe(header);
    expect(hex.length).toBe(header.length + 2 * length);
  });

  it('writes BOOLEAN TRUE as 0xff, FALSE as 0x00, and NULL', () => {
    expect(written((w) => w.writeBoolean(true))).toBe('0101ff');
    expect(written((w) => w.writeBoolean(false))).toBe('010100');
    expect(written((w) => w.writeNull(0x42))).toBe('4200');
  });

  it('writes UTF-8 strings', () => {
    expect(written((w) => w.writeString('Mü', 0x80))).toBe('80034dc3bc');
  });

  it.each([
    ['127 ASCII chars', 'a'.repeat(127), '047f'],
    ['128 ASCII chars', 'a'.repeat(128), '048180'],
    ['ASCII ending in a non-ASCII char', `${'a'.repeat(126)}ü`, '048180'],
    ['non-ASCII first', `ü${'a'.repeat(10)}`, '040c'],
    ['an astral char', 'x😀', '0405'],
    ['the empty string', '', '0400'],
  ])('writes %s with the right length and bytes', (_, value, header) => {
    const writer = new BerWriter(1);
    writer.writeInteger(1);
    writer.writeString(value);
    const reader = new BerReader(writer.toBytes());
    reader.readInteger('n');
    expect(toHex(writer.toBytes()).slice(6, 6 + header.length)).toBe(header);
    expect(reader.readString('s')).toBe(value);
  });

  it.each([0, 1, 126, 127, 128, 255, 256, 70000])(
    'moves the content of a SEQUENCE whose %i-octet content needs a longer length',
    (size) => {
      const writer = new BerWriter(4);
      writer.startSequence();
      writer.startSequence(BerTag.set);
      writer.writeOctetString(new Uint8Array(size).fill(7));
      writer.endSequence();
      writer.writeInteger(5);
      writer.endSequence();
      const outer = new BerReader(writer.toBytes()).readSequence('outer');
      expect(outer.readSequence('set', BerTag.set).readOctetString('value')).toEqual(
        new Uint8Array(size).fill(7),
      );
      expect(outer.readInteger('n')).toBe(5);
      outer.expectEnd('outer');
    },
  );

  it('refuses to hand out bytes with a SEQUENCE still open, or to end one never started', () => {
    const writer = new BerWriter();
    writer.startSequence();
    berError(() => writer.toBytes());
    berError(() => new BerWriter().endSequence());
  });
});

describe('BerReader', () => {
  it('reads every primitive LDAP uses', () => {
    const r = reader('0101ff 010100 0a0102 0403616263 0500 300302012a');
    expect(r.readBoolean('b')).toBe(true);
    expect(r.readBoolean('b')).toBe(false);
    expect(r.readEnumerated('e')).toBe(2);
    expect(r.readString('s')).toBe('abc');
    r.readNull('n');
    const sequence = r.readSequence('seq');
    expect(sequence.readInteger('i')).toBe(42);
    expect(r.hasMore()).toBe(false);
  });

  it('treats any non-zero BOOLEAN octet as TRUE', () => {
    expect(reader('010101').readBoolean('b')).toBe(true);
  });

  it('reads long-form lengths and bounds sub-readers to their element', () => {
    const content = '00'.repeat(200);
    const r = reader(`3081c8${content}020101`);
    const sequence = r.readSequence('seq');
    expect(sequence.remaining).toBe(200);
    expect(r.readInteger('after')).toBe(1);
  });

  it('returns copies of OCTET STRINGs, not views of the frame', () => {
    const frame = fromHex('0403616263');
    const value = new BerReader(frame).readOctetString('v');
    frame[2] = 0;
    expect(toHex(value)).toBe('616263');
    expect(Buffer.isBuffer(value)).toBe(false);
  });

  it('decodes invalid UTF-8 with replacement characters instead of throwing', () => {
    expect(reader('0402c328').readString('s')).toBe('\ufffd(');
  });

  it.each([
    [
      'the length 84 ffffffff (never -1)',
      '3084ffffffff00',
      /length 4294967295 exceeds the 1 bytes available at offset 1/,
    ],
    ['the indefinite length', '308000000000', /indefinite length not allowed at offset 1/],
    ['a length of 5 octets', '30850000000001', /length of 5 octets is too long at offset 1/],
    ['a length longer than the data', '300502', /length 5 exceeds the 1 bytes available at offset 1/],
    ['truncated length octets', '3082', /length octets truncated at offset 1/],
    ['a missing length', '30', /length missing/],
    ['the end of data', '', /missing \(end of data\) at offset 0/],
    ['a multi-octet tag', '3f0100', /multi-octet tag 0x3f not supported at offset 0/],
    ['a wrong tag', '310100', /expected tag 0x30, found 0x31 at offset 0/],
  ])('rejects %s', (_, hex, message) => {
    expect(berError(() => reader(hex).readSequence('LDAPMessage')).message).toMatch(message);
  });

  it.each([
    ['an INTEGER of 5 octets', '02050000000001', /INTEGER of 5 octets exceeds 32 bits/],
    ['an empty INTEGER', '0200', /INTEGER has no content octets/],
  ])('rejects %s', (_, hex, message) => {
    expect(berError(() => reader(hex).readInteger('messageID')).message).toMatch(message);
  });

  it('rejects negative values where LDAP wants 0..maxInt, naming the field and offset', () => {
    const error = berError(() => reader('0201ff').readNonNegativeInteger('sizeLimit'));
    expect(error.message).toBe('sizeLimit: -1 is negative at offset 0');
    expect(error.offset).toBe(0);
  });

  it('rejects BOOLEANs and NULLs of the wrong size and trailing bytes', () => {
    berError(() => reader('01020000').readBoolean('typesOnly'));
    berError(() => reader('050100').readNull('unbind'));
    berError(() => reader('0500 00').expectEnd('x'));
  });

  it('reports absolute offsets from inside sub-readers', () => {
    const inner = reader('3005 020101 0480').readSequence('outer');
    inner.readInteger('id');
    // The offending octet is the indefinite length 0x80, the 7th byte of the whole buffer.
    expect(berError(() => inner.readOctetString('value')).offset).toBe(6);
  });
});
