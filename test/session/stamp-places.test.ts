import { describe, expect, it } from 'vitest';
import { StampPlaces } from '../../src/session/stamp-places.js';

/** Stamps as a replica makes them: an arena's number times 2^32 plus an offset in it. */
const stamp = (arena: number, offset: number): number => arena * 2 ** 32 + offset;

describe('StampPlaces', () => {
  it('gives back the place kept for a stamp, and nothing for another', () => {
    const places = new StampPlaces();
    places.set(stamp(3, 1000), 0);
    places.set(stamp(3, 1173), 260);
    expect(places.get(stamp(3, 1000))).toBe(0);
    expect(places.get(stamp(3, 1173))).toBe(260);
    expect(places.get(stamp(4, 1000))).toBeUndefined();
    expect(places.get(1000)).toBeUndefined();
    expect(places.size).toBe(2);
  });

  it('replaces the place of a stamp kept again without counting it twice', () => {
    const places = new StampPlaces();
    places.set(7, 10);
    places.set(7, 20);
    expect(places.get(7)).toBe(20);
    expect(places.size).toBe(1);
  });

  it('finds stamps whose offsets are all multiples of a large power of two', () => {
    const places = new StampPlaces();
    for (let i = 0; i < 5_000; i++) places.set(stamp(2, i * 4096), i);
    for (let i = 0; i < 5_000; i++) expect(places.get(stamp(2, i * 4096))).toBe(i);
    expect(places.get(stamp(2, 4096 * 5_000))).toBeUndefined();
  });

  it('finds every one of many stamps of several arenas as it grows', () => {
    const places = new StampPlaces();
    const kept = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      // Offsets a few hundred bytes apart, as records lie in an arena, and some small stamps too.
      const key = i % 5 === 0 ? i : stamp(1 + (i % 3), 64 + i * 237);
      places.set(key, i * 300);
      kept.set(key, i * 300);
    }
    expect(places.size).toBe(kept.size);
    for (const [key, place] of kept) expect(places.get(key)).toBe(place);
    expect(places.get(stamp(9, 64))).toBeUndefined();
  });
});
