/**
 * The graph source's change feed: Graph's delta queries (`/users/delta`, `/contacts/delta`). A full
 * round follows `@odata.nextLink` to the `@odata.deltaLink`; later rounds start from the saved
 * deltaLinks (the cursor, kept with the snapshot), and report changed items whole and removed ones
 * as `@removed`. An item the users filter no longer admits is a deletion too. An expired delta
 * token is a CursorExpired (graph-api.ts): the engine lists everything again while the copy serves.
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import type { GraphApi } from './graph-api.js';
import type { GraphCollection, GraphItem } from './graph-collections.js';
import { deltaRound } from './graph-pages.js';

type DeltaLinks = Readonly<Record<string, string>>;

export class GraphDeltaFeed implements ChangeFeed {
  readonly reportsDeletions = true;

  constructor(
    private readonly source: string,
    private readonly api: GraphApi,
    private readonly collections: readonly GraphCollection[],
  ) {}

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    const links: Record<string, string> = {};
    for (const collection of this.collections)
      links[collection.key] = yield* this.#round(collection, collection.deltaStart, signal);
    yield { kind: 'cursor', cursor: JSON.stringify(links) };
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    const previous = parseCursor(cursor);
    const links: Record<string, string> = {};
    for (const collection of this.collections) {
      const link = previous[collection.key];
      if (link === undefined) throw new CursorExpired(`the copy holds no delta link for ${collection.what}`);
      links[collection.key] = yield* this.#round(collection, link, signal);
    }
    yield { kind: 'cursor', cursor: JSON.stringify(links) };
  }

  /** One delta round of a collection, page by page; returns the deltaLink the next round starts from. */
  async *#round(
    collection: GraphCollection,
    start: string,
    signal: AbortSignal,
  ): AsyncGenerator<FeedItem, string> {
    const round = deltaRound(this.api, this.source, collection.what, start, { background: true }, signal);
    for (;;) {
      const next = await round.next();
      if (next.done === true) return next.value;
      yield* this.#item(collection, next.value);
    }
  }

  *#item(collection: GraphCollection, item: GraphItem): Iterable<FeedItem> {
    const id = item.id;
    if (typeof id !== 'string' || id === '') return;
    if ('@removed' in item || !collection.admits(item)) {
      yield { kind: 'delete', id };
      return;
    }
    const record = collection.record(item);
    if (record) yield { kind: 'upsert', record };
  }
}

function parseCursor(cursor: string): DeltaLinks {
  try {
    const parsed = JSON.parse(cursor) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      Object.values(parsed).every((v) => typeof v === 'string')
    )
      return parsed as DeltaLinks;
  } catch {
    // not JSON: not a cursor this feed wrote
  }
  throw new CursorExpired("the replica's cursor holds no delta links");
}
