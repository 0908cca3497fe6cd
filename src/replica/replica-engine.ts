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
import type { CandidateBatch } from './candidate-batch.js';
import { DeletionGuard, type HeldRound } from './deletion-guard.js';
import type { RecordContent } from './entry-record.js';
import { EntryStore } from './entry-store.js';
import { RELEASE_AFTER, releaseMemory } from '../memory/release-memory.js';
import { ReplicaIndex, type ReplicaIndexParts, type ReplicaIndexShare } from './replica-index.js';
import { PhoneReadings } from './phone-readings.js';
import type { ReplicaNotice } from './replica-notice.js';
import { ReplicaReader } from './replica-reader.js';
import { SlotIndex, SlotIndexBuilder, type AttributeLayout, type SlotEntry } from './slot-index.js';
import { SnapshotUnusable } from './snapshot-format.js';
import { SnapshotReader } from './snapshot-reader.js';
import { SnapshotWriter } from './snapshot-writer.js';

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
  /**
   * For a feed that cannot report deletions: how often (ms) a round also lists every id (or every
   * record) to find who left. Default an hour.
   */
  readonly reconcileEveryMs?: number;
  readonly logger?: ReplicaLogger;
  /** The source fields the field map reads: all a listing by `search` asks for (undefined: every field). */
  readonly fields?: readonly string[];
}

/** How the engine's last rounds went, for the mount's health. */
export interface RoundOutcome {
  readonly applied: { readonly upserts: number; readonly deletions: number };
  readonly held?: HeldRound;
}

/** What a snapshot says about itself, before its entries. */
export interface SnapshotHeader {
  readonly source: string;
  /** What the entries were presented with (type, map): another fingerprint, another presentation. */
  readonly fingerprint: string;
  readonly cursor?: string;
  /** When the copy was written (ISO 8601). */
  readonly written: string;
  readonly entries: number;
}

/**
 * Most records a reconciliation reads one by one (ids listed that the copy lacks); past this, a
 * full listing costs the backend less than the single reads.
 */
const MOST_READ_ONE_BY_ONE = 1000;

export class ReplicaEngine {
  #store: EntryStore;
  #readings!: PhoneReadings;
  readonly #rules: MatchingRules;
  readonly #guard: DeletionGuard;
  #index: ReplicaIndex | undefined;
  /** Searches' way into the store and index in force; undefined until the first load. */
  #reader: ReplicaReader | undefined;
  /** Slots written or freed since the last notice to readers in other threads (`notice`). */
  #touched = new Set<number>();
  /** The dictionaries' lengths the last notice reached, and whether a new store was made since. */
  #noticed = { names: 0, values: 0, fresh: true };
  #cursor: string | undefined;
  /** When deletions were last found by a full listing (first load, diff, reconciliation). */
  #listedAt = 0;
  /** The rounds and snapshot writes, one after another: what runs last. */
  #rounds: Promise<unknown> = Promise.resolve(undefined);

  constructor(private readonly options: ReplicaEngineOptions) {
    this.#rules = new MatchingRules(options.schema, { defaultCountry: options.defaultCountry });
    this.#store = this.#readable(new EntryStore(options.dnOf));
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

  /** Bytes the index holds per attribute, about (benchmark, monitoring). */
  indexFootprint(): Map<string, number> {
    return this.#index?.base.footprint() ?? new Map<string, number>();
  }

  /** The index's parts per attribute, keys and typed arrays apart (benchmark). */
  indexLayout(): AttributeLayout[] {
    return this.#index ? [...this.#index.base.layout()] : [];
  }

  /**
   * What changed since the last notice, for readers of this copy in other threads (the listener
   * threads): the store's shared memory, the slots written or freed, the index as it is now
   * (ReplicaIndex.attach, update) and the phone readings; with `fresh`, the whole store for a reader
   * that starts now.
   * Undefined before the first load.
   */
  notice(fresh = false): ReplicaNotice | undefined {
    const index = this.#index;
    if (!index) return undefined;
    const store = this.#store;
    const readings = this.#readings.share();
    if (fresh) return { store: store.share(), fresh: true, touched: [], index: index.share(), readings };
    const { names, values } = this.#noticed.fresh ? { names: 0, values: 0 } : this.#noticed;
    const notice: ReplicaNotice = {
      store: store.share(names, values),
      fresh: this.#noticed.fresh,
      touched: this.#noticed.fresh ? [] : [...this.#touched],
      index: index.share(),
      readings,
    };
    this.#touched = new Set();
    this.#noticed = { names: store.names.all.length, values: store.values.all.length, fresh: false };
    return notice;
  }

  /** The index as another thread attaches to it (ReplicaIndex.attach); undefined before the copy is loaded. */
  indexShare(): ReplicaIndexShare | undefined {
    return this.#index?.share();
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

  /**
   * Writes the copy, its index keys and its cursor to `file` (atomically). Waits for a running round
   * and holds the next one until written, so the file holds one consistent copy.
   */
  save(file: string, fingerprint: string): Promise<SnapshotHeader | undefined> {
    const saving = this.#rounds.then(async () => {
      const index = this.#index;
      if (!index) return undefined;
      index.merge(this.#store.slotCount);
      const header: SnapshotHeader = {
        source: this.options.source.name,
        fingerprint,
        ...(this.#cursor === undefined ? {} : { cursor: this.#cursor }),
        written: new Date().toISOString(),
        entries: this.#store.size,
      };
      await SnapshotWriter.write(file, async (writer) => {
        await writer.json(header);
        await this.#store.saveTo(writer);
        await index.base.saveTo(writer);
        await this.#readings.saveTo(writer, this.#store.slotCount);
      });
      return header;
    });
    this.#rounds = saving.catch(() => undefined);
    return saving;
  }

  /**
   * Serves the copy in `file` (before the first round): its entries, its index and its numbers'
   * readings as they were written (no number is read again) and its cursor, from which the next
   * round resumes. Throws SnapshotUnusable for a file that must not be served; the engine is then
   * as it was.
   */
  async restore(file: string, fingerprint: string): Promise<SnapshotHeader> {
    if (this.#index)
      throw new Error(`source ${this.options.source.name}: restore before the first round only`);
    const { header, store, base, readings } = await SnapshotReader.read(file, async (reader) => {
      const header = snapshotHeader(await reader.json());
      if (header.source !== this.options.source.name)
        throw new SnapshotUnusable(`it is the copy of source ${header.source}`);
      if (header.fingerprint !== fingerprint)
        throw new SnapshotUnusable('it was written for another map or source type');
      const store = await EntryStore.loadFrom(reader, this.options.dnOf);
      const base = await SlotIndex.loadFrom(
        reader,
        this.options.schema,
        this.#rules,
        this.#read,
        store.slotCount,
      );
      const readings = this.#readingsOf(store);
      await readings.loadFrom(reader, store.slotCount);
      return { header, store, base, readings };
    });
    if (store.size !== header.entries || base.size !== header.entries)
      throw new SnapshotUnusable(`it says ${header.entries} entries but holds ${store.size}`);
    this.#store = this.#readable(store, readings);
    this.#serve(ReplicaIndex.over(this.#indexParts(), base));
    this.#cursor = header.cursor;
    // Who was deleted while the copy lay on disk, a feed that cannot report deletions cannot say:
    // its first round reconciles. One that can resumes, and reconciles when its interval is due.
    this.#listedAt = this.#feed().reportsDeletions === false ? -Infinity : performance.now();
    if (store.size >= RELEASE_AFTER) releaseMemory();
    return header;
  }

  /** Candidate entries for a (masked) filter, in batches (ReplicaReader.candidates); none before the first load. */
  candidates(filter: Filter): Generator<CandidateBatch> {
    return (this.#reader ?? NOTHING_YET).candidates(filter);
  }

  get(uuid: string): Entry | undefined {
    return this.#reader?.get(uuid);
  }

  recordIdOf(uuid: string): string | undefined {
    return this.#reader?.recordIdOf(uuid);
  }

  async #round(signal: AbortSignal): Promise<RoundOutcome> {
    const feed = this.#feed();
    if (!this.#index) {
      try {
        return await this.#firstLoad(feed, signal);
      } catch (error) {
        // What a failed first load stored is nobody's copy: the next round starts afresh.
        this.#store = this.#readable(new EntryStore(this.options.dnOf));
        throw error;
      }
    }
    if (this.#cursor !== undefined && feed.changes) {
      try {
        const outcome = await this.#changes(feed, this.#cursor, signal);
        if (outcome.held || !reconciles(feed) || !this.#reconciliationDue(feed)) return outcome;
        return added(outcome, await this.#reconcile(feed, signal));
      } catch (error) {
        if (!(error instanceof CursorExpired)) throw error;
        // The mount's logger names the source already.
        this.options.logger?.warn({}, `${error.message}: listing everything again`);
      }
    }
    return this.#diff(feed, signal);
  }

  #reconciliationDue(feed: ChangeFeed): boolean {
    const every = feed.reconcileEveryMs ?? this.options.reconcileEveryMs ?? 3_600_000;
    return performance.now() - this.#listedAt >= every;
  }

  /**
   * Finds who left, for a feed that cannot say: ids the copy holds and an id-only listing lacks are
   * deleted (the guard applies), and the few listed ids the copy lacks (a change the feed could not
   * see, such as a nested group's member) are read one by one; without an id listing, or with too
   * many missing, everything is listed and applied as a diff.
   */
  async #reconcile(feed: ChangeFeed, signal: AbortSignal): Promise<RoundOutcome> {
    if (!feed.ids) return this.#diff(feed, signal);
    const listed = new Set<string>();
    const missing: string[] = [];
    for await (const id of feed.ids(signal)) {
      listed.add(id);
      if (this.#store.slotOf(id) === undefined) missing.push(id);
    }
    if (missing.length > MOST_READ_ONE_BY_ONE) return this.#diff(feed, signal);
    const upserts: PendingUpsert[] = [];
    for (const id of missing) {
      const record = await this.options.source.get(id, signal);
      if (record) upserts.push(this.#pending(record));
    }
    const deletions = new Set<string>();
    for (const slot of this.#store.slots()) {
      const id = this.#store.recordIdAt(slot)!;
      if (!listed.has(id)) deletions.add(id);
    }
    const outcome = this.#apply(upserts, deletions, this.#cursor);
    if (!outcome.held) this.#listedAt = performance.now();
    return outcome;
  }

  /** The source's feed, or a full listing by `search` for a source that has none. */
  #feed(): ChangeFeed {
    const { source, fields } = this.options;
    const query = fields ? { fields } : {};
    return (
      source.changeFeed?.(fields) ?? {
        async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
          for await (const record of source.search(query, signal)) yield { kind: 'upsert', record };
        },
      }
    );
  }

  /** Streams the listing straight into the store and the index: nobody reads the copy yet. */
  async #firstLoad(feed: ChangeFeed, signal: AbortSignal): Promise<RoundOutcome> {
    const builder = new SlotIndexBuilder(this.options.schema, this.#rules, this.#readings);
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
    this.#serve(ReplicaIndex.over(this.#indexParts(), builder.build(this.#read, this.#store.slotCount)));
    this.#cursor = cursor;
    this.#listedAt = performance.now();
    if (this.#store.size >= RELEASE_AFTER) releaseMemory();
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
        const pending = this.#pending(item.record);
        // A feed may report a record again unchanged (a poll that overlaps the last): no change.
        if (this.#store.holds(item.record.id, pending.content)) upserts.delete(item.record.id);
        else upserts.set(item.record.id, pending);
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
    const outcome = this.#apply(upserts, deletions, cursor);
    if (!outcome.held) this.#listedAt = performance.now();
    if (seen.size >= RELEASE_AFTER) releaseMemory();
    return outcome;
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
    for (const slot of removed) this.#touched.add(slot);
    for (const { slot } of changed) this.#touched.add(slot);
    if (this.#store.wantsCompaction) this.#store.compact();
    this.#cursor = cursor;
    return { applied: { upserts: upserts.length, deletions: deletions.size } };
  }

  #pending(record: SourceRecord): PendingUpsert {
    const entry = this.options.present(record);
    return { id: record.id, uuid: uuidOf(entry), entry, content: contentOf(this.#store, entry) };
  }

  /** Serves a new store (the one in `#store`) and its index: readers elsewhere start afresh. */
  #serve(index: ReplicaIndex): void {
    this.#index = index;
    this.#reader = new ReplicaReader(this.#store, index);
    this.#touched = new Set();
    this.#noticed = { names: 0, values: 0, fresh: true };
  }

  readonly #read = (slot: number): Entry['attributes'] | undefined => this.#store.entry(slot)?.attributes;

  /** A store with phone readings of its own: a reading is only good for the store it was made in. */
  #readable(store: EntryStore, readings = this.#readingsOf(store)): EntryStore {
    this.#readings = readings;
    store.listener = readings;
    return store;
  }

  #readingsOf(store: EntryStore): PhoneReadings {
    return new PhoneReadings(this.#rules.phoneNumbers, this.options.schema, (slot) => store.recordAt(slot));
  }

  #indexParts(): ReplicaIndexParts {
    return {
      schema: this.options.schema,
      rules: this.#rules,
      read: this.#read,
      prepare: this.options.prepare ?? [],
      readings: this.#readings,
    };
  }
}

/** What a search reads before the first load: nothing. */
const NOTHING_YET = { *candidates(): Generator<CandidateBatch> {} };

interface PendingUpsert {
  readonly id: string;
  readonly uuid: string;
  readonly entry: Entry;
  readonly content: RecordContent;
}

/**
 * Whether a feed is reconciled: one that cannot report deletions always, one that can when it asks
 * to be (a safety net against a change it missed).
 */
function reconciles(feed: ChangeFeed): boolean {
  return feed.reportsDeletions === false || feed.reconcileEveryMs !== undefined;
}

/** Two parts of one round, counted together (a held part holds the round). */
function added(first: RoundOutcome, second: RoundOutcome): RoundOutcome {
  return {
    applied: {
      upserts: first.applied.upserts + second.applied.upserts,
      deletions: first.applied.deletions + second.applied.deletions,
    },
    ...(second.held ? { held: second.held } : {}),
  };
}

function snapshotHeader(value: unknown): SnapshotHeader {
  const header = value as Partial<Record<keyof SnapshotHeader, unknown>> | null;
  if (
    typeof header !== 'object' ||
    header === null ||
    typeof header.source !== 'string' ||
    typeof header.fingerprint !== 'string' ||
    (header.cursor !== undefined && typeof header.cursor !== 'string') ||
    typeof header.written !== 'string' ||
    Number.isNaN(Date.parse(header.written)) ||
    typeof header.entries !== 'number'
  )
    throw new SnapshotUnusable('its header is not one dirbridge writes');
  return header as SnapshotHeader;
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
