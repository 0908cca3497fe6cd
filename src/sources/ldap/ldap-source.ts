/**
 * The generic LDAP source, live mode: every search is translated (widened, see pushdown-filter.ts),
 * sent to the backend with the paged results control and streamed back page by page, so memory
 * stays constant whatever the directory's size. Search references are skipped.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { AndFilter, EqualityFilter, FilterParser, ResultCodeError } from 'ldapts';
import type { Client, Filter as LdaptsFilter, SearchOptions } from 'ldapts';
import type { Filter } from '../../filter/ast.js';
import { escapeFilterValue } from '../../filter/escape.js';
import { formatFilter } from '../../filter/format.js';
import { parseFilter } from '../../filter/parse.js';
import { SourceError } from '../source.js';
import type {
  CheckReport,
  CheckStep,
  FieldInfo,
  Source,
  SourceCapabilities,
  SourceQuery,
  SourceRecord,
} from '../source.js';
import { LdapConnections, type ConnectionLogger } from './ldap-connections.js';
import { attributesOf, isUuid, toRecord, uuidToGuid } from './ldap-entry.js';
import type { LdapSourceSettings } from './ldap-settings.js';
import { PushdownFilter } from './pushdown-filter.js';
import { checkReport } from '../check-report.js';

export interface LdapSourceLogger extends ConnectionLogger {
  info(obj: object, msg: string): void;
}

const CAPABILITIES: SourceCapabilities = { modes: ['live'], filterPushdown: true, signOn: false };

/** Entries `fields()` looks at. */
const FIELD_SAMPLE = 200;

export class LdapSource implements Source {
  readonly name: string;
  readonly kind = 'both' as const;
  readonly capabilities = CAPABILITIES;
  readonly #connections: LdapConnections;
  readonly #pushdown: PushdownFilter;
  readonly #contacts: Filter;
  /** `(&<filter>(|<users><contacts>))`: what every search is limited to. */
  readonly #scope: string;
  readonly #kindAttributes: readonly string[];
  #closed = false;

  constructor(
    readonly settings: LdapSourceSettings,
    private readonly logger?: LdapSourceLogger,
  ) {
    this.name = settings.name;
    const parse = (text: string, key: string): Filter => {
      try {
        return parseFilter(text);
      } catch (error) {
        throw new SourceError(settings.name, `${key}: ${errorText(error)}`, { cause: error });
      }
    };
    if (settings.filter !== undefined) parse(settings.filter, 'filter');
    parse(settings.usersFilter, 'usersFilter');
    this.#contacts = parse(settings.contactsFilter, 'contactsFilter');
    this.#kindAttributes = attributesOf(this.#contacts);
    this.#scope = `(&${settings.filter ?? ''}(|${settings.usersFilter}${settings.contactsFilter}))`;
    this.#pushdown = new PushdownFilter(settings);
    this.#connections = new LdapConnections(settings, logger);
    if (!settings.tls.rejectUnauthorized) {
      logger?.warn(
        { source: this.name },
        'tls.rejectUnauthorized is false: backend certificates are not verified (anyone on the path can read the service password)',
      );
    }
  }

  /** The backend filter for a query: the configured scope ANDed with the widened query filter. */
  backendFilter(query: SourceQuery): string {
    const widened = query.filter === undefined ? undefined : this.#pushdown.translate(query.filter);
    if (widened === undefined) return this.#scope;
    return `(&${this.#scope.slice(2, -1)}${formatFilter(widened)})`;
  }

  async *search(query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    const filter = this.backendFilter(query);
    // A widened filter is a superset: cutting it short could drop matches, so only "all" is limited.
    const limit = query.filter === undefined ? (query.sizeLimit ?? 0) : 0;
    let count = 0;
    for (const base of this.settings.bases) {
      for await (const record of this.#records(base, filter, query.fields, signal)) {
        yield record;
        if (limit > 0 && ++count >= limit) return;
      }
    }
  }

  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    const guid = isUuid(id) && this.#binaryId() ? uuidToGuid(id) : undefined;
    // ldapts reads `\xx` escapes in a filter string as characters and sends them UTF-8 encoded, so
    // GUID bytes above 0x7f would not match: a binary id goes to ldapts as a Buffer value instead.
    const filter =
      guid === undefined
        ? `(&${this.#scope.slice(2, -1)}(${this.settings.idAttribute}=${escapeFilterValue(id)}))`
        : new AndFilter({
            filters: [
              FilterParser.parseString(this.#scope),
              new EqualityFilter({ attribute: this.settings.idAttribute, value: Buffer.from(guid) }),
            ],
          });
    for (const base of this.settings.bases) {
      for await (const record of this.#records(base, filter, undefined, signal)) return record;
    }
    return undefined;
  }

  async fields(): Promise<FieldInfo[]> {
    const counts = new Map<string, number>();
    let seen = 0;
    const controller = new AbortController();
    try {
      outer: for (const base of this.settings.bases) {
        for await (const record of this.#records(base, this.#scope, undefined, controller.signal)) {
          for (const name of Object.keys(record.fields)) counts.set(name, (counts.get(name) ?? 0) + 1);
          if (++seen >= FIELD_SAMPLE) break outer;
        }
      }
    } finally {
      controller.abort();
    }
    return [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => ({ name, count, description: `in ${count} of ${seen} sampled entries` }));
  }

  /** The "import test": connect (TLS verified), bind, count users and contacts, two samples. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = [];
    const report = (count?: number, samples?: readonly SourceRecord[]): CheckReport =>
      checkReport(this.name, steps, count, samples);
    const url = this.settings.urls[0]!;
    try {
      steps.push({ step: 'connect', ok: true, detail: await this.#probe(url) });
    } catch (error) {
      steps.push({ step: 'connect', ok: false, detail: describe(error, url) });
      return report();
    }
    let client: Client;
    try {
      client = await this.#connections.open(url);
      steps.push({
        step: 'bind',
        ok: true,
        detail: this.settings.bind ? `bound as ${this.settings.bind.name}` : 'anonymous (no bind configured)',
      });
    } catch (error) {
      steps.push({ step: 'bind', ok: false, detail: `bind: ${describe(error, url)}` });
      return report();
    }
    try {
      const users = await this.#count(
        client,
        `(&${this.settings.filter ?? ''}${this.settings.usersFilter}(!${this.settings.contactsFilter}))`,
      );
      const contacts = await this.#count(
        client,
        `(&${this.settings.filter ?? ''}${this.settings.contactsFilter})`,
      );
      steps.push({
        step: 'count',
        ok: users + contacts > 0,
        detail: `${counted(users, 'user')}, ${counted(contacts, 'contact')}`,
      });
      const samples: SourceRecord[] = [];
      const controller = new AbortController();
      for (const filter of [
        `(&${this.settings.filter ?? ''}${this.settings.usersFilter}(!${this.settings.contactsFilter}))`,
        `(&${this.settings.filter ?? ''}${this.settings.contactsFilter})`,
      ]) {
        for await (const record of this.#records(
          this.settings.bases[0]!,
          filter,
          undefined,
          controller.signal,
        )) {
          samples.push(record);
          break;
        }
      }
      steps.push({ step: 'sample', ok: samples.length > 0, detail: `${samples.length} sample entries read` });
      return report(users + contacts, samples);
    } catch (error) {
      steps.push({ step: 'count', ok: false, detail: describe(error, url) });
      return report();
    } finally {
      void client.unbind().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#connections.close();
  }

  /** Records under one base, page by page; stops asking for pages as soon as the consumer stops. */
  async *#records(
    base: string,
    filter: string | LdaptsFilter,
    fields: readonly string[] | undefined,
    signal: AbortSignal,
  ): AsyncIterable<SourceRecord> {
    if (this.#closed) throw new SourceError(this.name, 'closed');
    const client = await this.#acquire(signal);
    let healthy = false;
    // An abort while a page is on its way closes the connection, which ends the wait at once.
    const onAbort = (): void => void client.unbind().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const attributes =
      fields === undefined
        ? ['*', this.settings.idAttribute, ...this.#kindAttributes]
        : [...new Set([...fields, this.settings.idAttribute, ...this.#kindAttributes])];
    const options: SearchOptions = {
      scope: 'sub',
      filter,
      attributes,
      explicitBufferAttributes: [this.settings.idAttribute],
      paged: { pageSize: this.settings.pageSize },
      timeLimit: Math.ceil(this.settings.timeoutMs / 1000),
    };
    try {
      for await (const page of client.searchPaginated(base, options)) {
        signal.throwIfAborted();
        for (const entry of page.searchEntries) {
          const record = toRecord(entry, this.settings.idAttribute, this.#contacts);
          if (record) yield record;
          signal.throwIfAborted();
        }
      }
      healthy = true;
    } catch (error) {
      signal.throwIfAborted();
      if (error instanceof ResultCodeError && error.code === 32) {
        healthy = true; // noSuchObject: the base does not exist (yet); nothing under it
        return;
      }
      throw new SourceError(this.name, describe(error, base), { cause: error });
    } finally {
      signal.removeEventListener('abort', onAbort);
      // A consumer that stopped early leaves a paged search open on the server: drop the connection.
      this.#connections.release(client, healthy && !signal.aborted);
    }
  }

  async #acquire(signal: AbortSignal): Promise<Client> {
    try {
      return await this.#connections.acquire(signal);
    } catch (error) {
      signal.throwIfAborted();
      throw new SourceError(this.name, describe(error, this.settings.urls.join(', ')), { cause: error });
    }
  }

  async #count(client: Client, filter: string): Promise<number> {
    let count = 0;
    for (const base of this.settings.bases) {
      try {
        for await (const page of client.searchPaginated(base, {
          scope: 'sub',
          filter,
          attributes: ['1.1'],
          paged: { pageSize: this.settings.pageSize },
        })) {
          count += page.searchEntries.length;
        }
      } catch (error) {
        if (error instanceof ResultCodeError && error.code === 32) continue;
        throw error;
      }
    }
    return count;
  }

  /** Whether the id attribute holds GUID bytes (AD's objectGUID and the like). */
  #binaryId(): boolean {
    return /guid$/i.test(this.settings.idAttribute);
  }

  /** Opens a socket to the URL (and TLS, verified as configured) without an LDAP operation. */
  #probe(url: string): Promise<string> {
    const parsed = new URL(url);
    const secure = parsed.protocol === 'ldaps:';
    const port = Number(parsed.port || (secure ? 636 : 389));
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const timeout = this.settings.timeoutMs;
    if (this.settings.startTls) {
      // StartTLS needs an LDAP exchange: ldapts does it, verifying the certificate the same way.
      return this.#connections.open(url.replace(/^ldap:/i, 'ldap:')).then(
        (client) => {
          void client.unbind().catch(() => undefined);
          return `${url}: connected, StartTLS certificate verified`;
        },
        (error: unknown) => {
          throw error;
        },
      );
    }
    return new Promise((resolve, reject) => {
      const socket = secure
        ? tlsConnect({ host, port, ...this.#connections.tlsOptions(url) })
        : netConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from ${url} within ${timeout / 1000} s`));
      }, timeout);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve(secure ? `${url}: connected, certificate verified` : `${url}: connected (no TLS)`);
      });
      socket.once('error', (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      });
    });
  }
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

/** An error in words an operator can act on. */
export function describe(error: unknown, where: string): string {
  if (error instanceof ResultCodeError) return `${error.code} ${error.message}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  let host = where;
  try {
    host = new URL(where).hostname;
  } catch {
    // not a URL: a base DN or a list
  }
  if (typeof code === 'string') {
    if (UNTRUSTED.has(code)) return `TLS: certificate for ${host} not trusted: set tls.ca`;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: certificate does not name ${host}`;
    if (code === 'CERT_HAS_EXPIRED') return `TLS: certificate for ${host} has expired`;
    if (code === 'ECONNREFUSED') return `connect: ${where} refused the connection`;
    if (code === 'ENOTFOUND') return `connect: ${host} not found`;
  }
  return errorText(error);
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
