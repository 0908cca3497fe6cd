/**
 * The graph source's change feed: Graph's delta queries (`/users/delta`, `/contacts/delta`). A full
 * round follows `@odata.nextLink` to the `@odata.deltaLink`; later rounds start from the saved
 * deltaLinks (the cursor, kept with the snapshot), and report changed items whole and removed ones
 * as `@removed`. An item the users filter no longer admits is a deletion too. An expired delta
 * token is a CursorExpired (graph-api.ts): the engine lists everything again while the copy serves.
 * Mailbox contacts follow, with a delta link per mailbox folder (mailbox-contacts.ts). The cursor is
 * JSON: `{ "users": deltaLink, "orgContacts": deltaLink, "mailboxContacts": { mailbox: { "defaultFolder",
 * "folders": { folderId: deltaLink } } or { "missing": code } } }`.
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import type { GraphApi } from './graph-api.js';
import type { GraphCollection, GraphItem } from './graph-collections.js';
import { deltaRound } from './graph-pages.js';
import { parseMailboxCursors, type MailboxContacts, type MailboxCursors } from './mailbox-contacts.js';

/** The delta links of `users` and `orgContacts` by collection key, and the mailboxes' cursors. */
interface FeedCursor {
  readonly [collection: string]: string | MailboxCursors | undefined;
  readonly mailboxContacts?: MailboxCursors;
}

export class GraphDeltaFeed implements ChangeFeed {
  readonly reportsDeletions = true;
  /** A full enumeration now and then, applied as a difference, in case a delta round missed something. */
  readonly reconcileEveryMs: number;

  constructor(
    private readonly source: string,
    private readonly api: GraphApi,
    private readonly collections: readonly GraphCollection[],
    options: { readonly reconcileEveryMs: number },
    private readonly mailboxes?: MailboxContacts,
  ) {
    this.reconcileEveryMs = options.reconcileEveryMs;
  }

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    const links: Record<string, string | MailboxCursors> = {};
    for (const collection of this.collections)
      links[collection.key] = yield* this.#round(collection, collection.deltaStart, signal);
    if (this.mailboxes) links.mailboxContacts = yield* this.mailboxes.full(signal);
    yield { kind: 'cursor', cursor: JSON.stringify(links) };
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    const previous = parseCursor(cursor);
    const links: Record<string, string | MailboxCursors> = {};
    for (const collection of this.collections) {
      const link = previous[collection.key];
      if (typeof link !== 'string')
        throw new CursorExpired(`the copy holds no delta link for ${collection.what}`);
      links[collection.key] = yield* this.#round(collection, link, signal);
    }
    if (this.mailboxes) {
      const mailboxes = previous.mailboxContacts;
      if (mailboxes === undefined)
        throw new CursorExpired('the copy holds no delta links for mailbox contacts');
      links.mailboxContacts = yield* this.mailboxes.changes(mailboxes, signal);
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

function parseCursor(cursor: string): FeedCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    // not JSON: not a cursor this feed wrote
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CursorExpired("the replica's cursor holds no delta links");
  const { mailboxContacts, ...links } = parsed as Readonly<Record<string, unknown>>;
  if (!Object.values(links).every((link) => typeof link === 'string'))
    throw new CursorExpired("the replica's cursor holds no delta links");
  return {
    ...(links as Readonly<Record<string, string>>),
    ...(mailboxContacts === undefined ? {} : { mailboxContacts: parseMailboxCursors(mailboxContacts) }),
  };
}
