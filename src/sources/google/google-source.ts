/**
 * The `google` source: a Google Workspace directory (the domain's user profiles and shared
 * contacts) and, with `userContacts`, listed users' own contacts, through the People API, served
 * from a replica that sync tokens keep up to date (directory-feed.ts). It reads with a service
 * account acting for users by domain-wide delegation, or with one account's refresh token
 * (credential-factory.ts): chosen once, behind one interface.
 */
import type { people_v1 } from '@googleapis/people';
import type { ChangeFeed } from '../change-feed.js';
import { checkReport } from '../check-report.js';
import type { SourceLogger } from '../source-descriptor.js';
import type {
  CheckReport,
  CheckStep,
  FieldInfo,
  Source,
  SourceCapabilities,
  SourceQuery,
  SourceRecord,
} from '../source.js';
import { credentialOf } from './credential-factory.js';
import { DirectoryFeed, type FeedListing } from './directory-feed.js';
import type { GoogleCredential } from './google-credential.js';
import { phoneTypes, RECORD_FIELDS } from './google-records.js';
import type { GoogleSourceSettings } from './google-settings.js';
import { PeopleReader } from './people-api.js';
import {
  contactsListing,
  directoryListing,
  listPages,
  otherContactsListing,
  type PeopleListing,
} from './people-listing.js';
import { CONTACTS_SCOPE, DIRECTORY_SCOPE, OTHER_CONTACTS_SCOPE } from './people-scopes.js';
import { QuotaBackOff } from './quota-back-off.js';

const CAPABILITIES: SourceCapabilities = { modes: ['replica'], filterPushdown: false, signOn: false };
/** People `fields()` samples. */
const FIELD_SAMPLE = 1000;

export class GoogleSource implements Source {
  readonly name: string;
  readonly kind = 'both' as const;
  readonly capabilities = CAPABILITIES;
  readonly #credential: GoogleCredential;
  readonly #listings: readonly FeedListing[];
  readonly #backOff: QuotaBackOff;
  readonly #timers: NodeJS.Timeout[] = [];
  #feed: ChangeFeed | undefined;

  constructor(
    readonly settings: GoogleSourceSettings,
    readonly logger?: SourceLogger,
  ) {
    this.name = settings.name;
    this.#credential = credentialOf(settings);
    this.#listings = this.#buildListings();
    this.#backOff = new QuotaBackOff(settings.changeIntervalMs);
  }

  /** One feed whatever `fields` asks: the read masks are fixed, so sync tokens stay valid across them. */
  changeFeed(): ChangeFeed {
    this.#feed ??= new DirectoryFeed(this.name, this.#listings, this.#backOff, this.logger);
    return this.#feed;
  }

  /** A replica asks for a sync-token round every `changeInterval`, unless the quota has it backing off. */
  onChange(listener: () => void): void {
    const timer = setInterval(() => {
      if (this.#backOff.remaining() === 0) listener();
    }, this.settings.changeIntervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Every record, by plain listing (the replica uses the feed instead). */
  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    for (const { listing } of this.#listings)
      for await (const person of this.#people(listing, signal)) {
        const record = listing.record(person);
        if (record) yield record;
      }
  }

  /**
   * One record by id. The directory has no read by id (`people.get` reads profiles only, and not
   * shared contacts), so the listings are searched: the replica serves reads itself.
   */
  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    for await (const record of this.search({}, signal)) if (record.id === id) return record;
    return undefined;
  }

  /** Every record field with its meaning and how many sampled people hold it, and the phone types seen. */
  async fields(): Promise<FieldInfo[]> {
    const signal = new AbortController().signal;
    const counts = new Map<string, number>();
    const types = new Map<string, number>();
    let sampled = 0;
    for (const { listing } of this.#listings)
      for await (const person of this.#people(listing, signal, FIELD_SAMPLE - sampled)) {
        sampled++;
        for (const name of Object.keys(listing.record(person)?.fields ?? {}))
          counts.set(name, (counts.get(name) ?? 0) + 1);
        for (const type of new Set(phoneTypes(person))) types.set(type, (types.get(type) ?? 0) + 1);
      }
    const of = (count: number): string => `in ${count} of ${sampled} sampled people`;
    return [
      ...RECORD_FIELDS.map(({ name, description }) => ({
        name,
        count: counts.get(name) ?? 0,
        description: `${description}; ${of(counts.get(name) ?? 0)}`,
      })),
      ...[...types]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, count]) => ({
          name: `phoneNumbers[type=${type}]`,
          count,
          description: `telephone numbers of type ${type}; ${of(count)}`,
        })),
    ];
  }

  /** The "import test": a token, then each listing read and counted, and a few samples. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = [];
    const first = this.#listings[0]!;
    // The token step covers the first listing's reader; each user's listing reports its own token.
    try {
      const detail = await this.#credential.verify(first.user, first.listing.reader.scope);
      steps.push({ step: 'token', ok: true, detail });
    } catch (error) {
      steps.push({ step: 'token', ok: false, detail: first.listing.reader.explain(error) });
      return checkReport(this.name, steps);
    }
    let served = 0;
    const samples: SourceRecord[] = [];
    for (const { listing, user } of this.#listings) {
      const step = stepName(listing, user);
      try {
        const counts = { users: 0, contacts: 0 };
        for await (const person of this.#people(listing, new AbortController().signal)) {
          const record = listing.record(person);
          if (!record) continue;
          counts[record.kind === 'user' ? 'users' : 'contacts']++;
          if (samples.length < 3) samples.push(record);
        }
        served += counts.users + counts.contacts;
        steps.push({ step, ok: true, detail: countsSentence(counts, user === undefined) });
      } catch (error) {
        steps.push({ step, ok: false, detail: listing.reader.explain(error) });
        if (user === undefined) return checkReport(this.name, steps);
      }
    }
    steps.push({
      step: 'changes',
      ok: true,
      detail: `sync-token rounds every ${this.settings.changeIntervalMs / 1000} s; Google may take several minutes to report a change to them, so a change can take that long to be served`,
    });
    return checkReport(this.name, steps, served, samples);
  }

  close(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    return Promise.resolve();
  }

  #buildListings(): FeedListing[] {
    const { settings } = this;
    const reader = (user: string | undefined, scope: string): PeopleReader =>
      new PeopleReader(settings, this.#credential, user, scope);
    const listings: FeedListing[] = [];
    if (settings.directory) listings.push({ listing: directoryListing(reader(undefined, DIRECTORY_SCOPE)) });
    for (const user of settings.userContacts ?? []) {
      listings.push({ user, listing: contactsListing(reader(user, CONTACTS_SCOPE), user) });
      if (settings.otherContacts)
        listings.push({ user, listing: otherContactsListing(reader(user, OTHER_CONTACTS_SCOPE), user) });
    }
    return listings;
  }

  /** A listing's people by plain listing (no sync token), at most `limit`. */
  async *#people(
    listing: PeopleListing,
    signal: AbortSignal,
    limit = Infinity,
  ): AsyncIterable<people_v1.Schema$Person> {
    if (limit <= 0) return;
    let given = 0;
    const pages = listPages(listing, signal, {
      requestSyncToken: false,
      ...(limit < 1000 ? { pageSize: limit } : {}),
    });
    for await (const page of pages)
      for (const person of page.people) {
        yield person;
        if (++given >= limit) return;
      }
  }
}

function stepName(listing: PeopleListing, user: string | undefined): string {
  if (user === undefined) return 'directory';
  return listing.key.startsWith('otherContacts/') ? `other contacts of ${user}` : `contacts of ${user}`;
}

function countsSentence(counts: { users: number; contacts: number }, directory: boolean): string {
  return directory
    ? `${counts.users} users (domain profiles) and ${counts.contacts} shared contacts served`
    : `${counts.contacts} contacts served`;
}
