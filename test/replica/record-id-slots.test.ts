/** Record ids by slot and slots by id, through growth, removals, reuse and compaction, in any script. */
import { describe, expect, it } from 'vitest';
import { RecordIdSlots } from '../../src/replica/record-id-slots.js';

const id = (i: number): string => `CN=Müller ${i},OU=Sales,DC=example,DC=com`;

describe('RecordIdSlots', () => {
  it('finds 20,000 ids by slot and slots by id as it grows', () => {
    const ids = new RecordIdSlots();
    for (let i = 0; i < 20_000; i++) ids.set(i, id(i));
    expect(ids.size).toBe(20_000);
    for (let i = 0; i < 20_000; i += 7) {
      expect(ids.slotOf(id(i))).toBe(i);
      expect(ids.idAt(i)).toBe(id(i));
    }
    expect(ids.slotOf(id(20_001))).toBeUndefined();
    expect(ids.idAt(20_001)).toBeUndefined();
  });

  it('forgets cleared slots, keeps the rest through compaction, and takes new ids in reused slots', () => {
    const ids = new RecordIdSlots();
    for (let i = 0; i < 40_000; i++) ids.set(i, id(i));
    // Enough cleared ids (about 1.6 MB of 2.4) to compact the arena.
    for (let i = 0; i < 40_000; i++) if (i % 3 !== 0) ids.clear(i);
    expect(ids.size).toBe(13_334);
    for (let i = 0; i < 40_000; i += 1) expect(ids.slotOf(id(i)), id(i)).toBe(i % 3 === 0 ? i : undefined);
    for (let i = 1; i < 40_000; i += 3) ids.set(i, `new ${i} 東京`);
    expect(ids.idAt(4)).toBe('new 4 東京');
    expect(ids.slotOf('new 4 東京')).toBe(4);
    expect(ids.idAt(3)).toBe(id(3));
    expect(ids.idAt(5)).toBeUndefined();
  });
});
