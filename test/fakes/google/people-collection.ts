/**
 * One list of people the API pages and syncs over: the domain directory, one user's contacts, or
 * one user's "other contacts". Besides the live records it keeps a change feed (a sequence number
 * per published change, tombstones for deletions) so that a sync token, which is a position in
 * that feed, yields every change after it exactly once.
 *
 * A change can be made visible to sync only after a delay ("writes may have a propagation delay
 * of several minutes for sync requests"): a full listing shows it at once, an incremental sync
 * only once the delay has passed on the fake's clock.
 */
import type { FakeClock } from './fake-clock.js';
import type { PersonIds } from './person-ids.js';
import type { PersonInput, PersonRecord, PersonSourceType } from './person-record.js';

export interface ChangeOptions {
  /** Milliseconds (fake clock) before an incremental sync reports the change. */
  readonly syncDelayMs?: number;
}

export interface AddOptions extends ChangeOptions {
  readonly sourceType?: PersonSourceType;
}

/** A record as the change feed reports it. */
export interface FeedItem {
  readonly record: PersonRecord;
  readonly deleted: boolean;
  readonly seq: number;
}

interface Entry {
  record: PersonRecord;
  deleted: boolean;
  /** Sequence number of this entry's latest published change; 0 while never published. */
  feedSeq: number;
}

export type PersonFilter = (record: PersonRecord) => boolean;

export class PeopleCollection {
  private readonly entries = new Map<string, Entry>();
  private readonly feed: { seq: number; resourceName: string }[] = [];
  private readonly pending: { dueAt: number; resourceName: string }[] = [];
  private sortedLive: string[] | undefined;
  private emailIndex: Map<string, PersonRecord[]> | undefined;
  private seq = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly ids: PersonIds,
    private readonly defaultSourceType: PersonSourceType,
  ) {}

  add(data: PersonInput, options: AddOptions = {}): PersonRecord {
    const sourceType = options.sourceType ?? this.defaultSourceType;
    const identity = this.ids.next(sourceType);
    const record: PersonRecord = { ...identity, sourceType, data, version: 1, updateTime: this.isoNow() };
    this.entries.set(record.resourceName, { record, deleted: false, feedSeq: 0 });
    this.invalidateIndexes();
    this.publish(record.resourceName, options);
    return record;
  }

  /** Replace a person's fields (a function gets the current ones). */
  change(
    resourceName: string,
    update: PersonInput | ((current: PersonInput) => PersonInput),
    options: ChangeOptions = {},
  ): PersonRecord {
    const entry = this.liveEntry(resourceName);
    const data = typeof update === 'function' ? update(entry.record.data) : update;
    entry.record = { ...entry.record, data, version: entry.record.version + 1, updateTime: this.isoNow() };
    this.emailIndex = undefined;
    this.publish(resourceName, options);
    return entry.record;
  }

  delete(resourceName: string, options: ChangeOptions = {}): void {
    const entry = this.liveEntry(resourceName);
    entry.deleted = true;
    entry.record = { ...entry.record, version: entry.record.version + 1, updateTime: this.isoNow() };
    this.invalidateIndexes();
    this.publish(resourceName, options);
  }

  get(resourceName: string): PersonRecord | undefined {
    const entry = this.entries.get(resourceName);
    return entry === undefined || entry.deleted ? undefined : entry.record;
  }

  /** Live people with this email address (any case). */
  withEmail(email: string): readonly PersonRecord[] {
    this.emailIndex ??= this.buildEmailIndex();
    return this.emailIndex.get(email.toLowerCase()) ?? [];
  }

  /** Live people in listing order (by resource name). */
  live(): PersonRecord[] {
    return this.sortedNames().map((name) => this.entries.get(name)!.record);
  }

  get size(): number {
    return this.sortedNames().length;
  }

  /** The feed position a full sync starting now stands on: changes after it come in the next sync. */
  watermark(): number {
    this.publishDue();
    return this.seq;
  }

  /** Up to `limit` live people after `afterName` (exclusive) that pass the filter. */
  livePage(
    afterName: string | undefined,
    limit: number,
    filter: PersonFilter,
  ): { records: PersonRecord[]; more: boolean } {
    const names = this.sortedNames();
    const records: PersonRecord[] = [];
    for (let i = afterName === undefined ? 0 : upperBound(names, afterName); i < names.length; i++) {
      const record = this.entries.get(names[i]!)!.record;
      if (!filter(record)) continue;
      if (records.length === limit) return { records, more: true };
      records.push(record);
    }
    return { records, more: false };
  }

  /**
   * Up to `limit` changes with `from < seq <= upTo` and `seq > after`, oldest first, each person
   * once (at its latest change) and only if it passes the filter.
   */
  changesPage(
    range: { readonly from: number; readonly upTo: number; readonly after: number },
    limit: number,
    filter: PersonFilter,
  ): { items: FeedItem[]; more: boolean } {
    this.publishDue();
    const items: FeedItem[] = [];
    const start = Math.max(range.from, range.after);
    for (let i = firstAbove(this.feed, start); i < this.feed.length; i++) {
      const { seq, resourceName } = this.feed[i]!;
      if (seq > range.upTo) break;
      const entry = this.entries.get(resourceName)!;
      // A later change supersedes this one; it is reported at its own position.
      if (entry.feedSeq !== seq || !filter(entry.record)) continue;
      if (items.length === limit) return { items, more: true };
      items.push({ record: entry.record, deleted: entry.deleted, seq });
    }
    return { items, more: false };
  }

  private invalidateIndexes(): void {
    this.sortedLive = undefined;
    this.emailIndex = undefined;
  }

  private buildEmailIndex(): Map<string, PersonRecord[]> {
    const index = new Map<string, PersonRecord[]>();
    for (const entry of this.entries.values()) {
      if (entry.deleted) continue;
      for (const { value } of entry.record.data.emailAddresses ?? []) {
        const key = value.toLowerCase();
        index.set(key, [...(index.get(key) ?? []), entry.record]);
      }
    }
    return index;
  }

  private liveEntry(resourceName: string): Entry {
    const entry = this.entries.get(resourceName);
    if (entry === undefined || entry.deleted) throw new Error(`no such person: ${resourceName}`);
    return entry;
  }

  private publish(resourceName: string, options: ChangeOptions): void {
    const delay = options.syncDelayMs ?? 0;
    if (delay > 0) this.pending.push({ dueAt: this.clock.now() + delay, resourceName });
    else this.appendToFeed(resourceName);
  }

  private appendToFeed(resourceName: string): void {
    this.seq += 1;
    this.feed.push({ seq: this.seq, resourceName });
    this.entries.get(resourceName)!.feedSeq = this.seq;
  }

  private publishDue(): void {
    if (this.pending.length === 0) return;
    const now = this.clock.now();
    const due = this.pending.filter((change) => change.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const change of due) {
      this.pending.splice(this.pending.indexOf(change), 1);
      this.appendToFeed(change.resourceName);
    }
  }

  private sortedNames(): string[] {
    this.sortedLive ??= [...this.entries.entries()]
      .filter(([, entry]) => !entry.deleted)
      .map(([name]) => name)
      .sort();
    return this.sortedLive;
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** Index of the first name greater than `name` in a sorted array. */
function upperBound(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= name) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the first feed item with a sequence number above `seq`. */
function firstAbove(feed: readonly { seq: number }[], seq: number): number {
  let low = 0;
  let high = feed.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (feed[mid]!.seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
