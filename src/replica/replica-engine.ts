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
import { RELEASE_AFTER, releaseMemory } from './release-memory.js';
import { ReplicaIndex, type ReplicaIndexParts, type ReplicaIndexShare } from './replica-index.js';
import { PhoneReadings } from './phone-readings.js';
import { DONE, SlotSet } from './slot-stream.js';
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

/** Entries handed to a search per batch: views are made as the search reaches them. */
const BATCH = 256;
/** The first batch: a phone's search stops at 50 entries or so. */
const FIRST_BATCH = 64;
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
   * The index as another thread attaches to it (ReplicaIndex.attach, update), with `store.share()`
   * for the entries; undefined before the copy is loaded. Post a fresh one after every round.
   */
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
    this.#index = ReplicaIndex.over(this.#indexParts(), base);
    this.#cursor = header.cursor;
    // Who was deleted while the copy lay on disk, a feed that cannot report deletions cannot say:
    // its first round reconciles. One that can resumes, and reconciles when its interval is due.
    this.#listedAt = this.#feed().reportsDeletions === false ? -Infinity : performance.now();
    if (store.size >= RELEASE_AFTER) releaseMemory();
    return header;
  }

  /**
   * Candidate entries for a (masked) filter, in batches, found as the batches are asked for (a
   * search that stops at its size limit never pays for the rest); each entry once. The first batch
   * is small, as a phone's search needs a few dozen entries.
   */
  *candidates(filter: Filter): Generator<CandidateBatch> {
    const index = this.#index;
    if (!index) return;
    const store = this.#store;
    const stream = index.stream(filter);
    // An exact stream's entries match as they were when it was made: one rewritten since (a newer
    // stamp) is a candidate again.
    const matchedUpTo = index.exact(filter) ? store.stampsUpTo : undefined;
    const seen = new SlotSet(store.slotCount);
    // A slot freed (and perhaps reused) since the search started holds nobody it should see.
    const frees = store.frees;
    let size = FIRST_BATCH;
    for (let slot = stream.next(); slot !== DONE; size = BATCH) {
      const batch: Entry[] & { matched?: true } = [];
      let matched = matchedUpTo !== undefined;
      for (; slot !== DONE && batch.length < size; slot = stream.next()) {
        // Read only once some slot has been freed: a look at a slot's generation is a cache miss of its own.
        if (!seen.add(slot) || (store.frees !== frees && store.generationOf(slot) > frees)) continue;
        const entry = store.entry(slot);
        if (!entry) continue;
        if (matched && (entry.stamp === undefined || entry.stamp > (matchedUpTo ?? 0))) matched = false;
        batch.push(entry);
      }
      if (matched) batch.matched = true;
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
    this.#index = ReplicaIndex.over(this.#indexParts(), builder.build(this.#read, this.#store.slotCount));
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
    if (this.#store.wantsCompaction) this.#store.compact();
    this.#cursor = cursor;
    return { applied: { upserts: upserts.length, deletions: deletions.size } };
  }

  #pending(record: SourceRecord): PendingUpsert {
    const entry = this.options.present(record);
    return { id: record.id, uuid: uuidOf(entry), entry, content: contentOf(this.#store, entry) };
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
