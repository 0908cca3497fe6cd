/**
 * The three listings the source follows, each page by page with its own sync token: the domain
 * directory (`people.listDirectoryPeople`), a user's own contacts (`people.connections.list` on
 * `people/me`) and their "other contacts" (`otherContacts.list`). A full listing asks for a sync
 * token and follows `nextPageToken` to the last page's `nextSyncToken`; a later one sends the token
 * back with the same parameters and gets the changed people whole and the deleted ones with
 * `metadata.deleted`. An expired token (400 EXPIRED_SYNC_TOKEN, or 410) is a CursorExpired.
 */
import type { people_v1 } from '@googleapis/people';
import { CursorExpired } from '../change-feed.js';
import type { SourceRecord } from '../source.js';
import {
  contactId,
  contactRecord,
  OTHER_CONTACT_FIELDS,
  PERSON_FIELDS,
  personRecord,
} from './google-records.js';
import { isExpiredSyncToken, type PeopleReader } from './people-api.js';

export const DIRECTORY_SOURCES = [
  'DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE',
  'DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT',
] as const;
const PAGE_SIZE = 1000;

type Person = people_v1.Schema$Person;

export interface PeoplePage {
  readonly people: readonly Person[];
  readonly nextPageToken?: string;
  readonly nextSyncToken?: string;
}

/** One listing's page request: a full one (asking for a sync token unless told not to) or the changes since a token. */
export interface PageRequest {
  readonly pageSize: number;
  readonly pageToken?: string;
  readonly syncToken?: string;
  readonly requestSyncToken: boolean;
}

export interface PeopleListing {
  /** Its key in the feed's cursor. */
  readonly key: string;
  readonly reader: PeopleReader;
  page(request: PageRequest, signal: AbortSignal): Promise<PeoplePage>;
  /** A person as this listing serves it. */
  record(person: Person): SourceRecord | undefined;
  /** The record id of a resource name (for a deletion). */
  id(resourceName: string): string;
  /** What an expired sync token means, for the log. */
  readonly expired: string;
}

export interface ListOptions {
  readonly syncToken?: string;
  readonly requestSyncToken?: boolean;
  readonly pageSize?: number;
}

/** A listing page by page; its failures as the reader's sentences. */
export async function* listPages(
  listing: PeopleListing,
  signal: AbortSignal,
  options: ListOptions = {},
): AsyncGenerator<PeoplePage> {
  let pageToken: string | undefined;
  do {
    let page: PeoplePage;
    try {
      const request = {
        pageSize: options.pageSize ?? PAGE_SIZE,
        requestSyncToken: options.requestSyncToken ?? true,
        ...(options.syncToken === undefined ? {} : { syncToken: options.syncToken }),
        ...(pageToken === undefined ? {} : { pageToken }),
      };
      page = await withinDeadline(listing.reader.pageDeadlineMs, signal, (bounded) =>
        listing.page(request, bounded),
      );
    } catch (error) {
      if (options.syncToken !== undefined && isExpiredSyncToken(error))
        throw new CursorExpired(listing.expired);
      throw listing.reader.error(error);
    }
    pageToken = page.nextPageToken;
    yield page;
  } while (pageToken !== undefined && pageToken !== '');
}

interface CommonParams {
  readonly pageSize: number;
  readonly requestSyncToken?: boolean;
  readonly syncToken?: string;
  readonly pageToken?: string;
}

/**
 * `call` with a signal that aborts at the deadline, and an answer by then whatever the call does
 * with it (gaxios replaces an aborted signal by a bare timeout when it retries).
 */
async function withinDeadline<T>(
  deadlineMs: number,
  signal: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const bounded = AbortSignal.any([signal, deadline]);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(bounded.reason instanceof Error ? bounded.reason : new Error(String(bounded.reason)));
    bounded.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([call(bounded), aborted]);
  } finally {
    if (onAbort) bounded.removeEventListener('abort', onAbort);
  }
}

/** The parameters every listing shares, as the client library takes them. */
function common(request: PageRequest): CommonParams {
  return {
    pageSize: request.pageSize,
    ...(request.requestSyncToken ? { requestSyncToken: true } : {}),
    ...(request.syncToken === undefined ? {} : { syncToken: request.syncToken }),
    ...(request.pageToken === undefined ? {} : { pageToken: request.pageToken }),
  };
}

function pageOf(
  people: Person[] | undefined,
  data: { nextPageToken?: string | null; nextSyncToken?: string | null },
): PeoplePage {
  return {
    people: people ?? [],
    ...(typeof data.nextPageToken === 'string' ? { nextPageToken: data.nextPageToken } : {}),
    ...(typeof data.nextSyncToken === 'string' ? { nextSyncToken: data.nextSyncToken } : {}),
  };
}

/** The domain's profiles (users) and shared contacts (contacts). */
export function directoryListing(reader: PeopleReader): PeopleListing {
  return {
    key: 'directory',
    reader,
    async page(request, signal) {
      const { data } = await reader.api.people.listDirectoryPeople(
        { sources: [...DIRECTORY_SOURCES], readMask: PERSON_FIELDS.join(','), ...common(request) },
        { signal },
      );
      return pageOf(data.people, data);
    },
    record: (person) => personRecord(person),
    id: (resourceName) => resourceName,
    expired: 'Google no longer knows the sync token (expired after 7 days, or reset)',
  };
}

/** A user's own contacts, as that user. */
export function contactsListing(reader: PeopleReader, user: string): PeopleListing {
  return {
    key: `contacts/${user}`,
    reader,
    async page(request, signal) {
      const { data } = await reader.api.people.connections.list(
        { resourceName: 'people/me', personFields: PERSON_FIELDS.join(','), ...common(request) },
        { signal },
      );
      return pageOf(data.connections, data);
    },
    record: (person) => contactRecord(person, user),
    id: (resourceName) => contactId(user, resourceName),
    expired: `Google no longer knows the sync token of ${user}'s contacts`,
  };
}

/** A user's "other contacts" (addresses Gmail collected), as that user. */
export function otherContactsListing(reader: PeopleReader, user: string): PeopleListing {
  return {
    key: `otherContacts/${user}`,
    reader,
    async page(request, signal) {
      const { data } = await reader.api.otherContacts.list(
        { readMask: OTHER_CONTACT_FIELDS.join(','), ...common(request) },
        { signal },
      );
      return pageOf(data.otherContacts, data);
    },
    record: (person) => contactRecord(person, user),
    id: (resourceName) => contactId(user, resourceName),
    expired: `Google no longer knows the sync token of ${user}'s other contacts`,
  };
}
