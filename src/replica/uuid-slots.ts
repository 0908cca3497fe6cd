/**
 * The entry UUID of each slot, and the slot of each UUID, without a string or a map entry per
 * person: a UUID in its canonical form (what the directory presents: lower-case hex) is kept as its
 * 36 characters in shared memory, read back with one native call, and found through an
 * open-addressing table of slot numbers keyed by a hash of its text. For 100,000 people that is
 * about 5 MB instead of about 10 MB of strings and map entries. Anything else given as a UUID (tests
 * give DNs) is kept as it is, in a map of its own.
 */
import { SharedBytes } from './shared-bytes.js';
import { hashOfText, SlotTable } from './slot-table.js';

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WIDTH = 36;

/** Node's Buffer has this native method; toString('latin1', ...) is a checked wrapper around it. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

export class UuidSlots {
  /** Per slot: the UUID's 36 characters, or a first byte of 0 when the slot holds none. */
  readonly #bytes = new SharedBytes(WIDTH * 1024);
  #buffer = Buffer.from(this.#bytes.buffer);
  readonly #table = new SlotTable((slot) => hashOfText(this.uuidAt(slot)!));
  readonly #others = new Map<string, number>();
  readonly #otherAt = new Map<number, string>();

  /**
   * The UUIDs' shared memory, for a reader in another thread: slot s's UUID at s × 36. Only a store
   * whose UUIDs are all canonical can be read this way (the others live in this thread's maps).
   */
  get buffer(): SharedArrayBuffer {
    if (this.#others.size > 0)
      throw new Error(
        `a store naming entries other than by UUID (${this.#others.keys().next().value}) cannot be shared`,
      );
    return this.#bytes.buffer;
  }

  /** Records that `slot` holds `uuid` (the slot held nothing before, or was cleared). */
  set(slot: number, uuid: string): void {
    if (!CANONICAL.test(uuid)) {
      this.#others.set(uuid, slot);
      this.#otherAt.set(slot, uuid);
      return;
    }
    const end = (slot + 1) * WIDTH;
    if (end > this.#bytes.capacity) {
      this.#bytes.ensure(end);
      this.#buffer = Buffer.from(this.#bytes.buffer);
    }
    // The first byte last, atomically: a reader in another thread that sees it sees the rest.
    const start = slot * WIDTH;
    this.#buffer.write(uuid.slice(1), start + 1, WIDTH - 1, 'latin1');
    Atomics.store(this.#buffer, start, uuid.charCodeAt(0));
    this.#table.add(slot, hashOfText(uuid));
  }

  /** Forgets what `slot` holds. */
  clear(slot: number): void {
    const other = this.#otherAt.get(slot);
    if (other !== undefined) {
      this.#otherAt.delete(slot);
      this.#others.delete(other);
      return;
    }
    if (!this.#holds(slot)) return;
    this.#table.remove(slot, hashOfText(this.uuidAt(slot)!));
    Atomics.store(this.#buffer, slot * WIDTH, 0);
  }

  slotOf(uuid: string): number | undefined {
    if (!CANONICAL.test(uuid)) return this.#others.get(uuid);
    return this.#table.find(hashOfText(uuid), (slot) => this.#equals(slot, uuid));
  }

  uuidAt(slot: number): string | undefined {
    const other = this.#otherAt.get(slot);
    if (other !== undefined) return other;
    if (!this.#holds(slot)) return undefined;
    const start = slot * WIDTH;
    return (this.#buffer as unknown as Latin1Slicer).latin1Slice(start, start + WIDTH);
  }

  #holds(slot: number): boolean {
    const start = slot * WIDTH;
    return start < this.#bytes.capacity && this.#buffer[start] !== 0;
  }

  #equals(slot: number, uuid: string): boolean {
    const start = slot * WIDTH;
    for (let i = 0; i < WIDTH; i++) if (this.#buffer[start + i] !== uuid.charCodeAt(i)) return false;
    return true;
  }
}
