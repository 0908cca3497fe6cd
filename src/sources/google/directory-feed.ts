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
import { PERSON_FIELDS, personRecord } from './google-records.js';
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

/** The directory page by page: a full listing (asking for a sync token) or the changes since one. */
export async function* directoryPages(
  api: people_v1.People,
  settings: GoogleSourceSettings,
  signal: AbortSignal,
  options: { readonly syncToken?: string; readonly requestSyncToken?: boolean; readonly pageSize?: number },
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

export class DirectoryFeed implements ChangeFeed {
  readonly reportsDeletions = true;

  constructor(
    private readonly api: people_v1.People,
    private readonly settings: GoogleSourceSettings,
  ) {}

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#round(signal, undefined);
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#round(signal, parseCursor(cursor));
  }

  async *#round(signal: AbortSignal, syncToken: string | undefined): AsyncIterable<FeedItem> {
    let next: string | undefined;
    for await (const page of directoryPages(this.api, this.settings, signal, {
      ...(syncToken === undefined ? {} : { syncToken }),
    })) {
      for (const person of page.people) {
        const id = person.resourceName;
        if (typeof id !== 'string' || id === '') continue;
        if (person.metadata?.deleted === true) {
          yield { kind: 'delete', id };
          continue;
        }
        const record = personRecord(person);
        if (record) yield { kind: 'upsert', record };
      }
      next = page.nextSyncToken ?? next;
    }
    if (next !== undefined) yield { kind: 'cursor', cursor: JSON.stringify({ directory: next }) };
  }
}

function parseCursor(cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    // not JSON: not a cursor this feed wrote
  }
  const token = (parsed as { directory?: unknown } | null)?.directory;
  if (typeof token !== 'string' || token === '')
    throw new CursorExpired("the replica's cursor holds no directory sync token");
  return token;
}
