/**
 * Shared values: an attribute whose sampled values repeat is interned, one whose values all differ
 * never is; records read back the same whether a value was stored inline or by reference; a store
 * restored with the dictionary reads the references it wrote.
 */
import { describe, expect, it } from 'vitest';
import { RecordEncoder, RecordReader, readRecord } from '../../src/replica/entry-record.js';
import { RecordValues } from '../../src/replica/record-values.js';

const DEPARTMENT = 0;
const MAIL = 1;

function record(i: number) {
  return {
    attributes: [
      { nameId: DEPARTMENT, strings: [['Vertrieb', 'Einkauf', 'Logistik'][i % 3]!] },
      { nameId: MAIL, strings: [`person${i}@example.com`] },
    ],
  };
}

describe('RecordValues', () => {
  it('interns the values of an attribute that repeats, after its sample, and never those of one that does not', () => {
    const values = new RecordValues();
    const encoder = new RecordEncoder(values);
    const sizes: number[] = [];
    for (let i = 0; i < 600; i++) sizes.push(encoder.encode(record(i)).length);
    expect(values.all).toEqual(['Vertrieb', 'Einkauf', 'Logistik']);
    // Inline "Vertrieb" (8 bytes and a length) becomes a one-byte reference.
    expect(sizes[599]).toBeLessThan(sizes[0]! - 5);
  });

  it('reads back every record as it was given, inline or by reference', () => {
    const values = new RecordValues();
    const encoder = new RecordEncoder(values);
    const stored: Buffer[] = [];
    for (let i = 0; i < 600; i++) stored.push(Buffer.from(encoder.encode(record(i))));
    for (let i = 0; i < 600; i++)
      expect(readRecord(new RecordReader(stored[i]!, 0, values)), `record ${i}`).toEqual(
        record(i).attributes,
      );
    // A store restored with the dictionary resolves the same references.
    const restored = new RecordValues(values.all);
    expect(readRecord(new RecordReader(stored[599]!, 0, restored))).toEqual(record(599).attributes);
    expect(restored.idOf(DEPARTMENT, 'Einkauf')).toBe(values.idOf(DEPARTMENT, 'Einkauf'));
  });

  it('keeps values too short or too long to be worth a reference inline', () => {
    const values = new RecordValues();
    for (let i = 0; i < 600; i++) {
      values.idOf(DEPARTMENT, ['de', 'en'][i % 2]!);
      values.idOf(MAIL, 'x'.repeat(200));
    }
    expect(values.all).toEqual([]);
  });
});
