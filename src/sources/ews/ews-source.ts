/**
 * The `ews` source: the contacts kept in Exchange mailboxes (each listed mailbox by impersonation,
 * or the account's own), served from a replica that SyncFolderItems keeps up to date
 * (contacts-feed.ts). The XHR layer under ews-javascript-api is ours (exchange-client.ts), so every
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
import { EwsCallFailed } from './busy-retry.js';
import { CONTACT_FIELDS, PHONE_KEYS } from './contact-properties.js';
import { ContactsFeed } from './contacts-feed.js';
import { ExchangeClient } from './exchange-client.js';
import type { EwsSourceSettings } from './ews-settings.js';
import { MailboxReader, type ContactFolder } from './mailbox-reader.js';

const CAPABILITIES: SourceCapabilities = { modes: ['replica'], filterPushdown: false, signOn: false };
/** Contacts `fields()` samples. */
const FIELD_SAMPLE = 1000;
const SAMPLES = 3;
/** Failures that say the sign-in or the connection failed, not one mailbox. */
const MAILBOX_CODES = new Set(['ErrorImpersonateUserDenied', 'ErrorNonExistentMailbox', 'ErrorAccessDenied']);

const AUTH_NAMES = { ntlm: 'NTLM', basic: 'Basic authentication', bearer: 'a bearer token' } as const;

export class EwsSource implements Source {
  readonly name: string;
  readonly kind = 'contacts' as const;
  readonly capabilities = CAPABILITIES;
  readonly #client: ExchangeClient;
  readonly #readers: readonly MailboxReader[];
  /** Lists the public folders, as the account itself; undefined without `publicFolders`. */
  readonly #publicReader: MailboxReader | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #feed: ChangeFeed | undefined;

  constructor(
    readonly settings: EwsSourceSettings,
    readonly logger?: SourceLogger,
  ) {
    this.name = settings.name;
    this.#client = new ExchangeClient(settings);
    const mailboxes = settings.mailboxes.length > 0 ? settings.mailboxes : [undefined];
    const reader = (mailbox: string | undefined): MailboxReader =>
      new MailboxReader(this.name, this.#client.service(mailbox), mailbox, {
        ...(mailbox === undefined ? {} : { mailbox }),
        credential: settings.credential.kind,
      });
    this.#readers = mailboxes.map(reader);
    this.#publicReader = settings.publicFolders.length > 0 ? reader(undefined) : undefined;
  }

  /** One feed whatever `fields` asks: the item shape is fixed, so sync states stay valid across maps. */
  changeFeed(): ChangeFeed {
    this.#feed ??= new ContactsFeed(
      this.name,
      this.#readers,
      this.#publicReader && { reader: this.#publicReader, paths: this.settings.publicFolders },
      this.logger,
    );
    return this.#feed;
  }

  /** A replica asks for a SyncFolderItems round every `changeInterval`. */
  onChange(listener: () => void): void {
    const timer = setInterval(listener, this.settings.changeIntervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Every contact, by FindItem pages (the replica uses the feed instead). */
  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    for (const { reader, folders } of this.#folderLists(signal))
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
    for (const { reader, folders } of this.#folderLists(signal))
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
    for (const reader of this.#readers) {
      const step = reader.mailbox === undefined ? 'own mailbox' : `mailbox ${reader.mailbox}`;
      try {
        const folders = await reader.folders(signal);
        if (!signedIn) steps.push(this.#connected(reader));
        signedIn = true;
        const counted = await this.#count(reader, folders, signal, samples);
        served += counted.total;
        steps.push({ step, ok: true, detail: counted.sentence });
      } catch (error) {
        const mailboxOnly = error instanceof EwsCallFailed && MAILBOX_CODES.has(error.failure.code ?? '');
        if (!signedIn && mailboxOnly) steps.push(this.#connected(reader));
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
        const folder = await this.#publicFolder(path, signal);
        const counted = await this.#count(this.#publicReader!, [folder], signal, samples);
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
    signal: AbortSignal,
  ): Iterable<{ readonly reader: MailboxReader; readonly folders: Promise<ContactFolder[]> }> {
    for (const reader of this.#readers) yield { reader, folders: reader.folders(signal) };
    if (this.#publicReader)
      yield {
        reader: this.#publicReader,
        folders: Promise.all(this.settings.publicFolders.map((path) => this.#publicFolder(path, signal))),
      };
  }

  async #publicFolder(path: string, signal: AbortSignal): Promise<ContactFolder> {
    const folder = await this.#publicReader!.publicFolder(path, signal);
    if (folder === undefined) throw new SourceError(this.name, `there is no public folder ${path}`);
    return folder;
  }

  close(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#client.close();
    return Promise.resolve();
  }

  #connected(reader: MailboxReader): CheckStep {
    const { credential, url } = this.settings;
    const who = credential.kind === 'bearer' ? '' : ` as ${credential.username}`;
    // Null until a response's ServerVersionInfo was read.
    const info = this.#client.service(reader.mailbox).ServerInfo as ExchangeServerInfo | null;
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
