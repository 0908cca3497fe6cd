/**
 * The Workspace domain behind the fake: its directory (users' profiles and shared domain
 * contacts), each user's own contacts and "other contacts", and each user's search cache, which
 * Google fills on a warm-up request.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { FakeClock } from './fake-clock.js';
import { PeopleCollection } from './people-collection.js';
import { PersonIds } from './person-ids.js';
import type { PersonRecord } from './person-record.js';

export type SearchCacheKind = 'contacts' | 'otherContacts';

export class GoogleDomain {
  readonly directory: PeopleCollection;
  private readonly ids = new PersonIds();
  private readonly contacts = new Map<string, PeopleCollection>();
  private readonly otherContacts = new Map<string, PeopleCollection>();
  private readonly searchCaches = new Map<string, readonly PersonRecord[]>();

  constructor(
    private readonly clock: FakeClock,
    readonly name: string,
    /** How national phone numbers are read for `canonicalForm`. */
    readonly region: CountryCode,
  ) {
    this.directory = new PeopleCollection(clock, this.ids, 'DOMAIN_PROFILE');
  }

  contactsOf(user: string): PeopleCollection {
    return collectionFor(this.contacts, user, () => new PeopleCollection(this.clock, this.ids, 'CONTACT'));
  }

  otherContactsOf(user: string): PeopleCollection {
    return collectionFor(
      this.otherContacts,
      user,
      () => new PeopleCollection(this.clock, this.ids, 'OTHER_CONTACT'),
    );
  }

  /** A user the domain has: a live directory profile with that address. */
  isDomainUser(email: string | undefined): boolean {
    if (email === undefined) return false;
    return this.directory.withEmail(email).some((record) => record.sourceType === 'DOMAIN_PROFILE');
  }

  /** The warm-up request: the search cache now holds the current state. */
  warmUp(kind: SearchCacheKind, user: string): void {
    const collection = kind === 'contacts' ? this.contactsOf(user) : this.otherContactsOf(user);
    this.searchCaches.set(`${kind}:${user.toLowerCase()}`, collection.live());
  }

  /** What a search sees: the state at the last warm-up, or nothing before the first. */
  searchCache(kind: SearchCacheKind, user: string): readonly PersonRecord[] | undefined {
    return this.searchCaches.get(`${kind}:${user.toLowerCase()}`);
  }
}

function collectionFor(
  map: Map<string, PeopleCollection>,
  user: string,
  create: () => PeopleCollection,
): PeopleCollection {
  const key = user.toLowerCase();
  let collection = map.get(key);
  if (collection === undefined) {
    collection = create();
    map.set(key, collection);
  }
  return collection;
}
