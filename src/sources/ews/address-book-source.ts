/**
 * The `ews` source with `addressBook: true`: Exchange's address book (GAL) as a live mount. A
 * search asks ResolveNames for the names its filter begins with (gal-query.ts); the directory's
 * evaluator then decides what matches, so the answer is exact for what was asked, and empty for
 * what EWS cannot be asked ("contains", numbers, everything: the GAL cannot be browsed).
 */
import type { ExchangeServerInfo } from 'ews-javascript-api';
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
import { CONTACT_FIELDS } from './contact-fields.js';
import type { AddressBookParts } from './exchange-parts.js';
import type { EwsSourceSettings } from './ews-settings.js';
import { namesToResolve } from './gal-query.js';

const CAPABILITIES: SourceCapabilities = { modes: ['live'], filterPushdown: true, signOn: false };
/** What `check` and `fields` resolve to see entries: common first letters of names. */
const PROBES = ['a', 'e', 'm', 's'];
const SAMPLES = 3;
const GAL_FIELDS: readonly { readonly name: string; readonly description: string }[] = [
  ...CONTACT_FIELDS.filter((field) => field.name !== 'mailbox' && field.name !== 'folder').map((field) =>
    field.name === 'smtpAddress'
      ? { name: field.name, description: 'the primary SMTP address (the id)' }
      : field,
  ),
  { name: 'Alias', description: 'the alias (mailNickname)' },
];

export class EwsAddressBookSource implements Source {
  readonly name: string;
  readonly kind = 'both' as const;
  readonly capabilities = CAPABILITIES;
  /** The parts that talk to Exchange, loaded on first use (exchange-parts.ts says why). */
  #loaded: Promise<AddressBookParts> | undefined;
  /** Names already warned about as cut at 100 entries. */
  readonly #truncated = new Set<string>();

  constructor(
    readonly settings: EwsSourceSettings,
    readonly logger?: SourceLogger,
  ) {
    this.name = settings.name;
  }

  #parts(): Promise<AddressBookParts> {
    this.#loaded ??= import('./exchange-parts.js').then(({ addressBookParts }) =>
      addressBookParts(this.settings),
    );
    return this.#loaded;
  }

  async *search(query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    const given = new Set<string>();
    const names = namesToResolve(query.filter);
    if (names.length === 0) return;
    const { book } = await this.#parts();
    for (const name of names) {
      const { records, complete } = await book.resolve(name, signal);
      if (!complete) this.#warnTruncated(name);
      for (const record of records) {
        if (given.has(record.id)) continue;
        given.add(record.id);
        yield record;
      }
    }
  }

  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    return (await this.#parts()).book.get(id, signal);
  }

  /** The address book's fields with how many of the entries a few probe names resolve to hold each. */
  async fields(): Promise<FieldInfo[]> {
    const sample = await this.#sample(new AbortController().signal);
    const counts = new Map<string, number>();
    for (const record of sample)
      for (const name of Object.keys(record.fields)) counts.set(name, (counts.get(name) ?? 0) + 1);
    return GAL_FIELDS.map(({ name, description }) => {
      const count = counts.get(name) ?? 0;
      return { name, count, description: `${description}; in ${count} of ${sample.length} sampled entries` };
    });
  }

  /** The "import test": signing in, and what names starting with a few letters resolve to. */
  async check(): Promise<CheckReport> {
    let sample: SourceRecord[];
    try {
      sample = await this.#sample(new AbortController().signal);
    } catch (error) {
      return checkReport(this.name, [{ step: 'connection', ok: false, detail: messageOf(error, this.name) }]);
    }
    const users = sample.filter((record) => record.kind === 'user').length;
    const steps: CheckStep[] = [
      this.#connected(await this.#parts()),
      {
        step: 'address book',
        ok: true,
        detail: `ResolveNames answers: names starting with ${PROBES.join(', ')} resolve to ${users} users and ${sample.length - users} contacts (at most 100 each; the address book cannot be listed, so only name searches are answered)`,
      },
    ];
    return checkReport(this.name, steps, sample.length, sample.slice(0, SAMPLES));
  }

  async close(): Promise<void> {
    if (this.#loaded) (await this.#loaded).client.close();
  }

  async #sample(signal: AbortSignal): Promise<SourceRecord[]> {
    const { book } = await this.#parts();
    const found = new Map<string, SourceRecord>();
    for (const probe of PROBES)
      for (const record of (await book.resolve(probe, signal)).records) found.set(record.id, record);
    return [...found.values()];
  }

  #connected({ client }: AddressBookParts): CheckStep {
    const { credential, url } = this.settings;
    const who = credential.kind === 'bearer' ? ' with a bearer token' : ` as ${credential.username}`;
    // Null until a response's ServerVersionInfo was read.
    const info = client.service(undefined).ServerInfo as ExchangeServerInfo | null;
    const version = info === null ? '' : ` (Exchange ${info.MajorVersion}.${info.MinorVersion})`;
    return { step: 'connection', ok: true, detail: `signed in to ${new URL(url).host}${who}${version}` };
  }

  #warnTruncated(name: string): void {
    if (this.#truncated.has(name.toLowerCase())) return;
    this.#truncated.add(name.toLowerCase());
    this.logger?.warn(
      { source: this.name, name },
      `the address book has more than 100 entries for "${name}": only the first 100 Exchange returned are answered`,
    );
  }
}

/** A source's error without the `source X: ` its message starts with (the report names the source). */
function messageOf(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `source ${source}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
