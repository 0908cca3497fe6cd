/**
 * The entry UUID of each slot, and the slot of each UUID, without a string or a map entry per
 * person: a UUID in its canonical form (what the directory presents: lower-case hex) is kept as 16
 * bytes in shared memory, and found through an open-addressing table of slot numbers keyed by a
 * hash of those bytes. For 100,000 people that is about 3 MB instead of about 10 MB of strings and
 * map entries. Anything else given as a UUID (tests give DNs) is kept as it is, in a map of its own.
 */
import { SharedUint32s } from './shared-bytes.js';

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Word 0 of a slot that holds no canonical UUID (free, or one kept in `#others`). */
const NONE = 0;

export class UuidSlots {
  /** Per slot: a marker word (1: canonical UUID held) and the UUID's four words. */
  readonly #words = new SharedUint32s();
  /** Slot + 1 per table position; 0 for empty, -1 for a removed entry. */
  #table = new Int32Array(1024);
  #used = 0;
  #removed = 0;
  readonly #others = new Map<string, number>();
  readonly #otherAt = new Map<number, string>();

  /** Records that `slot` holds `uuid` (the slot held nothing before, or was cleared). */
  set(slot: number, uuid: string): void {
    if (!CANONICAL.test(uuid)) {
      this.#others.set(uuid, slot);
      this.#otherAt.set(slot, uuid);
      return;
    }
    this.#words.ensureLength((slot + 1) * 5);
    const base = slot * 5;
    this.#words.set(base, 1);
    for (let w = 0; w < 4; w++) this.#words.set(base + 1 + w, wordOf(uuid, w));
    if ((this.#used + this.#removed + 1) * 2 > this.#table.length) this.#rehash();
    this.#insert(slot);
  }

  /** Forgets what `slot` holds. */
  clear(slot: number): void {
    const other = this.#otherAt.get(slot);
    if (other !== undefined) {
      this.#otherAt.delete(slot);
      this.#others.delete(other);
      return;
    }
    const base = slot * 5;
    if (base >= this.#words.length || this.#words.get(base) === NONE) return;
    const at = this.#find(this.#hashOfSlot(slot), (candidate) => candidate === slot);
    if (at !== undefined) {
      this.#table[at] = -1;
      this.#used--;
      this.#removed++;
    }
    this.#words.set(base, NONE);
  }

  slotOf(uuid: string): number | undefined {
    if (!CANONICAL.test(uuid)) return this.#others.get(uuid);
    const words = [wordOf(uuid, 0), wordOf(uuid, 1), wordOf(uuid, 2), wordOf(uuid, 3)];
    const at = this.#find(hashOf(words[0]!, words[1]!, words[2]!, words[3]!), (slot) => {
      const base = slot * 5 + 1;
      return (
        this.#words.get(base) === words[0] &&
        this.#words.get(base + 1) === words[1] &&
        this.#words.get(base + 2) === words[2] &&
        this.#words.get(base + 3) === words[3]
      );
    });
    return at === undefined ? undefined : this.#table[at]! - 1;
  }

  uuidAt(slot: number): string | undefined {
    const other = this.#otherAt.get(slot);
    if (other !== undefined) return other;
    const base = slot * 5;
    if (base >= this.#words.length || this.#words.get(base) === NONE) return undefined;
    const hex =
      hex8(this.#words.get(base + 1)) +
      hex8(this.#words.get(base + 2)) +
      hex8(this.#words.get(base + 3)) +
      hex8(this.#words.get(base + 4));
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The table position whose slot `matches`, probing from `hash`. */
  #find(hash: number, matches: (slot: number) => boolean): number | undefined {
    const mask = this.#table.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.#table[at]!;
      if (entry === 0) return undefined;
      if (entry > 0 && matches(entry - 1)) return at;
    }
  }

  #insert(slot: number): void {
    const mask = this.#table.length - 1;
    let at = this.#hashOfSlot(slot) & mask;
    while (this.#table[at]! > 0) at = (at + 1) & mask;
    if (this.#table[at] === -1) this.#removed--;
    this.#table[at] = slot + 1;
    this.#used++;
  }

  #rehash(): void {
    const old = this.#table;
    let size = old.length;
    while ((this.#used + 1) * 4 > size) size *= 2;
    this.#table = new Int32Array(size);
    this.#used = 0;
    this.#removed = 0;
    for (const entry of old) if (entry > 0) this.#insert(entry - 1);
  }

  #hashOfSlot(slot: number): number {
    const base = slot * 5 + 1;
    return hashOf(
      this.#words.get(base),
      this.#words.get(base + 1),
      this.#words.get(base + 2),
      this.#words.get(base + 3),
    );
  }
}

/** Word `w` (0-3) of a canonical UUID: eight of its 32 hex digits. */
function wordOf(uuid: string, w: number): number {
  // Hex digits sit at 0-7, 9-12 14-17, 19-22 24-27, 28-35 (hyphens at 8, 13, 18, 23).
  switch (w) {
    case 0:
      return Number.parseInt(uuid.slice(0, 8), 16) >>> 0;
    case 1:
      return Number.parseInt(uuid.slice(9, 13) + uuid.slice(14, 18), 16) >>> 0;
    case 2:
      return Number.parseInt(uuid.slice(19, 23) + uuid.slice(24, 28), 16) >>> 0;
    default:
      return Number.parseInt(uuid.slice(28, 36), 16) >>> 0;
  }
}

function hex8(word: number): string {
  return word.toString(16).padStart(8, '0');
}

/** Version-4 and -5 UUIDs are random or hashed already: mixing their words is enough. */
function hashOf(a: number, b: number, c: number, d: number): number {
  return (
    Math.imul(
      a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35),
      0x27d4eb2f,
    ) >>> 0
  );
}
