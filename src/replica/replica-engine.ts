/**
 * The one replica engine every replica mount uses (DESIGN.md "Live and replica sources"). A source
 * hands it a full listing and, where its backend can, a change feed; the engine loads the copy
 * into the entry store and its index, applies each round of changes in place, lists everything
 * again when a cursor has expired (applied as a diff), reconciles deletions for feeds that cannot
 * report them, holds a round that would delete too much, and keeps the copy serving when the
 * backend fails (stale). A round is gathered first and applied in one synchronous step, so no
 * search sees half of it; a paged search that noted slots before reads each entry's newest version,
 * and skips slots freed since (each person exactly once).
 */
import type { Filter } from '../filter/ast.js';
import type { Entry } from '../schema/entry.js';
import { MatchingRules } from '../schema/matching-rules.js';
import type { Schema } from '../schema/schema.js';
import { CursorExpired, type ChangeFeed, type FeedItem } from '../sources/change-feed.js';
import type { Source, SourceRecord } from '../sources/source.js';
import { SourceError } from '../sources/source.js';
import { DeletionGuard, type HeldRound } from './deletion-guard.js';
import type { RecordContent } from './entry-record.js';
import { EntryStore } from './entry-store.js';
import { ReplicaIndex, type ReplicaIndexParts } from './replica-index.js';
import { SlotIndexBuilder, type SlotEntry } from './slot-index.js';
import type { Ids } from './sorted-ids.js';

export interface ReplicaLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ReplicaEngineOptions {
  readonly source: Source;
  /** A record as the directory presents it (through the field map). */
  readonly present: (record: SourceRecord) => Entry;
  /** The presented DN of an entry, from its UUID. */
  readonly dnOf: (uuid: string) => string;
  readonly schema: Schema;
  readonly defaultCountry: string;
  /** Attributes whose keys and trigrams are built before the copy serves (phonebook names). */
  readonly prepare?: readonly string[];
  /** Most deletions one round may apply: a count, or a share of the copy (`10%`). */
  readonly maxDeletes?: number | string;
  readonly logger?: ReplicaLogger;
}

/** How the engine's last rounds went, for the mount's health. */
export interface RoundOutcome {
  readonly applied: { readonly upserts: number; readonly deletions: number };
  readonly held?: HeldRound;
}

/** Entries handed to a search per batch: views are made as the search reaches them. */
const BATCH = 256;

export class ReplicaEngine {
  readonly #store: EntryStore;
  readonly #rules: MatchingRules;
  readonly #guard: DeletionGuard;
  #index: ReplicaIndex | undefined;
  #cursor: string | undefined;
  #rounds: Promise<RoundOutcome | undefined> = Promise.resolve(undefined);

  constructor(private readonly options: ReplicaEngineOptions) {
    this.#store = new EntryStore(options.dnOf);
    this.#rules = new MatchingRules(options.schema, { defaultCountry: options.defaultCountry });
    this.#guard = new DeletionGuard(options.source.name, options.maxDeletes ?? '10%');
  }

  /** Whether the copy has been loaded (or restored) and can answer. */
  get loaded(): boolean {
    return this.#index !== undefined;
  }

  get size(): number {
    return this.#store.size;
  }

  get store(): EntryStore {
    return this.#store;
  }

  get cursor(): string | undefined {
    return this.#cursor;
  }

  /** The round the guard holds back, if any. */
  get held(): HeldRound | undefined {
    return this.#guard.held;
  }

  /**
   * Brings the copy up to date: the first time (or when the cursor has expired) from a full listing,
   * else from the change feed; a source without a feed is listed in full and applied as a diff.
   * Rounds run one at a time; one asked for while another runs waits for it.
   */
  sync(signal: AbortSignal, onStart?: () => void): Promise<RoundOutcome | undefined> {
    const round = this.#rounds.then(() => {
      onStart?.();
      return this.#round(signal);
    });
    this.#rounds = round.catch(() => undefined);
    return round;
  }

  /** A held round in words, with what to do about it. */
  describeHeld(held: HeldRound): string {
    return this.#guard.describe(held);
  }

  /** Lets the held round's deletions through: the next round applies up to that many. */
  acceptDeletes(): HeldRound | undefined {
    return this.#guard.accept();
  }

  /** Candidate entries for a (masked) filter, in batches, in slot order. */
  *candidates(filter: Filter): Generator<readonly Entry[]> {
    const index = this.#index;
    if (!index) return;
    const slots = index.candidates(filter) ?? index.all();
    const generations = this.#generationsOf(slots);
    for (let start = 0; start < slots.length; start += BATCH) {
      const batch: Entry[] = [];
      const end = Math.min(start + BATCH, slots.length);
      for (let i = start; i < end; i++) {
        const slot = slots[i]!;
        // A slot freed (and perhaps reused) since the search noted it holds nobody it should see.
        if (this.#store.generationOf(slot) !== generations[i]) continue;
        const entry = this.#store.entry(slot);
        if (entry) batch.push(entry);
      }
      if (batch.length > 0) yield batch;
    }
  }

  get(uuid: string): Entry | undefined {
    const slot = this.#store.slotOfUuid(uuid);
    return slot === undefined ? undefined : this.#store.entry(slot);
  }

  recordIdOf(uuid: string): string | undefined {
    const slot = this.#store.slotOfUuid(uuid);
    return slot === undefined ? undefined : this.#store.recordIdAt(slot);
  }

  #generationsOf(slots: Ids): Uint32Array {
    const generations = new Uint32Array(slots.length);
    for (let i = 0; i < slots.length; i++) generations[i] = this.#store.generationOf(slots[i]!);
    return generations;
  }

  async #round(signal: AbortSignal): Promise<RoundOutcome> {
    const feed = this.#feed();
    if (!this.#index) return this.#firstLoad(feed, signal);
    if (this.#cursor !== undefined && feed.changes) {
      try {
        return await this.#changes(feed, this.#cursor, signal);
      } catch (error) {
        if (!(error instanceof CursorExpired)) throw error;
        this.options.logger?.warn(
          { source: this.options.source.name, err: error.message },
          'the backend no longer knows where the replica left off: listing everything again',
        );
      }
    }
    return this.#diff(feed, signal);
  }

  /** The source's feed, or a full listing by `search` for a source that has none. */
  #feed(): ChangeFeed {
    const { source } = this.options;
    return (
      source.changeFeed?.() ?? {
        async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
          for await (const record of source.search({}, signal)) yield { kind: 'upsert', record };
        },
      }
    );
  }

  /** Streams the listing straight into the store and the index: nobody reads the copy yet. */
  async #firstLoad(feed: ChangeFeed, signal: AbortSignal): Promise<RoundOutcome> {
    const builder = new SlotIndexBuilder(this.options.schema, this.#rules);
    let cursor: string | undefined;
    for await (const item of feed.full(signal)) {
      if (item.kind === 'cursor') cursor = item.cursor;
      else if (item.kind === 'upsert') {
        const entry = this.options.present(item.record);
        const uuid = uuidOf(entry);
        if (this.#store.slotOf(item.record.id) !== undefined || this.#store.slotOfUuid(uuid) !== undefined)
          throw new SourceError(this.options.source.name, `two records share the id ${item.record.id}`);
        builder.add(this.#store.put(item.record.id, uuid, contentOf(this.#store, entry)), entry.attributes);
      }
    }
    this.#index = ReplicaIndex.over(this.#indexParts(), builder.build(this.#read, this.#store.slotCount));
    this.#cursor = cursor;
    return { applied: { upserts: this.#store.size, deletions: 0 } };
  }

  /** One round from the change feed, gathered whole, then applied. */
  async #changes(feed: ChangeFeed, cursor: string, signal: AbortSignal): Promise<RoundOutcome> {
    const upserts = new Map<string, PendingUpsert>();
    const deletions = new Set<string>();
    let next: string | undefined;
    for await (const item of feed.changes!(cursor, signal)) {
      if (item.kind === 'cursor') next = item.cursor;
      else if (item.kind === 'delete') {
        upserts.delete(item.id);
        if (this.#store.slotOf(item.id) !== undefined) deletions.add(item.id);
      } else {
        deletions.delete(item.record.id);
        upserts.set(item.record.id, this.#pending(item.record));
      }
    }
    return this.#apply([...upserts.values()], deletions, next ?? cursor);
  }

  /**
   * A full listing applied as a diff: records whose bytes are unchanged only mark their slot seen,
   * changed ones are kept until the listing ends, and what was not seen is deleted.
   */
  async #diff(feed: ChangeFeed, signal: AbortSignal): Promise<RoundOutcome> {
    const seen = new Set<string>();
    const upserts: PendingUpsert[] = [];
    let cursor: string | undefined;
    for await (const item of feed.full(signal)) {
      if (item.kind === 'cursor') cursor = item.cursor;
      else if (item.kind === 'upsert') {
        if (seen.has(item.record.id))
          throw new SourceError(this.options.source.name, `two records share the id ${item.record.id}`);
        seen.add(item.record.id);
        const pending = this.#pending(item.record);
        if (!this.#store.holds(item.record.id, pending.content)) upserts.push(pending);
      }
    }
    const deletions = new Set<string>();
    for (const slot of this.#store.slots()) {
      const id = this.#store.recordIdAt(slot)!;
      if (!seen.has(id)) deletions.add(id);
    }
    return this.#apply(upserts, deletions, cursor);
  }

  /** The one synchronous step that changes the copy (unless the guard holds the round). */
  #apply(
    upserts: readonly PendingUpsert[],
    deletions: ReadonlySet<string>,
    cursor: string | undefined,
  ): RoundOutcome {
    const held = this.#guard.check(deletions.size, this.#store.size);
    if (held) return { applied: { upserts: 0, deletions: 0 }, held };
    const removed: number[] = [];
    for (const id of deletions) {
      const slot = this.#store.delete(id);
      if (slot !== undefined) removed.push(slot);
    }
    const changed: SlotEntry[] = [];
    for (const { id, uuid, entry, content } of upserts) {
      // An entry that took another's UUID (a re-created record) replaces it.
      const holder = this.#store.slotOfUuid(uuid);
      const holderId = holder === undefined ? undefined : this.#store.recordIdAt(holder);
      if (holderId !== undefined && holderId !== id) {
        const slot = this.#store.delete(holderId);
        if (slot !== undefined) removed.push(slot);
      }
      changed.push({ slot: this.#store.put(id, uuid, content), attributes: entry.attributes });
    }
    this.#index!.apply(changed, removed, this.#store.slotCount);
    if (this.#store.wantsCompaction) this.#store.compact();
    this.#cursor = cursor;
    return { applied: { upserts: upserts.length, deletions: deletions.size } };
  }

  #pending(record: SourceRecord): PendingUpsert {
    const entry = this.options.present(record);
    return { id: record.id, uuid: uuidOf(entry), entry, content: contentOf(this.#store, entry) };
  }

  readonly #read = (slot: number): Entry['attributes'] | undefined => this.#store.entry(slot)?.attributes;

  #indexParts(): ReplicaIndexParts {
    return {
      schema: this.options.schema,
      rules: this.#rules,
      read: this.#read,
      prepare: this.options.prepare ?? [],
    };
  }
}

interface PendingUpsert {
  readonly id: string;
  readonly uuid: string;
  readonly entry: Entry;
  readonly content: RecordContent;
}

function uuidOf(entry: Entry): string {
  return entry.attributes.get('entryuuid')!.values[0]!;
}

/** A presented entry as the store keeps it. */
function contentOf(store: EntryStore, entry: Entry): RecordContent {
  const attributes: { nameId: number; strings: readonly string[] }[] = [];
  entry.attributes.forEach((attribute) => {
    attributes.push({ nameId: store.names.idOf(attribute.name), strings: attribute.values });
  });
  return { attributes };
}
