/**
 * A source with a change feed whose rounds a test writes: what the full listing holds, and what each
 * `changes(cursor)` round yields (upserts, deletions, a failure midway, an expired cursor). It records
 * what the engine asked for, so a test can tell a resume from a full listing.
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../../src/sources/change-feed.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { TestSource } from './test-source.js';

export type ScriptedRound =
  { readonly items: readonly FeedItem[]; readonly failAfter?: number } | { readonly expired: true };

export class ScriptedFeedSource extends TestSource {
  /** What a full listing yields; tests change it between rounds. */
  records: SourceRecord[];
  /** The cursor a full listing ends with. */
  fullCursor = 'c0';
  /** Rounds `changes` plays, in order; once they run out, a round with nothing new. */
  readonly rounds: ScriptedRound[] = [];
  /** Whether `changes` reports deletions (else the engine reconciles), and lists ids for it. */
  reportsDeletions = true;
  listsIds = false;
  /** How often the feed asks to be reconciled (ms); undefined: the engine's default. */
  reconcileEveryMs: number | undefined;
  /** What the engine asked for: `full`, `ids`, `get <id>`, or `changes <cursor>`. */
  readonly asked: string[] = [];
  #changed: (() => void) | undefined;

  constructor(name: string, records: readonly SourceRecord[]) {
    super(name);
    this.records = [...records];
  }

  changeFeed(): ChangeFeed {
    return {
      full: (signal) => this.#full(signal),
      changes: (cursor, signal) => this.#changes(cursor, signal),
      reportsDeletions: this.reportsDeletions,
      ...(this.reconcileEveryMs === undefined ? {} : { reconcileEveryMs: this.reconcileEveryMs }),
      ...(this.listsIds ? { ids: (signal: AbortSignal) => this.#ids(signal) } : {}),
    };
  }

  onChange(listener: () => void): void {
    this.#changed = listener;
  }

  /** Tells a following replica that the source changed. */
  announce(): void {
    this.#changed?.();
  }

  async *#full(signal: AbortSignal): AsyncIterable<FeedItem> {
    this.asked.push('full');
    for (const record of this.records) {
      signal.throwIfAborted();
      await Promise.resolve();
      yield { kind: 'upsert', record };
    }
    yield { kind: 'cursor', cursor: this.fullCursor };
  }

  async *#ids(signal: AbortSignal): AsyncIterable<string> {
    this.asked.push('ids');
    for (const record of this.records) {
      signal.throwIfAborted();
      await Promise.resolve();
      yield record.id;
    }
  }

  async *#changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    this.asked.push(`changes ${cursor}`);
    const round = this.rounds.shift() ?? { items: [{ kind: 'cursor', cursor }] };
    if ('expired' in round) throw new CursorExpired(`${this.name}: cursor ${cursor} is unknown`);
    let given = 0;
    for (const item of round.items) {
      signal.throwIfAborted();
      if (round.failAfter !== undefined && given === round.failAfter)
        throw new Error(`${this.name}: the backend went away mid-round`);
      await Promise.resolve();
      given++;
      yield item;
    }
  }

  async *search(): AsyncIterable<SourceRecord> {
    await Promise.resolve();
    yield* this.records;
  }

  override get(id: string): Promise<SourceRecord | undefined> {
    this.asked.push(`get ${id}`);
    return Promise.resolve(this.records.find((record) => record.id === id));
  }
}

/** A person as a scripted feed lists them: id, name and office number. */
export function person(
  id: number,
  name = `Person ${id}`,
  phone = `+49 30 555${String(id).padStart(4, '0')}`,
): SourceRecord {
  const [givenName, sn] = name.split(' ');
  return {
    id: `p${id}`,
    fields: { cn: [name], givenName: [givenName ?? name], sn: [sn ?? name], telephoneNumber: [phone] },
  };
}
