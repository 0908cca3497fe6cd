/**
 * An open-addressing hash table of slot numbers: the slot of a key without a map entry per key. The
 * keys live wherever their owner keeps them (uuid-slots.ts, record-id-slots.ts); the table holds
 * only slot + 1 per position, and asks its owner for a slot's hash and whether a slot holds a key.
 */

/** FNV-1a over a string's UTF-16 units: what owners hash keys (and their slots' keys) with. */
export function hashOfText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class SlotTable {
  /** Slot + 1 per position; 0 for empty, -1 for a removed entry. */
  #table = new Int32Array(1024);
  #used = 0;
  #removed = 0;

  constructor(
    /** The hash of the key a slot holds (for growing the table). */
    private readonly hashOfSlot: (slot: number) => number,
  ) {}

  /** The slot whose key `matches`, among those that hash to `hash`. */
  find(hash: number, matches: (slot: number) => boolean): number | undefined {
    const at = this.#position(hash, matches);
    return at === undefined ? undefined : this.#table[at]! - 1;
  }

  add(slot: number, hash: number): void {
    if ((this.#used + this.#removed + 1) * 2 > this.#table.length) this.#grow();
    this.#insert(slot, hash);
  }

  remove(slot: number, hash: number): void {
    const at = this.#position(hash, (candidate) => candidate === slot);
    if (at === undefined) return;
    this.#table[at] = -1;
    this.#used--;
    this.#removed++;
  }

  #position(hash: number, matches: (slot: number) => boolean): number | undefined {
    const mask = this.#table.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.#table[at]!;
      if (entry === 0) return undefined;
      if (entry > 0 && matches(entry - 1)) return at;
    }
  }

  #insert(slot: number, hash: number): void {
    const mask = this.#table.length - 1;
    let at = hash & mask;
    while (this.#table[at]! > 0) at = (at + 1) & mask;
    if (this.#table[at] === -1) this.#removed--;
    this.#table[at] = slot + 1;
    this.#used++;
  }

  /** Twice as large as the live entries need, without the removed ones. */
  #grow(): void {
    const old = this.#table;
    let size = old.length;
    while ((this.#used + 1) * 4 > size) size *= 2;
    this.#table = new Int32Array(size);
    this.#used = 0;
    this.#removed = 0;
    for (const entry of old) if (entry > 0) this.#insert(entry - 1, this.hashOfSlot(entry - 1));
  }
}
