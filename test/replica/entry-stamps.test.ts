/**
 * Entry stamps (Entry.stamp), which the session keeps encoded answers under: a stamp stays with a
 * record as long as its bytes stay where they are, and no two different records ever share one —
 * a change, a replacement, a compaction or another store each give new stamps.
 */
import { describe, expect, it } from 'vitest';
import { EntryStore } from '../../src/replica/entry-store.js';

const UUID_A = '00000000-0000-4000-8000-00000000000a';
const UUID_B = '00000000-0000-4000-8000-00000000000b';

function content(store: EntryStore, cn: string): { attributes: { nameId: number; strings: string[] }[] } {
  return { attributes: [{ nameId: store.names.idOf('cn'), strings: [cn] }] };
}

function stampOf(store: EntryStore, recordId: string): number | undefined {
  return store.entry(store.slotOf(recordId)!)!.stamp;
}

describe('entry stamps', () => {
  it('stay the same for a record read again, and differ between records', () => {
    const store = new EntryStore((uuid) => `entryUUID=${uuid}`);
    store.put('a', UUID_A, content(store, 'Anna'));
    store.put('b', UUID_B, content(store, 'Bernd'));
    expect(stampOf(store, 'a')).toBeDefined();
    expect(stampOf(store, 'a')).toBe(stampOf(store, 'a'));
    expect(stampOf(store, 'a')).not.toBe(stampOf(store, 'b'));
  });

  it('change when the record changes, even back to what it was', () => {
    const store = new EntryStore((uuid) => `entryUUID=${uuid}`);
    store.put('a', UUID_A, content(store, 'Anna'));
    const before = stampOf(store, 'a');
    store.put('a', UUID_A, content(store, 'Anna Müller'));
    const changed = stampOf(store, 'a');
    store.put('a', UUID_A, content(store, 'Anna'));
    expect(new Set([before, changed, stampOf(store, 'a')]).size).toBe(3);
  });

  it('are not reused by a record put into a freed slot', () => {
    const store = new EntryStore((uuid) => `entryUUID=${uuid}`);
    store.put('a', UUID_A, content(store, 'Anna'));
    const gone = stampOf(store, 'a');
    store.delete('a');
    store.put('b', UUID_B, content(store, 'Bernd'));
    expect(stampOf(store, 'b')).not.toBe(gone);
  });

  it('change when a compaction moves the records, and differ between stores', () => {
    const store = new EntryStore((uuid) => `entryUUID=${uuid}`);
    store.put('a', UUID_A, content(store, 'Anna'));
    const other = new EntryStore((uuid) => `entryUUID=${uuid}`);
    other.put('a', UUID_A, content(other, 'Anna'));
    expect(stampOf(other, 'a')).not.toBe(stampOf(store, 'a'));
    const before = stampOf(store, 'a');
    store.compact();
    expect(stampOf(store, 'a')).toBeDefined();
    expect(stampOf(store, 'a')).not.toBe(before);
  });
});
