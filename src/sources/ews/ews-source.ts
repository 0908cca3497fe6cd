/**
 * The `ews` source: the contacts kept in Exchange mailboxes (each listed mailbox by impersonation,
 * or the account's own) and listed public folders, served from a replica that SyncFolderItems
 * keeps up to date (contacts-feed.ts). With `addressBook` the type builds an
 * EwsAddressBookSource instead (address-book-source.ts). The XHR layer under ews-javascript-api is ours (exchange-client.ts), so every
 * request has a real timeout, trusts the configured CA, and fails with a sentence instead of
 * hanging.
 */
import type { ExchangeServerInfo } from 'ews-javascript-api';
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
import { SourceError } from '../source.js';
import { CONTACT_FIELDS, PHONE_KEYS } from './contact-fields.js';
import { ContactsFeed } from './contacts-feed.js';
import type { MailboxParts } from './exchange-parts.js';
import { EwsCallFailed } from './ews-failure.js';
import type { EwsSourceSettings } from './ews-settings.js';
import type { ContactFolder, MailboxReader } from './mailbox-reader.js';

const CAPABILITIES: SourceCapabilities = { modes: ['replica'], filterPushdown: false, signOn: false };
/** Contacts `fields()` samples. */
const FIELD_SAMPLE = 1000;
const SAMPLES = 3;
/** Failures that concern one mailbox: EWS answered them, so the sign-in itself worked. */
const MAILBOX_CODES = new Set(['ErrorImpersonateUserDenied', 'ErrorNonExistentMailbox', 'ErrorAccessDenied']);

const AUTH_NAMES = { ntlm: 'NTLM', basic: 'Basic authentication', bearer: 'a bearer token' } as const;

export class EwsSource implements Source {
  readonly name: string;
  readonly kind = 'contacts' as const;
  readonly capabilities = CAPABILITIES;
  readonly #timers: NodeJS.Timeout[] = [];
  #feed: ChangeFeed | undefined;
  /** The parts that talk to Exchange, loaded on first use (exchange-parts.ts says why). */
  #loaded: Promise<MailboxParts> | undefined;

  constructor(
    readonly settings: EwsSourceSettings,
    readonly logger?: SourceLogger,
  ) {
    this.name = settings.name;
  }

  /** One feed whatever `fields` asks: the item shape is fixed, so sync states stay valid across maps. */
  changeFeed(): ChangeFeed {
    this.#feed ??= this.#deferredFeed();
    return this.#feed;
  }

  /** The contacts feed, built when a round first needs it. */
  #deferredFeed(): ChangeFeed {
    let built: Promise<ContactsFeed> | undefined;
    const feed = (): Promise<ContactsFeed> =>
      (built ??= this.#parts().then(
        ({ readers, publicReader }) =>
          new ContactsFeed(
            this.name,
            readers,
            publicReader && { reader: publicReader, paths: this.settings.publicFolders },
            this.logger,
          ),
      ));
    return {
      reportsDeletions: true,
      async *full(signal: AbortSignal) {
        yield* (await feed()).full(signal);
      },
      async *changes(cursor: string, signal: AbortSignal) {
        yield* (await feed()).changes(cursor, signal);
      },
    };
  }

  #parts(): Promise<MailboxParts> {
    this.#loaded ??= import('./exchange-parts.js').then(({ mailboxParts }) => mailboxParts(this.settings));
    return this.#loaded;
  }

  /** A replica asks for a SyncFolderItems round every `changeInterval`. */
  onChange(listener: () => void): void {
    const timer = setInterval(listener, this.settings.changeIntervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Every contact, by FindItem pages (the replica uses the feed instead). */
  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    const parts = await this.#parts();
    for (const { reader, folders } of this.#folderLists(parts, signal))
      for (const folder of await folders) yield* reader.records(folder, signal);
  }

  /** One contact by id: the replica serves reads itself, so this lists rather than binding by id. */
  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    for await (const record of this.search({}, signal)) if (record.id === id) return record;
    return undefined;
  }

  /** Every contact field with how many sampled contacts hold it; each phone key is a field. */
  async fields(): Promise<FieldInfo[]> {
    const signal = new AbortController().signal;
    const counts = new Map<string, number>();
    let sampled = 0;
    const parts = await this.#parts();
    for (const { reader, folders } of this.#folderLists(parts, signal))
      for (const folder of await folders)
        for await (const record of reader.records(folder, signal, FIELD_SAMPLE - sampled)) {
          sampled++;
          for (const name of Object.keys(record.fields)) counts.set(name, (counts.get(name) ?? 0) + 1);
          if (sampled >= FIELD_SAMPLE) break;
        }
    const phones = new Set<string>(PHONE_KEYS);
    return CONTACT_FIELDS.map(({ name, description }) => {
      const count = counts.get(name) ?? 0;
      const use = phones.has(name) ? (count > 0 ? 'phone key in use' : 'phone key unused') : undefined;
      return {
        name,
        count,
        description: `${description}; in ${count} of ${sampled} sampled contacts${use === undefined ? '' : ` (${use})`}`,
      };
    });
  }

  /** The "import test": signing in, then each mailbox's contact folders counted, and a few samples. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = [];
    const signal = new AbortController().signal;
    const samples: SourceRecord[] = [];
    let served = 0;
    let signedIn = false;
    const parts = await this.#parts();
    for (const reader of parts.readers) {
      const step = reader.mailbox === undefined ? 'own mailbox' : `mailbox ${reader.mailbox}`;
      try {
        const folders = await reader.folders(signal);
        if (!signedIn) steps.push(this.#connected(parts, reader));
        signedIn = true;
        const counted = await this.#count(reader, folders, signal, samples);
        served += counted.total;
        steps.push({ step, ok: true, detail: counted.sentence });
      } catch (error) {
        const mailboxOnly = error instanceof EwsCallFailed && MAILBOX_CODES.has(error.failure.code ?? '');
        if (!signedIn && mailboxOnly) steps.push(this.#connected(parts, reader));
        signedIn ||= mailboxOnly;
        if (!signedIn) {
          steps.push({ step: 'connection', ok: false, detail: messageOf(error, this.name) });
          return checkReport(this.name, steps);
        }
        steps.push({ step, ok: false, detail: messageOf(error, this.name) });
      }
    }
    for (const path of this.settings.publicFolders) {
      const step = `public folder ${path}`;
      try {
        const folder = await this.#publicFolder(parts, path, signal);
        const counted = await this.#count(parts.publicReader!, [folder], signal, samples);
        served += counted.total;
        steps.push({ step, ok: true, detail: `${counted.total} contacts (listed in full each round)` });
      } catch (error) {
        steps.push({ step, ok: false, detail: messageOf(error, this.name) });
      }
    }
    steps.push({
      step: 'changes',
      ok: true,
      detail: `SyncFolderItems rounds every ${this.settings.changeIntervalMs / 1000} s`,
    });
    return checkReport(this.name, steps, served, samples);
  }

  /** Each reader with the folders it reads: every mailbox's contact folders, then the public folders. */
  *#folderLists(
    parts: MailboxParts,
    signal: AbortSignal,
  ): Iterable<{ readonly reader: MailboxReader; readonly folders: Promise<ContactFolder[]> }> {
    for (const reader of parts.readers) yield { reader, folders: reader.folders(signal) };
    if (parts.publicReader)
      yield {
        reader: parts.publicReader,
        folders: Promise.all(
          this.settings.publicFolders.map((path) => this.#publicFolder(parts, path, signal)),
        ),
      };
  }

  async #publicFolder(parts: MailboxParts, path: string, signal: AbortSignal): Promise<ContactFolder> {
    const folder = await parts.publicReader!.publicFolder(path, signal);
    if (folder === undefined) throw new SourceError(this.name, `there is no public folder ${path}`);
    return folder;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    if (this.#loaded) (await this.#loaded).client.close();
  }

  #connected(parts: MailboxParts, reader: MailboxReader): CheckStep {
    const { credential, url } = this.settings;
    const who = credential.kind === 'bearer' ? '' : ` as ${credential.username}`;
    // Null until a response's ServerVersionInfo was read.
    const info = parts.client.service(reader.mailbox).ServerInfo as ExchangeServerInfo | null;
    const version =
      info === null
        ? ''
        : ` (Exchange ${info.MajorVersion}.${info.MinorVersion} build ${info.MajorBuildNumber}.${info.MinorBuildNumber})`;
    return {
      step: 'connection',
      ok: true,
      detail: `signed in to ${new URL(url).host} with ${AUTH_NAMES[credential.kind]}${who}${version}`,
    };
  }

  /** Each folder's contacts counted by FindItem pages; the first few kept as samples. */
  async #count(
    reader: MailboxReader,
    folders: readonly ContactFolder[],
    signal: AbortSignal,
    samples: SourceRecord[],
  ): Promise<{ total: number; sentence: string }> {
    const parts: string[] = [];
    let total = 0;
    for (const folder of folders) {
      let count = 0;
      for await (const record of reader.records(folder, signal)) {
        count++;
        if (samples.length < SAMPLES) samples.push(record);
      }
      total += count;
      parts.push(`${folder.name} ${count}`);
    }
    const noun = folders.length === 1 ? 'folder' : 'folders';
    return {
      total,
      sentence: `${total} contacts in ${folders.length} contact ${noun} (${parts.join(', ')})`,
    };
  }
}

/** A source's error without the `source X: ` its message starts with (the report names the source). */
function messageOf(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `source ${source}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
