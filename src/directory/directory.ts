/**
 * The virtual directory: routes a search by base and scope to the special entries and the mounted
 * sources, streams matching entries in a stable order (suffix, then each mount in config order),
 * and shapes each into the attributes the client asked for. Limits and paging are the session's.
 */
import { MATCH_ALL, type Filter } from '../filter/ast.js';
import {
  AttributeSelection,
  type AttributeRenaming,
  type ComputedAttributes,
  type SelectedAttribute,
} from './attribute-selection.js';
import { attributesRead } from './attributes-read.js';
import { DirectoryError } from './directory-error.js';
import { DnSyntaxError } from '../dn/distinguished-name.js';
import type { AttributeSink, Entry } from '../schema/entry.js';
import { EvaluationBudget } from './evaluation-budget.js';
import type { FilterEvaluator } from './evaluator.js';
import { monitorEntries, type ListenerStatus, type MonitorSnapshot } from './monitor-entries.js';
import { MonitorTree } from './monitor-tree.js';
import type { MountedSource } from './mounted-source.js';
import { SUBSCHEMA_DN, type DnTarget, type Namespace } from './namespace.js';
import type { Schema } from '../schema/schema.js';
import { SourceBusy, type SourceRecord } from '../sources/source.js';
import { DEFAULT_VISIBILITY, maskWithheld, type Visibility } from './visibility.js';
import {
  mountEntry,
  rootDseEntry,
  subschemaEntry,
  suffixEntry,
  type ServerFeatures,
} from './special-entries.js';

export type Scope = 'base' | 'one' | 'sub';

export interface DirectorySearch {
  readonly base: string;
  readonly scope: Scope;
  readonly filter: Filter;
  readonly attributes: readonly string[];
  readonly typesOnly: boolean;
}

export interface SearchHit {
  readonly dn: string;
  readonly attributes: readonly SelectedAttribute[];
  /**
   * The entry's Entry.stamp, when it has one: the same stamp under the same attribute selection and
   * caller is the same hit, so its encoding may be kept and sent again.
   */
  readonly stamp?: number;
  /**
   * Present on a hit held as bytes: writes what `attributes` holds to `sink` without making it
   * (Entry.writeAttributes), under the names `renaming` gives them.
   */
  writeAttributes?(sink: AttributeSink, renaming?: AttributeRenaming): void;
}

export type CompareOutcome = 'true' | 'false' | 'noSuchAttribute' | 'undefinedAttributeType';

/** One search's walk through the tree: what it looks for, where it may look, when to stop. */
interface Walk {
  /** The filter with withheld attributes masked: what indexes and backends may narrow by. */
  readonly filter: Filter;
  /** The one test of whether an entry matches, compiled for this caller (what it may see, its budget). */
  readonly matches: (entry: Entry) => boolean;
  /** The presented attributes the search reads from an entry (attributes-read.ts); undefined: any. */
  readonly reads?: ReadonlySet<string> | undefined;
  readonly mounts: readonly MountedSource[];
  readonly signal: AbortSignal;
}

/** Where a hit came from decides its computed operational attributes. */
type Origin = 'rootDse' | 'subschema' | 'suffix' | 'mount' | 'record' | 'monitor';

/** Entries in scope that come from one place, not yet tested against the filter. */
interface Found {
  readonly origin: Origin;
  readonly entries: readonly Entry[];
  /** Each entry is known to match the search's filter (CandidateBatch.matched): none is tested. */
  readonly matched?: boolean;
  readonly mount?: MountedSource;
  /** Monitor entries say themselves whether they have children. */
  readonly subordinates?: boolean;
}

/** Who may search below a base: everyone (root DSE, schema), service accounts (cn=Monitor), or policy. */
export type BaseAccess = 'public' | 'monitor' | 'tree';

/** A search with its base DN parsed once: the access check reads `access`, then `hits` runs it. */
export interface PreparedSearch {
  readonly access: BaseAccess;
  hits(signal: AbortSignal, visibility?: Visibility, budget?: EvaluationBudget): AsyncGenerator<SearchHit>;
  /**
   * The same hits in runs (a source's batch of candidates at a time, each tested as it is read),
   * none longer than `most`: passing hits one by one through async generators was a tenth of an
   * export page's time and a twentieth of a phone's 50-hit name search. A run ends as soon as it
   * holds `most` hits, so a reader that stops at `most` (a size limit and one more hit to tell it
   * was passed) has no candidate tested beyond the last it needs, as with `hits`.
   */
  hitBatches(
    signal: AbortSignal,
    visibility?: Visibility,
    budget?: EvaluationBudget,
    most?: number,
  ): AsyncGenerator<readonly SearchHit[]>;
}

/** Entries tested between two looks at the clock. */
const CLOCK_EVERY = 64;
/** Longest a search holds the event loop before letting other connections in. */
const SLICE_MS = 5;

export interface DirectoryOptions {
  readonly namespace: Namespace;
  readonly schema: Schema;
  readonly evaluator: FilterEvaluator;
  /** In config order, which is the order results come in. */
  readonly mounts: readonly MountedSource[];
  readonly features: ServerFeatures;
  /** When the server started, which a directory rebuilt by a reload keeps (cn=Monitor). */
  readonly startedAt?: Date;
}

/** What a reload changes: the mounts, and what depends on the sources' names or the settings. */
export interface Remount {
  readonly namespace: Namespace;
  readonly evaluator: FilterEvaluator;
  /** In the new config order; unchanged sources are the same objects as before. */
  readonly mounts: readonly MountedSource[];
}

export class Directory {
  readonly namespace: Namespace;
  readonly schema: Schema;
  readonly evaluator: FilterEvaluator;
  readonly #mounts: ReadonlyMap<string, MountedSource>;
  readonly #rootDse: Entry;
  readonly #subschema: Entry;
  readonly #suffix: Entry;
  readonly #mountEntries: ReadonlyMap<string, Entry>;
  readonly #features: ServerFeatures;
  readonly #startedAt: Date;
  #listeners: () => readonly ListenerStatus[] = () => [];

  constructor(options: DirectoryOptions) {
    this.namespace = options.namespace;
    this.schema = options.schema;
    this.evaluator = options.evaluator;
    this.#mounts = new Map(options.mounts.map((m) => [m.name, m]));
    this.#rootDse = rootDseEntry(this.namespace, options.features);
    this.#subschema = subschemaEntry(this.schema);
    this.#suffix = suffixEntry(this.namespace);
    this.#features = options.features;
    this.#startedAt = options.startedAt ?? new Date();
    this.#mountEntries = new Map(
      options.mounts.map((m) => [m.name, mountEntry(this.namespace, m.name, m.description)]),
    );
  }

  get mounts(): readonly MountedSource[] {
    return [...this.#mounts.values()];
  }

  /**
   * The directory a reload swaps in: other mounts (and names, and settings) under the same schema,
   * features, start time and listeners. This one is left as it is, so a search under way (a paged
   * one between its pages) ends on the tree it began on; closing mounts is the reload's business.
   */
  remount(next: Remount): Directory {
    const directory = new Directory({
      ...next,
      schema: this.schema,
      features: this.#features,
      startedAt: this.#startedAt,
    });
    directory.#listeners = this.#listeners;
    return directory;
  }

  /** Loads every replica; the directory serves once this resolves. */
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all(this.mounts.map((m) => m.start(signal)));
  }

  /** Writes what replicas changed since their last snapshot, then closes the sources. */
  async close(): Promise<void> {
    await Promise.allSettled(this.mounts.map((m) => m.close()));
  }

  /** The server reports its listeners' counters here once it listens (the CLI's directory has none). */
  reportListeners(listeners: () => readonly ListenerStatus[]): void {
    this.#listeners = listeners;
  }

  /** What cn=Monitor shows now. */
  monitorSnapshot(): MonitorSnapshot {
    return {
      version: this.#features.vendorVersion,
      startedAt: this.#startedAt,
      sources: this.mounts.map((mount) => ({
        name: mount.name,
        type: mount.type,
        mode: mount.mode,
        status: mount.status,
        entries: mount.entryCount,
      })),
      listeners: this.#listeners(),
    };
  }

  /**
   * The mount and record a presented entry DN names (a bind by presented DN), or undefined. A live
   * source's entry UUID is its record id unless the mount has seen another (UUIDv5-derived) one.
   */
  entryOf(dn: string): { readonly mount: string; readonly recordId: string } | undefined {
    let target: DnTarget;
    try {
      target = this.namespace.resolve(dn);
    } catch (error) {
      if (error instanceof DnSyntaxError) return undefined;
      throw error;
    }
    if (target.kind !== 'entry') return undefined;
    const recordId = this.#mount(target.mount)?.recordIdOf(target.uuid);
    return recordId === undefined ? undefined : { mount: target.mount, recordId };
  }

  /** The presented DN of a record of a mount. */
  dnOf(mount: string, record: SourceRecord): string {
    const mounted = this.#mount(mount);
    if (!mounted) throw new Error(`no mount ${mount}`);
    return mounted.dnOf(record);
  }

  #mount(name: string): MountedSource | undefined {
    return this.mounts.find((m) => m.name === name);
  }

  /**
   * Who may read at a base DN: `public` for the root DSE and the schema (everyone), `monitor` for
   * cn=Monitor (service accounts), `tree` for the rest (access policy). Throws invalidDNSyntax.
   */
  baseClass(base: string): BaseAccess {
    return accessOf(this.#resolve(base));
  }

  /** Parses the search's base once; throws invalidDNSyntax for text that is not a DN. */
  prepare(search: DirectorySearch): PreparedSearch {
    const target = this.#resolve(search.base);
    return {
      access: accessOf(target),
      hits: (signal, visibility = DEFAULT_VISIBILITY, budget = EvaluationBudget.unlimited()) =>
        this.#hits(target, search, signal, visibility, budget),
      hitBatches: (
        signal,
        visibility = DEFAULT_VISIBILITY,
        budget = EvaluationBudget.unlimited(),
        most = Infinity,
      ) => this.#hitBatches(target, search, signal, visibility, budget, most),
    };
  }

  /**
   * The entries a search finds, shaped for the caller. `budget` bounds the filter work (the session
   * resets it for each page of a paged search); past it the search throws adminLimitExceeded.
   */
  search(
    search: DirectorySearch,
    signal: AbortSignal,
    visibility: Visibility = DEFAULT_VISIBILITY,
    budget: EvaluationBudget = EvaluationBudget.unlimited(),
  ): AsyncGenerator<SearchHit> {
    return this.prepare(search).hits(signal, visibility, budget);
  }

  /**
   * Every entry in scope, special entries and source entries alike, is tested here and only here.
   * A long run of entries (a scan, an expensive filter) lets other connections in every few ms.
   */
  async *#hits(
    target: DnTarget,
    search: DirectorySearch,
    signal: AbortSignal,
    visibility: Visibility,
    budget: EvaluationBudget,
  ): AsyncGenerator<SearchHit> {
    const { walk, selection } = this.#walk(target, search, signal, visibility, budget);
    let tested = 0;
    let sliceStart = performance.now();
    enter(walk.mounts);
    try {
      for await (const found of this.#scope(target, search.scope, walk)) {
        const matched = found.matched === true;
        for (const entry of found.entries) {
          if (++tested % CLOCK_EVERY === 0 && performance.now() - sliceStart >= SLICE_MS) {
            await new Promise(setImmediate);
            if (signal.aborted) return;
            sliceStart = performance.now();
          }
          if (matched || walk.matches(entry)) yield this.#hit(entry, found, selection);
        }
      }
    } finally {
      leave(walk.mounts);
    }
  }

  /**
   * #hits in runs of at most `most` (PreparedSearch.hitBatches): the same tests, the same slices of
   * the event loop.
   */
  async *#hitBatches(
    target: DnTarget,
    search: DirectorySearch,
    signal: AbortSignal,
    visibility: Visibility,
    budget: EvaluationBudget,
    most: number,
  ): AsyncGenerator<readonly SearchHit[]> {
    const { walk, selection } = this.#walk(target, search, signal, visibility, budget);
    let tested = 0;
    let sliceStart = performance.now();
    enter(walk.mounts);
    try {
      for await (const found of this.#scope(target, search.scope, walk)) {
        const matched = found.matched === true;
        let hits: SearchHit[] = [];
        try {
          for (const entry of found.entries) {
            if (++tested % CLOCK_EVERY === 0 && performance.now() - sliceStart >= SLICE_MS) {
              await new Promise(setImmediate);
              if (signal.aborted) return;
              sliceStart = performance.now();
            }
            if (!matched && !walk.matches(entry)) continue;
            hits.push(this.#hit(entry, found, selection));
            if (hits.length < most) continue;
            yield hits;
            hits = [];
          }
        } catch (error) {
          // What was found before the filter's budget ran out goes out first, as #hits sends it.
          if (hits.length > 0) yield hits;
          throw error;
        }
        if (hits.length > 0) yield hits;
      }
    } finally {
      leave(walk.mounts);
    }
  }

  /** One search's walk and attribute selection, for the caller and its budget. */
  #walk(
    target: DnTarget,
    search: DirectorySearch,
    signal: AbortSignal,
    visibility: Visibility,
    budget: EvaluationBudget,
  ): { readonly walk: Walk; readonly selection: AttributeSelection } {
    const { withheld } = visibility;
    const selection = new AttributeSelection(search.attributes, search.typesOnly, this.schema, withheld);
    const filter = maskWithheld(search.filter, withheld, this.schema);
    const mounts = this.#mountsAt(target, visibility);
    const walk: Walk = {
      filter,
      matches: this.evaluator.predicate(search.filter, { withheld, budget }),
      // Only a live mount narrows what it fetches by them: a replica search does not work them out.
      reads: mounts.some((mount) => mount.mode === 'live')
        ? attributesRead(selection.named, filter, this.schema, withheld)
        : undefined,
      mounts,
      signal,
    };
    return { walk, selection };
  }

  async compare(
    dn: string,
    attribute: string,
    value: string,
    signal: AbortSignal,
    visibility: Visibility = DEFAULT_VISIBILITY,
  ): Promise<CompareOutcome> {
    if (visibility.withheld.has(this.schema.canonicalName(attribute).toLowerCase())) {
      throw new DirectoryError('insufficientAccessRights', `${attribute} cannot be compared`);
    }
    const target = this.#resolve(dn);
    const walk: Walk = {
      filter: MATCH_ALL,
      matches: () => true,
      mounts: this.#mountsAt(target, visibility),
      signal,
    };
    enter(walk.mounts);
    try {
      const found = await this.#base(target, walk);
      return this.evaluator.compare(found.entries[0]!, attribute, value);
    } finally {
      leave(walk.mounts);
    }
  }

  /**
   * The mounts a search at `target` may walk: the one it names, or every one the caller may read
   * from the suffix up. Only those are kept open for it when a reload retires them (MountedSource.retire).
   */
  #mountsAt(target: DnTarget, visibility: Visibility): readonly MountedSource[] {
    const visible = this.#visibleMounts(visibility);
    return 'mount' in target ? visible.filter((mount) => mount.name === target.mount) : visible;
  }

  #visibleMounts(visibility: Visibility): readonly MountedSource[] {
    const { mounts } = visibility;
    return mounts ? this.mounts.filter((m) => mounts.has(m.name)) : this.mounts;
  }

  #resolve(dn: string): DnTarget {
    try {
      return this.namespace.resolve(dn);
    } catch (error) {
      if (error instanceof DnSyntaxError)
        throw new DirectoryError('invalidDNSyntax', `invalid DN "${dn}": ${error.message}`);
      throw error;
    }
  }

  /** The entries in scope, before any is tested against the filter. */
  async *#scope(target: DnTarget, scope: Scope, walk: Walk): AsyncGenerator<Found> {
    if (target.kind === 'monitor') {
      yield* this.#monitorScope(target.normalized, scope);
      return;
    }
    const base = await this.#base(target, walk);
    if (scope !== 'one') yield base;
    if (scope === 'base') return;
    switch (base.origin) {
      case 'rootDse':
        if (scope === 'one') yield this.#suffixFound();
        else yield* this.#subtree(walk);
        return;
      case 'suffix':
        if (scope === 'one') for (const mount of walk.mounts) yield this.#mountFound(mount);
        else for (const mount of walk.mounts) yield* this.#mountSubtree(mount, walk, true);
        return;
      case 'mount':
        yield* this.#mountSubtree(base.mount!, walk, false);
        return;
      default:
        return;
    }
  }

  /** The monitor subtree is its own naming context: reached only from a base at or below cn=Monitor. */
  *#monitorScope(normalized: string, scope: Scope): Generator<Found> {
    const tree = new MonitorTree(monitorEntries(this.monitorSnapshot()), this.schema);
    const base = tree.get(normalized);
    if (!base) throw new DirectoryError('noSuchObject', 'no such entry', tree.matchedDn(normalized));
    const nodes =
      scope === 'base'
        ? [base]
        : scope === 'one'
          ? tree.children(normalized)
          : [base, ...tree.descendants(normalized)];
    for (const { entry, subordinates } of nodes) yield { origin: 'monitor', entries: [entry], subordinates };
  }

  /** The whole tree below the root: suffix, then each mount with its entries. */
  async *#subtree(walk: Walk): AsyncGenerator<Found> {
    yield this.#suffixFound();
    for (const mount of walk.mounts) yield* this.#mountSubtree(mount, walk, true);
  }

  async *#mountSubtree(mount: MountedSource, walk: Walk, withMountEntry: boolean): AsyncGenerator<Found> {
    if (withMountEntry) yield this.#mountFound(mount);
    try {
      for await (const entries of mount.candidates(walk.filter, walk.signal, walk.reads))
        yield { origin: 'record', entries, mount, matched: entries.matched === true };
    } catch (error) {
      throw this.#sourceFailure(mount, error, walk.signal);
    }
  }

  #suffixFound(): Found {
    return { origin: 'suffix', entries: [this.#suffix] };
  }

  #mountFound(mount: MountedSource): Found {
    return { origin: 'mount', entries: [this.#mountEntries.get(mount.name)!], mount };
  }

  /** The entry a base DN names, or noSuchObject with the deepest existing (visible) match. */
  async #base(target: DnTarget, walk: Walk): Promise<Found> {
    switch (target.kind) {
      case 'rootDse':
        return { origin: 'rootDse', entries: [this.#rootDse] };
      case 'subschema':
        return { origin: 'subschema', entries: [this.#subschema] };
      case 'suffix':
        return this.#suffixFound();
      case 'missing':
        throw new DirectoryError('noSuchObject', 'no such entry', target.matchedDN);
      case 'monitor':
        // Searches take the monitor's own path; only compare ends here.
        throw new DirectoryError('unwillingToPerform', 'cn=Monitor entries cannot be compared: search them');
      default:
        break;
    }
    // A mount the caller may not read does not exist for it.
    const mount = walk.mounts.find((m) => m.name === target.mount);
    if (!mount) throw new DirectoryError('noSuchObject', 'no such entry', this.namespace.suffix);
    if (target.kind === 'mount') return this.#mountFound(mount);
    const entry = await this.#get(mount, target.uuid, walk.signal);
    if (entry && target.kind === 'entry') return { origin: 'record', entries: [entry], mount };
    const matchedDN = entry ? entry.dn : this.namespace.mountDn(mount.name);
    throw new DirectoryError('noSuchObject', 'no such entry', matchedDN);
  }

  async #get(mount: MountedSource, uuid: string, signal: AbortSignal): Promise<Entry | undefined> {
    try {
      return await mount.get(uuid, signal);
    } catch (error) {
      throw this.#sourceFailure(mount, error, signal);
    }
  }

  #sourceFailure(mount: MountedSource, error: unknown, signal: AbortSignal): unknown {
    // Before the abort check: a search whose time limit passed while it waited for the backend is busy.
    if (error instanceof SourceBusy)
      return new DirectoryError('busy', error.message, undefined, { cause: error });
    if (signal.aborted || error instanceof DirectoryError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new DirectoryError('unavailable', `source ${mount.name} failed: ${reason}`, undefined, {
      cause: error,
    });
  }

  #hit(entry: Entry, found: Found, selection: AttributeSelection): SearchHit {
    const isRootDse = found.origin === 'rootDse';
    const computed = selection.wantsComputed && !isRootDse ? this.#computed(entry, found) : undefined;
    if (found.origin === 'record' && entry.stamp !== undefined)
      return entry.writeAttributes
        ? new StoredHit(entry, entry.stamp, selection, computed)
        : new StampedHit(entry, entry.stamp, selection, computed);
    return { dn: entry.dn, attributes: selection.select(entry, computed, isRootDse) };
  }

  #computed(entry: Entry, { origin, mount, subordinates }: Found): ComputedAttributes {
    const classes = entry.attributes.get('objectclass')?.values ?? [];
    return {
      entryDN: entry.dn,
      structuralObjectClass: classes.at(-1),
      hasSubordinates:
        origin === 'suffix' || (origin === 'mount' && (mount?.hasEntries ?? false)) || subordinates === true,
      subschemaSubentry: SUBSCHEMA_DN,
    };
  }
}

/**
 * A stored record's hit: its DN and attributes are made on first use, since an answer whose encoding
 * is kept under its stamp needs neither (selecting and decoding them was a fifth of a name search).
 */
class StampedHit implements SearchHit {
  #attributes: readonly SelectedAttribute[] | undefined;

  constructor(
    protected readonly entry: Entry,
    readonly stamp: number,
    protected readonly selection: AttributeSelection,
    protected readonly computed: ComputedAttributes | undefined,
  ) {}

  get dn(): string {
    return this.entry.dn;
  }

  get attributes(): readonly SelectedAttribute[] {
    return (this.#attributes ??= this.selection.select(this.entry, this.computed));
  }

  /** What the client is sent (logs, tests): the stamp is where it is kept, not part of it. */
  toJSON(): SearchHit {
    return { dn: this.dn, attributes: this.attributes };
  }
}

/** A hit of an entry held as bytes: sent as they are stored, its attributes made only if asked. */
class StoredHit extends StampedHit {
  writeAttributes(sink: AttributeSink, renaming?: AttributeRenaming): void {
    const { selection, computed } = this;
    this.entry.writeAttributes!(selection.choice(renaming), sink);
    if (computed === undefined) return;
    // Computed attributes (asked with `+` or by name) are few and rare: made as `select` makes them.
    for (const { type, values } of selection.select(EMPTY_ENTRY, computed)) {
      sink.startAttribute(renaming?.client(type) ?? type);
      for (const value of values) {
        const bytes = Buffer.from(value, 'utf8');
        sink.value(bytes, 0, bytes.length);
      }
      sink.endAttribute();
    }
  }
}

/** No attributes: `select` of it returns the computed attributes only. */
const EMPTY_ENTRY: Entry = { dn: '', attributes: new Map() };

/** The mounts a search walks stay open until it ends, even when a reload retires them meanwhile. */
function enter(mounts: readonly MountedSource[]): void {
  for (const mount of mounts) mount.enter();
}

function leave(mounts: readonly MountedSource[]): void {
  for (const mount of mounts) mount.leave();
}

function accessOf({ kind }: DnTarget): BaseAccess {
  if (kind === 'rootDse' || kind === 'subschema') return 'public';
  return kind === 'monitor' ? 'monitor' : 'tree';
}
