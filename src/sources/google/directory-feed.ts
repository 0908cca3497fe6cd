/**
 * The google source's change feed: its listings (people-listing.ts) one after the other, each from
 * its own sync token. The cursor is `{ <listing key>: <sync token> }`.
 *
 * A user of `userContacts` Google does not know (left the domain, or a typo) is left out with a
 * warning, not a failed round: no retry changes it, and failing every round for it would freeze the
 * directory and the other users. It is asked again every round and read in full once it answers. A
 * user who was read before and is now unknown is a CursorExpired: only a full listing can tell that
 * their contacts went with them. Any other failure fails the round; the copy keeps serving. A round
 * the quota refused starts a back-off (quota-back-off.ts) and says so.
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import type { SourceLogger } from '../source-descriptor.js';
import { SourceError } from '../source.js';
import { isQuotaExhausted } from './people-api.js';
import { listPages, type PeopleListing, type PeoplePage } from './people-listing.js';
import type { QuotaBackOff } from './quota-back-off.js';
import { isUnknownUser } from './service-account-credential.js';
import { TokenRefused } from './token-request.js';

type Cursor = Readonly<Record<string, string>>;

export interface FeedListing {
  readonly listing: PeopleListing;
  /** The user of `userContacts` it reads as; undefined for the directory. */
  readonly user?: string;
}

export class DirectoryFeed implements ChangeFeed {
  readonly reportsDeletions = true;
  /** Users found unknown (warned about once until they answer again). */
  readonly #unknown = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly listings: readonly FeedListing[],
    private readonly backOff: QuotaBackOff,
    private readonly logger?: SourceLogger,
  ) {}

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#guarded(this.#rounds(signal, undefined));
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#guarded(this.#rounds(signal, this.#parse(cursor)));
  }

  /** A round refused by the quota backs off; one that ends well ends the back-off. */
  async *#guarded(round: AsyncIterable<FeedItem>): AsyncIterable<FeedItem> {
    try {
      yield* round;
      this.backOff.succeeded();
    } catch (error) {
      if (!isQuotaExhausted(error)) throw error;
      const pause = Math.round(this.backOff.refused() / 1000);
      const reason = error instanceof Error ? error.message : String(error);
      throw new SourceError(this.source, `${stripSource(reason, this.source)}; next try in ${pause} s`, {
        cause: error,
      });
    }
  }

  async *#rounds(signal: AbortSignal, previous: Cursor | undefined): AsyncIterable<FeedItem> {
    const next: Record<string, string> = {};
    for (const { listing, user } of this.listings) {
      const syncToken = previous?.[listing.key];
      const pages = listPages(listing, signal, syncToken === undefined ? {} : { syncToken });
      let token: string | undefined;
      try {
        token = yield* this.#round(pages, listing);
      } catch (error) {
        if (user === undefined || !(error instanceof SourceError) || !unknownUser(error)) throw error;
        if (syncToken !== undefined)
          throw new CursorExpired(
            `Google no longer knows ${user}: their contacts are listed again without them`,
          );
        this.#warnUnknown(user, listing, error);
        continue;
      }
      if (user !== undefined && this.#unknown.delete(user))
        this.logger?.info({ source: this.source, user }, `${user} answers now: their contacts are served`);
      if (token === undefined) return; // a listing without a sync token: no cursor, the next round lists all
      next[listing.key] = token;
    }
    yield { kind: 'cursor', cursor: JSON.stringify(next) };
  }

  /** One listing's people as upserts and deletions; returns the last page's sync token. */
  async *#round(
    pages: AsyncIterable<PeoplePage>,
    listing: PeopleListing,
  ): AsyncGenerator<FeedItem, string | undefined> {
    let token: string | undefined;
    for await (const page of pages) {
      for (const person of page.people) {
        const id = person.resourceName;
        if (typeof id !== 'string' || id === '') continue;
        if (person.metadata?.deleted === true) {
          yield { kind: 'delete', id: listing.id(id) };
          continue;
        }
        const record = listing.record(person);
        if (record) yield { kind: 'upsert', record };
      }
      token = page.nextSyncToken ?? token;
    }
    return token;
  }

  #warnUnknown(user: string, listing: PeopleListing, error: SourceError): void {
    if (this.#unknown.has(user)) return;
    this.#unknown.add(user);
    this.logger?.warn(
      { source: this.source, user, listing: listing.key },
      `${stripSource(error.message, this.source)}; the directory and the other users are served, and ${user} is asked for again every round`,
    );
  }

  /** The previous round's tokens; the directory's must be there when the directory is read. */
  #parse(cursor: string): Cursor {
    let parsed: unknown;
    try {
      parsed = JSON.parse(cursor);
    } catch {
      // not JSON: not a cursor this feed wrote
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new CursorExpired("the replica's cursor is not one this source wrote");
    const tokens = Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    for (const { listing, user } of this.listings)
      if (user === undefined && tokens[listing.key] === undefined)
        throw new CursorExpired(`the replica's cursor holds no sync token for ${listing.key}`);
    return tokens;
  }
}

function unknownUser(error: SourceError): boolean {
  return error.cause instanceof TokenRefused && isUnknownUser(error.cause);
}

/** A source's error without the `source X: ` its message starts with. */
function stripSource(message: string, source: string): string {
  const prefix = `source ${source}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
