/**
 * The graph source's change feed: Graph's delta queries (`/users/delta`, `/contacts/delta`). A full
 * round follows `@odata.nextLink` to the `@odata.deltaLink`; later rounds start from the saved
 * deltaLinks (the cursor, kept with the snapshot), and report changed items whole and removed ones
 * as `@removed`. An item the users filter no longer admits is a deletion too. An expired delta
 * token is a CursorExpired (graph-api.ts): the engine lists everything again while the copy serves.
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import { SourceError } from '../source.js';
import type { GraphApi, GraphJson } from './graph-api.js';
import type { GraphCollection, GraphItem } from './graph-collections.js';

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
    let link = start;
    for (;;) {
      const page = await this.api.get(link, { background: true }, signal);
      for (const item of itemsOf(page)) yield* this.#item(collection, item);
      const next = page['@odata.nextLink'];
      if (typeof next === 'string') {
        link = next;
        continue;
      }
      const delta = page['@odata.deltaLink'];
      if (typeof delta === 'string') return delta;
      throw new SourceError(
        this.source,
        `Graph ended a delta page of ${collection.what} with neither a next nor a delta link`,
      );
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

function itemsOf(page: GraphJson): GraphItem[] {
  const value = page.value;
  return Array.isArray(value)
    ? value.filter((item): item is GraphItem => typeof item === 'object' && item !== null)
    : [];
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
