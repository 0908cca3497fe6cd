/**
 * The phone readings' table in shared memory: a reader sees the owner's readings for the record it
 * holds and never another record's, a claimed slot drops its old readings for every reader, arrays
 * that fill are replaced by copies that keep what they held (a reader on the old ones still reads
 * right), and the readings of changed entries do not pile up.
 */
import { describe, expect, it } from 'vitest';
import { ReadingsTable } from '../../src/replica/readings-table.js';

const KEY = 'telephonenumber';

describe('ReadingsTable', () => {
  it("gives a reader the owner's readings for the record they were made from only", () => {
    const owner = new ReadingsTable();
    owner.claim(3, 100);
    owner.write(3, KEY, '49,301234567,');
    owner.write(3, 'mobile', '');
    const reader = new ReadingsTable(owner.share());
    expect(reader.read(3, 100, KEY)).toBe('49,301234567,');
    expect(reader.read(3, 100, 'mobile')).toBe('');
    expect(reader.read(3, 101, KEY)).toBeUndefined();
    expect(reader.read(4, 100, KEY)).toBeUndefined();
    expect(reader.read(3, 100, 'homephone')).toBeUndefined();
    expect(reader.recordOf(3)).toBe(100);
  });

  it('drops the readings of a slot claimed for another record, for every reader', () => {
    const owner = new ReadingsTable();
    owner.claim(0, 7);
    owner.write(0, KEY, '49,301234567,');
    const reader = new ReadingsTable(owner.share());
    owner.claim(0, 8);
    expect(reader.read(0, 7, KEY)).toBeUndefined();
    expect(reader.read(0, 8, KEY)).toBeUndefined();
    owner.write(0, KEY, '43,15350012,');
    expect(reader.read(0, 8, KEY)).toBe('43,15350012,');
    owner.write(0, KEY, undefined);
    expect(reader.read(0, 8, KEY)).toBeUndefined();
  });

  it('keeps every reading through bigger tables and arenas; a reader on the old ones reads what they held', () => {
    const owner = new ReadingsTable();
    const reading = (slot: number): string => `49,30${String(slot).padStart(8, '0')},${slot % 7}`;
    owner.claim(1, 11);
    owner.write(1, KEY, reading(1));
    const early = new ReadingsTable(owner.share());
    for (let slot = 2; slot < 20_000; slot++) {
      owner.claim(slot, slot * 10 + 1);
      owner.write(slot, KEY, reading(slot));
    }
    const late = new ReadingsTable(owner.share());
    expect(late.share().records).not.toBe(early.share().records);
    for (let slot = 1; slot < 20_000; slot++) expect(late.read(slot, slot * 10 + 1, KEY)).toBe(reading(slot));
    // The first arrays were written until they were replaced, never after: a reader still on them
    // finds a slot's right reading or none, and none of a slot beyond them.
    expect(early.read(1, 11, KEY)).toBe(reading(1));
    for (let slot = 2; slot < 20_000; slot++)
      expect([undefined, reading(slot)]).toContain(early.read(slot, slot * 10 + 1, KEY));
    expect(early.read(19_999, 199_991, KEY)).toBeUndefined();
    early.update(owner.share());
    expect(early.read(19_999, 199_991, KEY)).toBe(reading(19_999));
  });

  it('does not keep the readings of records gone: a slot rewritten many times stays small', () => {
    const owner = new ReadingsTable();
    for (let record = 1; record <= 50_000; record++) {
      owner.claim(0, record);
      owner.write(0, KEY, `49,30${record},`);
    }
    expect(owner.read(0, 50_000, KEY)).toBe('49,3050000,');
    expect(owner.share().bytes.length).toBeLessThanOrEqual(64 * 1024);
  });
});
