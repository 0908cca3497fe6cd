/** UUIDs by slot and slots by UUID, through growth, removals and reuse, for canonical and other strings. */
import { describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/directory/entry-uuid.js';
import { UuidSlots } from '../../src/replica/uuid-slots.js';

const uuid = (i: number): string => uuidV5('test', String(i));

describe('UuidSlots', () => {
  it('finds 20,000 UUIDs by slot and slots by UUID as the table grows', () => {
    const slots = new UuidSlots();
    for (let i = 0; i < 20_000; i++) slots.set(i, uuid(i));
    for (let i = 0; i < 20_000; i += 7) {
      expect(slots.slotOf(uuid(i))).toBe(i);
      expect(slots.uuidAt(i)).toBe(uuid(i));
    }
    expect(slots.slotOf(uuid(20_001))).toBeUndefined();
    expect(slots.uuidAt(20_001)).toBeUndefined();
  });

  it('forgets a cleared slot, keeps the others findable past it, and takes a new UUID in a reused slot', () => {
    const slots = new UuidSlots();
    for (let i = 0; i < 5000; i++) slots.set(i, uuid(i));
    for (let i = 0; i < 5000; i += 2) slots.clear(i);
    for (let i = 0; i < 5000; i++)
      expect(slots.slotOf(uuid(i)), `uuid ${i}`).toBe(i % 2 === 0 ? undefined : i);
    for (let i = 0; i < 5000; i += 2) slots.set(i, uuid(100_000 + i));
    for (let i = 0; i < 5000; i += 2) {
      expect(slots.slotOf(uuid(100_000 + i))).toBe(i);
      expect(slots.uuidAt(i)).toBe(uuid(100_000 + i));
    }
    expect(slots.slotOf(uuid(1))).toBe(1);
  });

  it('keeps anything that is not a canonical UUID as it is', () => {
    const slots = new UuidSlots();
    slots.set(0, 'cn=Anna,ou=people');
    slots.set(1, 'AAAAAAAA-0000-4000-8000-000000000001');
    slots.set(2, uuid(2));
    expect(slots.slotOf('cn=Anna,ou=people')).toBe(0);
    expect(slots.uuidAt(1)).toBe('AAAAAAAA-0000-4000-8000-000000000001');
    expect(slots.slotOf('aaaaaaaa-0000-4000-8000-000000000001')).toBeUndefined();
    slots.clear(0);
    expect(slots.slotOf('cn=Anna,ou=people')).toBeUndefined();
    expect(slots.slotOf(uuid(2))).toBe(2);
  });
});
