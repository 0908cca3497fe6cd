import { describe, expect, it } from 'vitest';
import { EncodedEntries, selectionKey } from '../../src/session/encoded-entries.js';

const bytes = (length: number, fill = 1): Uint8Array => new Uint8Array(length).fill(fill);

describe('EncodedEntries', () => {
  it('gives back what was kept for a stamp under the same selection only', () => {
    const kept = new EncodedEntries(1024);
    kept.set('phones', 7, bytes(10));
    expect(kept.get('phones', 7)).toEqual(bytes(10));
    expect(kept.get('phones', 8)).toBeUndefined();
    expect(kept.get('export', 7)).toBeUndefined();
  });

  it('sees what was kept between two reads under the same key, across generations', () => {
    const kept = new EncodedEntries(410);
    const key = 'phones';
    for (let stamp = 0; stamp < 20; stamp++) {
      // A miss first (the key may have no map yet), then kept, then found: as a search does.
      expect(kept.get(key, stamp)).toBeUndefined();
      kept.set(key, stamp, bytes(50, stamp));
      expect(kept.get(key, stamp)).toEqual(bytes(50, stamp));
      expect(kept.get('other', stamp)).toBeUndefined();
    }
    // The last generations' entries are still there, the first ones are gone.
    expect(kept.get(key, 19)).toEqual(bytes(50, 19));
    expect(kept.get(key, 0)).toBeUndefined();
  });

  it('stays within its budget: the oldest generation goes, what was found in it stays', () => {
    // Four generations of 218 bytes: four entries of 50 bytes, each after its 4-byte length, and the
    // key (2 bytes a character) fill one.
    const kept = new EncodedEntries(4 * 218);
    for (let stamp = 0; stamp < 16; stamp++) kept.set('s', stamp, bytes(50));
    // Youngest first: 12-15, 8-11, 4-7, 0-3. Found in the oldest: moved to a new young one, which
    // drops 0-3 (the others with it).
    expect(kept.get('s', 0)).toBeDefined();
    expect(kept.get('s', 1)).toBeUndefined();
    // Found in another: read where it lies, and gone with it.
    expect(kept.get('s', 9)).toBeDefined();
    for (let stamp = 16; stamp < 24; stamp++) kept.set('s', stamp, bytes(50));
    // 0 and 16-18 filled the young one, 19-22 the next; 23 started another, and 8-11 went.
    expect(kept.get('s', 9)).toBeUndefined();
    expect(kept.get('s', 0)).toBeDefined();
    expect(kept.get('s', 23)).toBeDefined();
    expect(kept.bytes).toBeLessThanOrEqual(4 * 218);
  });

  it('keeps whole what is asked again and again while it fits three quarters of the budget', () => {
    // 60 entries of 54 bytes (3,240) asked in turn under a budget of 4,400: more than half of it,
    // which two generations, every entry found in the old one moved to the young, could not keep.
    const kept = new EncodedEntries(4400);
    let misses = 0;
    for (let round = 0; round < 5; round++) {
      for (let stamp = 0; stamp < 60; stamp++) {
        if (kept.get('s', stamp) !== undefined) continue;
        if (round > 0) misses++;
        kept.set('s', stamp, bytes(50, stamp));
      }
    }
    expect(misses).toBe(0);
    expect(kept.get('s', 59)).toEqual(bytes(50, 59));
  });

  it('counts the selection keys against its budget: many long attribute lists cannot grow it', () => {
    const kept = new EncodedEntries(10_000);
    const longList = (n: number): string => `${'x'.repeat(1000)}${n}`;
    for (let n = 0; n < 1000; n++) kept.set(longList(n), 1, bytes(1));
    expect(kept.bytes).toBeLessThanOrEqual(10_000);
    expect(kept.get(longList(0), 1)).toBeUndefined();
    expect(kept.get(longList(999), 1)).toBeDefined();
  });

  it('gives back entries longer than a block, and the ones kept around them', () => {
    // Blocks of 256 KiB under a budget of 2 MiB: the second entry does not fit one.
    const kept = new EncodedEntries(2 * 1024 * 1024);
    kept.set('s', 1, bytes(100, 1));
    kept.set('s', 2, bytes(300_000, 2));
    kept.set('s', 3, bytes(30, 3));
    expect(kept.get('s', 1)).toEqual(bytes(100, 1));
    expect(kept.get('s', 2)).toEqual(bytes(300_000, 2));
    expect(kept.get('s', 3)).toEqual(bytes(30, 3));
    expect(kept.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('keeps a copy: the buffer it was given may be written again', () => {
    const kept = new EncodedEntries(1024);
    const buffer = bytes(20, 5);
    kept.set('s', 1, buffer);
    buffer.fill(9);
    expect(kept.get('s', 1)).toEqual(bytes(20, 5));
  });

  it('never holds more than its budget however many entries come', () => {
    const kept = new EncodedEntries(1000);
    for (let stamp = 0; stamp < 10_000; stamp++) kept.set(`s${stamp % 3}`, stamp, bytes(30));
    let held = 0;
    for (let stamp = 0; stamp < 10_000; stamp++) held += kept.get(`s${stamp % 3}`, stamp)?.length ?? 0;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(1000);
  });
});

describe('selectionKey', () => {
  const base = selectionKey(['cn', 'mail'], false, new Set(['userpassword']), undefined);

  it('is the same for the same selection, whatever order the withheld names come in', () => {
    const withheld = new Set(['wuserpasswordsip', 'userpassword']);
    expect(selectionKey(['cn'], false, withheld, 'seed-ad')).toBe(
      selectionKey(['cn'], false, new Set(['userpassword', 'wuserpasswordsip']), 'seed-ad'),
    );
  });

  it('differs for other attributes, typesOnly, another caller’s withheld set or another view', () => {
    const others = [
      selectionKey(['cn'], false, new Set(['userpassword']), undefined),
      selectionKey(['cn', 'mail'], true, new Set(['userpassword']), undefined),
      selectionKey(['cn', 'mail'], false, new Set(), undefined),
      selectionKey(['cn', 'mail'], false, new Set(['userpassword']), 'seed-ad'),
    ];
    for (const other of others) expect(other).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });
});
