/**
 * The `google` source: a Google Workspace directory (the domain's user profiles and shared
 * contacts) through the People API, served from a replica that sync tokens keep up to date
 * (directory-feed.ts). It reads as a service account acting for `adminEmail` by domain-wide
 * delegation (delegated-tokens.ts).
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
import { CONTACTS_SCOPE, delegatedToken, DIRECTORY_SCOPE } from './delegated-tokens.js';
import { contactPages, DirectoryFeed, directoryPages, type DirectoryPage } from './directory-feed.js';
import { contactRecord, personRecord, phoneTypes, RECORD_FIELDS } from './google-records.js';
import type { GoogleSourceSettings } from './google-settings.js';
import { explain, peopleApi } from './people-api.js';

const CAPABILITIES: SourceCapabilities = { modes: ['replica'], filterPushdown: false, signOn: false };
/** People `fields()` samples. */
const FIELD_SAMPLE = 1000;

export class GoogleSource implements Source {
  readonly name: string;
  readonly kind = 'both' as const;
  readonly capabilities = CAPABILITIES;
  readonly #api: people_v1.People;
  /** The People API as each user of `userContacts`. */
  readonly #userApis = new Map<string, people_v1.People>();
  readonly #timers: NodeJS.Timeout[] = [];
  #feed: ChangeFeed | undefined;

  constructor(
    readonly settings: GoogleSourceSettings,
    readonly logger?: SourceLogger,
  ) {
    this.name = settings.name;
    this.#api = peopleApi(settings);
  }

  /** One feed whatever `fields` asks: the read mask is fixed, so a sync token stays valid across them. */
  changeFeed(): ChangeFeed {
    this.#feed ??= new DirectoryFeed(this.#api, this.settings, (user) => this.#apiAs(user));
    return this.#feed;
  }

  /** A replica asks for a sync-token round every `changeInterval`. */
  onChange(listener: () => void): void {
    const timer = setInterval(listener, this.settings.changeIntervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Every record, by plain listing (the replica uses the feed instead). */
  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    for await (const person of this.#people(signal)) {
      const record = personRecord(person);
      if (record) yield record;
    }
    for (const user of this.settings.userContacts ?? [])
      for await (const page of this.#contactPages(user, signal))
        for (const person of page.people) {
          const record = contactRecord(person, user);
          if (record) yield record;
        }
  }

  /**
   * One person by resource name. The directory has no read by id (`people.get` reads profiles
   * only, and not shared contacts), so the listing is searched: the replica serves reads itself.
   */
  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    if (!id.startsWith('people/')) {
      for await (const record of this.search({}, signal)) if (record.id === id) return record;
      return undefined;
    }
    for await (const person of this.#people(signal))
      if (person.resourceName === id) return personRecord(person);
    return undefined;
  }

  /** Every record field with its meaning and how many sampled people hold it, and the phone types seen. */
  async fields(): Promise<FieldInfo[]> {
    const signal = new AbortController().signal;
    const counts = new Map<string, number>();
    const types = new Map<string, number>();
    let sampled = 0;
    for await (const person of this.#people(signal, FIELD_SAMPLE)) {
      sampled++;
      for (const name of Object.keys(personRecord(person)?.fields ?? {}))
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

  /** The "import test": a delegated token, then the directory read and counted, and two samples. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = [];
    const { settings } = this;
    // The admin's token only where the directory is read: each user of userContacts has a step of its own.
    if (settings.directory)
      try {
        await delegatedToken({
          key: settings.key,
          tokenUrl: settings.tokenUrl,
          subject: settings.adminEmail,
          scopes: [DIRECTORY_SCOPE],
          timeoutMs: settings.timeoutMs,
        });
        steps.push({
          step: 'token',
          ok: true,
          detail: `the service account ${settings.key.client_email} acts as ${settings.adminEmail} (domain-wide delegation of ${DIRECTORY_SCOPE})`,
        });
      } catch (error) {
        steps.push({ step: 'token', ok: false, detail: explain(settings, error) });
        return checkReport(this.name, steps);
      }
    let users = 0;
    let contacts = 0;
    const samples: SourceRecord[] = [];
    if (settings.directory)
      try {
        for await (const person of this.#people(new AbortController().signal)) {
          const record = personRecord(person);
          if (!record) continue;
          if (record.kind === 'contact') contacts++;
          else users++;
          if (samples.length < 2) samples.push(record);
        }
        steps.push({
          step: 'directory',
          ok: true,
          detail: `${users} users (domain profiles) and ${contacts} shared contacts served`,
        });
      } catch (error) {
        steps.push({ step: 'directory', ok: false, detail: messageOf(error, this.name) });
        return checkReport(this.name, steps);
      }
    let owned = 0;
    for (const user of settings.userContacts ?? []) {
      try {
        let count = 0;
        for await (const page of this.#contactPages(user, new AbortController().signal))
          for (const person of page.people) {
            const record = contactRecord(person, user);
            if (!record) continue;
            count++;
            if (samples.length < 3) samples.push(record);
          }
        owned += count;
        steps.push({ step: `contacts of ${user}`, ok: true, detail: `${count} contacts served` });
      } catch (error) {
        steps.push({ step: `contacts of ${user}`, ok: false, detail: messageOf(error, this.name) });
      }
    }
    steps.push({
      step: 'changes',
      ok: true,
      detail: `sync-token rounds every ${settings.changeIntervalMs / 1000} s (Google may take a few minutes to report a change)`,
    });
    return checkReport(this.name, steps, users + contacts + owned, samples);
  }

  close(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    return Promise.resolve();
  }

  #apiAs(user: string): people_v1.People {
    let api = this.#userApis.get(user);
    if (!api) {
      api = peopleApi(this.settings, user, CONTACTS_SCOPE);
      this.#userApis.set(user, api);
    }
    return api;
  }

  #contactPages(user: string, signal: AbortSignal): AsyncIterable<DirectoryPage> {
    return contactPages(this.#apiAs(user), this.settings, user, signal, { requestSyncToken: false });
  }

  /** The directory's people by plain listing, at most `limit`. */
  async *#people(signal: AbortSignal, limit = Infinity): AsyncIterable<people_v1.Schema$Person> {
    if (!this.settings.directory) return;
    let given = 0;
    for await (const page of directoryPages(this.#api, this.settings, signal, {
      requestSyncToken: false,
      ...(limit < 1000 ? { pageSize: limit } : {}),
    }))
      for (const person of page.people) {
        yield person;
        if (++given >= limit) return;
      }
  }
}

/** A source's error without the `source X: ` its message starts with (the report names the source). */
function messageOf(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `source ${source}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
