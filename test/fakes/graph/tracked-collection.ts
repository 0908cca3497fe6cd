/**
 * One collection of Graph objects (users, orgContacts, one folder's contacts) with what delta
 * queries need: a stable listing order (a sequence number per object, so a paging cursor survives
 * inserts and deletes), and an append-only change log stamped with a version counter, which records
 * which properties each change touched (Graph leaves an object out of a delta round when only
 * properties outside its `$select` changed). Removed objects stay as tombstones so a later round can
 * report them as `@removed`.
 *
 * Listing is a slice of an array kept in sequence order, so 50,000 objects page in O(page).
 */
import { randomUUID } from 'node:crypto';

export type RemovalReason = 'changed' | 'deleted';

export interface ChangeEntry {
  readonly version: number;
  readonly id: string;
  /** The properties the change touched; 'all' for creation, removal and restore. */
  readonly properties: ReadonlySet<string> | 'all';
}

interface Slot<T> {
  readonly seq: number;
  data: T;
  removed: RemovalReason | undefined;
}

export interface ListPage<T> {
  readonly items: readonly T[];
  /** The sequence number of the last item returned: the cursor for the next page. */
  readonly last: number;
  /** Whether a further item matches after this page. */
  readonly more: boolean;
}

/** What `add` takes: the object, with its id made up when absent. */
export type NewObject<T extends { readonly id: string }> = Omit<T, 'id'> & { readonly id?: string };

export class TrackedCollection<T extends { readonly id: string }> {
  readonly #slots = new Map<string, Slot<T>>();
  /** Live (not removed) slots in sequence order. */
  #live: Slot<T>[] = [];
  readonly #log: ChangeEntry[] = [];
  #version = 0;
  #nextSeq = 0;

  constructor(private readonly makeId: () => string = randomUUID) {}

  /** The version of the latest change: a delta round's snapshot. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#live.length;
  }

  add(object: NewObject<T>): T {
    const id = object.id ?? this.makeId();
    if (this.#slots.has(id)) throw new Error(`An object with id ${id} already exists`);
    // Stored as given when it has its id (no copy: seeding 50,000 users must stay cheap).
    const data = (object.id === undefined ? { ...object, id } : object) as unknown as T;
    const slot: Slot<T> = { seq: this.#nextSeq++, data, removed: undefined };
    this.#slots.set(id, slot);
    this.#live.push(slot);
    this.#record(id, 'all');
    return data;
  }

  /** Changes properties; only those whose value really changed count as changed. */
  update(id: string, patch: Partial<Omit<T, 'id'>>): T {
    const slot = this.#liveSlot(id);
    const changed = new Set<string>();
    for (const [key, value] of Object.entries(patch)) {
      if (JSON.stringify((slot.data as Record<string, unknown>)[key]) !== JSON.stringify(value))
        changed.add(key);
    }
    slot.data = { ...slot.data, ...patch, id };
    if (changed.size > 0) this.#record(id, changed);
    return slot.data;
  }

  /** 'changed' is Graph's soft delete (restorable); 'deleted' is permanent. */
  remove(id: string, reason: RemovalReason = 'deleted'): void {
    const slot = this.#slots.get(id);
    if (slot === undefined || slot.removed === 'deleted') throw new Error(`No object with id ${id}`);
    if (slot.removed === reason) return;
    if (slot.removed === undefined) this.#live.splice(this.#liveIndex(slot.seq), 1);
    slot.removed = reason;
    this.#record(id, 'all');
  }

  /** Brings back a soft-deleted object, at its old place in the listing order. */
  restore(id: string): T {
    const slot = this.#slots.get(id);
    if (slot?.removed !== 'changed') throw new Error(`No soft-deleted object with id ${id}`);
    slot.removed = undefined;
    this.#live.splice(this.#firstLiveAfter(slot.seq), 0, slot);
    this.#record(id, 'all');
    return slot.data;
  }

  get(id: string): T | undefined {
    const slot = this.#slots.get(id);
    return slot?.removed === undefined ? slot?.data : undefined;
  }

  /** How an object left, or undefined when it is live or never existed. */
  removal(id: string): RemovalReason | undefined {
    return this.#slots.get(id)?.removed;
  }

  find(predicate: (object: T) => boolean): T | undefined {
    return this.#live.find((slot) => predicate(slot.data))?.data;
  }

  all(): T[] {
    return this.#live.map((slot) => slot.data);
  }

  count(predicate?: (object: T) => boolean): number {
    if (predicate === undefined) return this.#live.length;
    let count = 0;
    for (const slot of this.#live) if (predicate(slot.data)) count++;
    return count;
  }

  /** Up to `limit` live objects after the cursor `after` (-1 for the start) that match. */
  page(after: number, limit: number, predicate?: (object: T) => boolean): ListPage<T> {
    const items: T[] = [];
    let last = after;
    let index = this.#firstLiveAfter(after);
    for (; index < this.#live.length && items.length < limit; index++) {
      const slot = this.#live[index]!;
      if (predicate !== undefined && !predicate(slot.data)) continue;
      items.push(slot.data);
      last = slot.seq;
    }
    return { items, last, more: this.#anyFrom(index, predicate) };
  }

  /** The change log entries with since < version <= upTo, oldest first. */
  changesBetween(since: number, upTo: number): readonly ChangeEntry[] {
    return this.#log.slice(this.#firstLogAfter(since), this.#firstLogAfter(upTo));
  }

  #record(id: string, properties: ReadonlySet<string> | 'all'): void {
    this.#log.push({ version: ++this.#version, id, properties });
  }

  #liveSlot(id: string): Slot<T> {
    const slot = this.#slots.get(id);
    if (slot === undefined || slot.removed !== undefined) throw new Error(`No live object with id ${id}`);
    return slot;
  }

  #anyFrom(index: number, predicate?: (object: T) => boolean): boolean {
    if (predicate === undefined) return index < this.#live.length;
    for (let i = index; i < this.#live.length; i++) if (predicate(this.#live[i]!.data)) return true;
    return false;
  }

  #liveIndex(seq: number): number {
    const index = this.#firstLiveAfter(seq - 1);
    if (this.#live[index]?.seq !== seq) throw new Error(`Listing order lost object ${seq}`);
    return index;
  }

  /** Binary search: the index of the first live slot with a sequence number above `seq`. */
  #firstLiveAfter(seq: number): number {
    let low = 0;
    let high = this.#live.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#live[middle]!.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #firstLogAfter(version: number): number {
    let low = 0;
    let high = this.#log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#log[middle]!.version <= version) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
