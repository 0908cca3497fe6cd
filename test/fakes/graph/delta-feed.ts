/**
 * Delta queries (delta-query-overview, user-delta) over any tracked collection:
 *
 * - The first request (no token, or an empty `$deltatoken`) enumerates every live object over
 *   several pages: `@odata.nextLink` with a `$skiptoken`, and `@odata.deltaLink` with a
 *   `$deltatoken` on the last page. `$select` and the `$filter=id eq '…'` scope are only accepted
 *   there and travel inside the tokens.
 * - A `$deltatoken` starts a round of changes since the round it ended: each object changed in
 *   between appears once, with its current selected properties (or, with `Prefer: return=minimal`,
 *   only the changed ones), removed objects as `{"id", "@removed": {"reason"}}`. A change that
 *   touched only properties outside the selection is left out, as Graph does.
 * - A round's window is fixed when it starts (its `upTo` version), so changes made while a client
 *   pages through it land in the next round; objects changed during a full enumeration can show up
 *   again in the next round (a replay, which the docs tell clients to expect).
 * - An unknown or expired token answers in one of the two shapes Graph uses (CLOUD-APIS.md §5):
 *   400 `syncStateNotFound`, or 410 Gone with a Location to restart from.
 */
import { GraphFailure, unsupportedQuery } from './graph-errors.js';
import { FilterSyntaxError, parseFilter, type FilterNode } from './odata-filter.js';
import { effectiveSelection, parseSelect, type EntityShape } from './property-selection.js';
import type { TokenSealer } from './signed-tokens.js';
import type { RemovalReason, TrackedCollection } from './tracked-collection.js';

export type ExpiredTokenShape = 'syncStateNotFound' | 'gone';

export interface DeltaFeed<T extends { readonly id: string }> {
  /** Names the collection inside tokens, so one feed's token is unknown to another. */
  readonly key: string;
  readonly collection: TrackedCollection<T>;
  readonly shape: EntityShape;
  /** The absolute delta URL, without a query (`https://host/v1.0/users/delta`). */
  readonly url: string;
  /** The `@odata.context` for a selection. */
  readonly context: (select: readonly string[] | undefined) => string;
  readonly render: (
    object: T,
    select: readonly string[] | undefined,
    only?: ReadonlySet<string>,
  ) => Record<string, unknown>;
  readonly removed: (id: string, reason: RemovalReason) => Record<string, unknown>;
  readonly pageSize: number;
  /** Directory feeds take `$filter=id eq '…'` on the first request; Outlook feeds take no `$filter`. */
  readonly idFilter: boolean;
  /** Directory feeds answer `$deltatoken=latest` with a deltaLink from now ("sync from now"). */
  readonly syncFromNow: boolean;
  /** Directory feeds accept a new `$select` with a `$deltatoken` (delta-query-overview). */
  readonly selectWithDeltaToken: boolean;
  /** Outlook feeds honour `Prefer: odata.maxpagesize=N`. */
  readonly maxPageSizePreference: boolean;
  /** How Graph refuses query options this feed does not take (directory and Exchange word it differently). */
  readonly refuseOption: (option: string) => GraphFailure;
}

export interface DeltaRequest {
  readonly query: URLSearchParams;
  readonly prefer: string | undefined;
}

export interface DeltaAnswer {
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string>>;
}

interface State {
  /** Feed key. */
  readonly f: string;
  /** Token epoch: tokens from before `expireTokens()` are expired. */
  readonly e: number;
  readonly s: readonly string[] | null;
  readonly i: readonly string[] | null;
  /** 'full': enumerating; 'changes': inside a round of changes; 'next': a deltatoken (a round to start). */
  readonly p: 'full' | 'changes' | 'next';
  /** The version the changes are counted from (exclusive). */
  readonly a: number;
  /** The version this round's window ends at (inclusive). */
  readonly u: number;
  /** 'full': the last sequence number returned; 'changes': the index into the window. */
  readonly c: number;
  /** A serial number, so every link differs (Graph hands a new deltatoken even when nothing changed). */
  readonly n?: number;
}

interface WindowEntry {
  readonly id: string;
  readonly properties: ReadonlySet<string> | 'all';
}

const MAX_FILTERED_IDS = 50;
const CACHED_WINDOWS = 32;

export class DeltaEngine {
  /** Bumped by `expireTokens()`. */
  #epoch = 0;
  #issued = 0;
  expiredShape: ExpiredTokenShape = 'syncStateNotFound';
  readonly #windows = new Map<string, readonly WindowEntry[]>();

  constructor(private readonly sealer: TokenSealer) {}

  /** Every delta and skip token issued so far is expired from now on. */
  expireTokens(): void {
    this.#epoch++;
  }

  answer<T extends { readonly id: string }>(feed: DeltaFeed<T>, request: DeltaRequest): DeltaAnswer {
    const state = this.#state(feed, request.query);
    const pageSize = this.#pageSize(feed, request.prefer);
    const minimal = /\breturn=minimal\b/i.test(request.prefer ?? '');
    const page =
      state.p === 'full'
        ? this.#fullPage(feed, state, pageSize)
        : this.#changesPage(feed, state, pageSize, minimal);
    const select = state.s ?? undefined;
    const link =
      page.next === undefined
        ? { '@odata.deltaLink': this.#link(feed, 'delta', page.done) }
        : { '@odata.nextLink': this.#link(feed, 'skip', page.next) };
    return {
      body: { '@odata.context': feed.context(select), ...link, value: page.value },
      headers: preferenceApplied(
        minimal,
        feed.maxPageSizePreference && pageSize !== feed.pageSize ? pageSize : undefined,
      ),
    };
  }

  /** Where a request stands: a fresh enumeration, or the state its token carries. */
  #state<T extends { readonly id: string }>(feed: DeltaFeed<T>, query: URLSearchParams): State {
    const skip = query.get('$skiptoken');
    const delta = query.get('$deltatoken');
    const select = query.get('$select');
    const filter = query.get('$filter');
    if (skip !== null) {
      if (select !== null) throw feed.refuseOption('$select');
      if (filter !== null) throw feed.refuseOption('$filter');
      return this.#open(feed, 'skip', skip, select);
    }
    if (delta === 'latest') return this.#latest(feed, select, filter);
    if (delta !== null && delta !== '') {
      if (filter !== null) throw feed.refuseOption('$filter');
      if (select !== null && !feed.selectWithDeltaToken) throw feed.refuseOption('$select');
      const next = this.#open(feed, 'delta', delta, select);
      const chosen = select === null ? next.s : (parseSelect(select, feed.shape) ?? null);
      return { ...next, s: chosen, p: 'changes', u: feed.collection.version, c: 0 };
    }
    return {
      f: feed.key,
      e: this.#epoch,
      s: parseSelect(select, feed.shape) ?? null,
      i: filter === null ? null : this.#idScope(feed, filter),
      p: 'full',
      a: 0,
      u: feed.collection.version,
      c: -1,
    };
  }

  /**
   * `$deltatoken=latest` ("sync from now", directory resources): no objects, just a deltaLink for
   * the changes after this moment. Modelled as an enumeration that is already over.
   */
  #latest<T extends { readonly id: string }>(
    feed: DeltaFeed<T>,
    select: string | null,
    filter: string | null,
  ): State {
    if (!feed.syncFromNow) throw this.#expired(feed, undefined, select);
    const version = feed.collection.version;
    return {
      f: feed.key,
      e: this.#epoch,
      s: parseSelect(select, feed.shape) ?? null,
      i: filter === null ? null : this.#idScope(feed, filter),
      p: 'changes',
      a: version,
      u: version,
      c: 0,
    };
  }

  #open<T extends { readonly id: string }>(
    feed: DeltaFeed<T>,
    kind: 'skip' | 'delta',
    token: string,
    select: string | null,
  ): State {
    const state = this.sealer.open(kind, token) as State | undefined;
    if (state?.f !== feed.key || state.e !== this.#epoch)
      throw this.#expired(feed, state?.f === feed.key ? state : undefined, select);
    return state;
  }

  /** Graph's answer to a token it no longer (or never) knew. */
  #expired<T extends { readonly id: string }>(
    feed: DeltaFeed<T>,
    state: State | undefined,
    select: string | null,
  ): GraphFailure {
    if (this.expiredShape === 'syncStateNotFound') {
      return new GraphFailure(
        400,
        'syncStateNotFound',
        'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
      );
    }
    const selection = state?.s?.join(',') ?? select ?? undefined;
    const scope = state?.i?.map((id) => `id eq '${id}'`).join(' or ');
    const options = [
      ...(selection === undefined ? [] : [`$select=${selection}`]),
      ...(scope === undefined ? [] : [`$filter=${encodeURIComponent(scope)}`]),
      '$deltatoken=',
    ];
    const location = `${feed.url}?${options.join('&')}`;
    return new GraphFailure(410, 'resyncRequired', 'Resync is required.', { location });
  }

  /** `id eq 'a' or id eq 'b'`, at most 50 ids: the only `$filter` a directory delta takes. */
  #idScope<T extends { readonly id: string }>(feed: DeltaFeed<T>, filter: string): string[] {
    if (!feed.idFilter) throw feed.refuseOption('$filter');
    let node: FilterNode;
    try {
      node = parseFilter(filter);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw unsupportedQuery('Filter not supported.');
      throw error;
    }
    const ids = idsOf(node);
    if (ids === undefined || ids.length > MAX_FILTERED_IDS) throw unsupportedQuery('Filter not supported.');
    return ids;
  }

  #pageSize<T extends { readonly id: string }>(feed: DeltaFeed<T>, prefer: string | undefined): number {
    if (!feed.maxPageSizePreference) return feed.pageSize;
    const asked = /odata\.maxpagesize=(\d+)/i.exec(prefer ?? '')?.[1];
    return asked === undefined ? feed.pageSize : Math.max(1, Number(asked));
  }

  #fullPage<T extends { readonly id: string }>(feed: DeltaFeed<T>, state: State, pageSize: number): PageOut {
    const ids = state.i === null ? undefined : new Set(state.i);
    const page = feed.collection.page(
      state.c,
      pageSize,
      ids === undefined ? undefined : (object) => ids.has(object.id),
    );
    const select = state.s ?? undefined;
    return {
      value: page.items.map((object) => feed.render(object, select)),
      next: page.more ? { ...state, c: page.last } : undefined,
      done: this.#nextRound(state),
    };
  }

  #changesPage<T extends { readonly id: string }>(
    feed: DeltaFeed<T>,
    state: State,
    pageSize: number,
    minimal: boolean,
  ): PageOut {
    const window = this.#window(feed, state);
    const slice = window.slice(state.c, state.c + pageSize);
    const select = state.s ?? undefined;
    const value = slice.map((entry) => {
      const object = feed.collection.get(entry.id);
      if (object === undefined) return feed.removed(entry.id, feed.collection.removal(entry.id) ?? 'deleted');
      const only = minimal && entry.properties !== 'all' ? entry.properties : undefined;
      return feed.render(object, select, only);
    });
    const end = state.c + slice.length;
    return {
      value,
      next: end < window.length ? { ...state, c: end } : undefined,
      done: this.#nextRound(state),
    };
  }

  /** The token that starts the next round: changes after this round's window. */
  #nextRound(state: State): State {
    return { ...state, p: 'next', a: state.u, u: state.u, c: 0 };
  }

  /**
   * The objects changed in (a, u] that this feed reports, each once, ordered by their last change,
   * with the union of the properties changed. Cached, since every page of a round needs it.
   */
  #window<T extends { readonly id: string }>(feed: DeltaFeed<T>, state: State): readonly WindowEntry[] {
    const key = JSON.stringify([feed.key, state.a, state.u, state.s, state.i]);
    const cached = this.#windows.get(key);
    if (cached !== undefined) return cached;
    const selected = new Set(effectiveSelection(state.s ?? undefined, feed.shape));
    const scope = state.i === null ? undefined : new Set(state.i);
    const byId = new Map<string, ReadonlySet<string> | 'all'>();
    for (const change of feed.collection.changesBetween(state.a, state.u)) {
      if (scope !== undefined && !scope.has(change.id)) continue;
      if (change.properties !== 'all' && ![...change.properties].some((name) => selected.has(name))) continue;
      const before = byId.get(change.id);
      byId.delete(change.id); // re-inserted last: the window is ordered by last change
      byId.set(change.id, merge(before, change.properties));
    }
    const window = [...byId].map(([id, properties]) => ({ id, properties }));
    if (this.#windows.size >= CACHED_WINDOWS) this.#windows.delete(this.#windows.keys().next().value!);
    this.#windows.set(key, window);
    return window;
  }

  #link<T extends { readonly id: string }>(feed: DeltaFeed<T>, kind: 'skip' | 'delta', state: State): string {
    return `${feed.url}?$${kind}token=${this.sealer.seal(kind, { ...state, n: ++this.#issued })}`;
  }
}

interface PageOut {
  readonly value: readonly Record<string, unknown>[];
  /** The state of the next page of this round; undefined on the round's last page. */
  readonly next: State | undefined;
  /** The state the round's deltaLink carries. */
  readonly done: State;
}

function merge(
  before: ReadonlySet<string> | 'all' | undefined,
  change: ReadonlySet<string> | 'all',
): ReadonlySet<string> | 'all' {
  if (before === undefined) return change;
  if (before === 'all' || change === 'all') return 'all';
  return new Set([...before, ...change]);
}

/** The ids of `id eq '…' [or id eq '…']…`, or undefined for any other filter. */
function idsOf(node: FilterNode): string[] | undefined {
  if (node.kind === 'or') {
    const left = idsOf(node.left);
    const right = idsOf(node.right);
    return left === undefined || right === undefined ? undefined : [...left, ...right];
  }
  const isId =
    node.kind === 'compare' &&
    node.op === 'eq' &&
    node.path.length === 1 &&
    node.path[0]!.toLowerCase() === 'id';
  return isId && typeof node.value === 'string' ? [node.value] : undefined;
}

function preferenceApplied(minimal: boolean, maxPageSize: number | undefined): Record<string, string> {
  const applied = [
    ...(minimal ? ['return=minimal'] : []),
    ...(maxPageSize === undefined ? [] : [`odata.maxpagesize=${maxPageSize}`]),
  ];
  return applied.length === 0 ? {} : { 'preference-applied': applied.join(', ') };
}
