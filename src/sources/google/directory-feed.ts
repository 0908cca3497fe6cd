/**
 * The google source's change feed: `people.listDirectoryPeople` over the domain's profiles and
 * shared contacts. A full round asks for a sync token and follows `nextPageToken` to the last
 * page's `nextSyncToken` (the cursor); later rounds send it back as `syncToken` (with the same
 * parameters) and get the changed people whole and deleted ones with `metadata.deleted`. An
 * expired sync token (400 EXPIRED_SYNC_TOKEN, or 410) is a CursorExpired: the engine lists
 * everything again while the copy serves. The cursor is `{"directory": syncToken}`.
 */
import type { people_v1 } from '@googleapis/people';
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import type { SourceRecord } from '../source.js';
import { contactId, contactRecord, PERSON_FIELDS, personRecord } from './google-records.js';
import type { GoogleSourceSettings } from './google-settings.js';
import { googleError, isExpiredSyncToken } from './people-api.js';

export const DIRECTORY_SOURCES = [
  'DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE',
  'DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT',
] as const;
const PAGE_SIZE = 1000;

type Person = people_v1.Schema$Person;

export interface DirectoryPage {
  readonly people: readonly Person[];
  readonly nextSyncToken?: string;
}

/** Options of one listing: a full one (asking for a sync token unless told not to) or the changes since a sync token. */
export interface PageOptions {
  readonly syncToken?: string;
  readonly requestSyncToken?: boolean;
  readonly pageSize?: number;
}

/** A user's own contacts (`people.connections.list` as that user) page by page. */
export async function* contactPages(
  api: people_v1.People,
  settings: GoogleSourceSettings,
  user: string,
  signal: AbortSignal,
  options: PageOptions,
): AsyncGenerator<DirectoryPage> {
  let pageToken: string | undefined;
  do {
    let data: people_v1.Schema$ListConnectionsResponse;
    try {
      ({ data } = await api.people.connections.list(
        {
          resourceName: 'people/me',
          personFields: PERSON_FIELDS.join(','),
          pageSize: options.pageSize ?? PAGE_SIZE,
          ...(options.requestSyncToken === false ? {} : { requestSyncToken: true }),
          ...(options.syncToken === undefined ? {} : { syncToken: options.syncToken }),
          ...(pageToken === undefined ? {} : { pageToken }),
        },
        { signal },
      ));
    } catch (error) {
      if (options.syncToken !== undefined && isExpiredSyncToken(error))
        throw new CursorExpired(`Google no longer knows the sync token of ${user}'s contacts`);
      throw googleError(settings.name, settings, error, user);
    }
    pageToken = data.nextPageToken ?? undefined;
    yield {
      people: data.connections ?? [],
      ...(typeof data.nextSyncToken === 'string' ? { nextSyncToken: data.nextSyncToken } : {}),
    };
  } while (pageToken !== undefined && pageToken !== '');
}

/** The directory page by page: a full listing (asking for a sync token) or the changes since one. */
export async function* directoryPages(
  api: people_v1.People,
  settings: GoogleSourceSettings,
  signal: AbortSignal,
  options: PageOptions,
): AsyncGenerator<DirectoryPage> {
  let pageToken: string | undefined;
  do {
    let data: people_v1.Schema$ListDirectoryPeopleResponse;
    try {
      ({ data } = await api.people.listDirectoryPeople(
        {
          sources: [...DIRECTORY_SOURCES],
          readMask: PERSON_FIELDS.join(','),
          pageSize: options.pageSize ?? PAGE_SIZE,
          ...(options.requestSyncToken === false ? {} : { requestSyncToken: true }),
          ...(options.syncToken === undefined ? {} : { syncToken: options.syncToken }),
          ...(pageToken === undefined ? {} : { pageToken }),
        },
        { signal },
      ));
    } catch (error) {
      if (options.syncToken !== undefined && isExpiredSyncToken(error))
        throw new CursorExpired('Google no longer knows the sync token (expired after 7 days, or reset)');
      throw googleError(settings.name, settings, error);
    }
    pageToken = data.nextPageToken ?? undefined;
    yield {
      people: data.people ?? [],
      ...(typeof data.nextSyncToken === 'string' ? { nextSyncToken: data.nextSyncToken } : {}),
    };
  } while (pageToken !== undefined && pageToken !== '');
}

/** Where the next round starts: the directory's sync token and each user's contacts' sync token. */
interface FeedCursor {
  readonly directory?: string;
  readonly contacts?: Readonly<Record<string, string>>;
}

export class DirectoryFeed implements ChangeFeed {
  readonly reportsDeletions = true;

  constructor(
    private readonly api: people_v1.People,
    private readonly settings: GoogleSourceSettings,
    /** The People API as each user of `userContacts` (their own contacts). */
    private readonly apiAs: (user: string) => people_v1.People,
  ) {}

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#rounds(signal, undefined);
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#rounds(signal, parseCursor(cursor, this.settings));
  }

  async *#rounds(signal: AbortSignal, previous: FeedCursor | undefined): AsyncIterable<FeedItem> {
    const next: { directory?: string; contacts?: Record<string, string> } = {};
    let complete = true;
    if (this.settings.directory) {
      const pages = directoryPages(this.api, this.settings, signal, {
        ...(previous?.directory === undefined ? {} : { syncToken: previous.directory }),
      });
      const token = yield* this.#round(
        pages,
        (person) => personRecord(person),
        (id) => id,
      );
      if (token === undefined) complete = false;
      else next.directory = token;
    }
    const users = this.settings.userContacts ?? [];
    if (users.length > 0) next.contacts = {};
    for (const user of users) {
      const syncToken = previous?.contacts?.[user];
      const pages = contactPages(this.apiAs(user), this.settings, user, signal, {
        ...(syncToken === undefined ? {} : { syncToken }),
      });
      const token = yield* this.#round(
        pages,
        (person) => contactRecord(person, user),
        (id) => contactId(user, id),
      );
      if (token === undefined) complete = false;
      else next.contacts![user] = token;
    }
    if (complete) yield { kind: 'cursor', cursor: JSON.stringify(next) };
  }

  /** One listing's people as upserts and deletions; returns the last page's sync token. */
  async *#round(
    pages: AsyncIterable<DirectoryPage>,
    record: (person: Person) => SourceRecord | undefined,
    idOf: (resourceName: string) => string,
  ): AsyncGenerator<FeedItem, string | undefined> {
    let token: string | undefined;
    for await (const page of pages) {
      for (const person of page.people) {
        const id = person.resourceName;
        if (typeof id !== 'string' || id === '') continue;
        if (person.metadata?.deleted === true) {
          yield { kind: 'delete', id: idOf(id) };
          continue;
        }
        const upsert = record(person);
        if (upsert) yield { kind: 'upsert', record: upsert };
      }
      token = page.nextSyncToken ?? token;
    }
    return token;
  }
}

/** The previous round's tokens: a round without one for a listing it must follow lists everything again. */
function parseCursor(cursor: string, settings: GoogleSourceSettings): FeedCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    // not JSON: not a cursor this feed wrote
  }
  const { directory, contacts } = (parsed ?? {}) as { directory?: unknown; contacts?: unknown };
  if (settings.directory && (typeof directory !== 'string' || directory === ''))
    throw new CursorExpired("the replica's cursor holds no directory sync token");
  const tokens = (typeof contacts === 'object' && contacts !== null ? contacts : {}) as Readonly<
    Record<string, unknown>
  >;
  for (const user of settings.userContacts ?? [])
    if (typeof tokens[user] !== 'string')
      throw new CursorExpired(`the replica's cursor holds no sync token for ${user}'s contacts`);
  return {
    ...(typeof directory === 'string' ? { directory } : {}),
    contacts: tokens as Readonly<Record<string, string>>,
  };
}
