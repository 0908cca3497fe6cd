/**
 * The generic LDAP source, live mode: every search is translated (widened, see pushdown-filter.ts),
 * sent to the backend with the paged results control and streamed back page by page, so memory
 * stays constant whatever the directory's size; an identifier lookup, which finds an entry or a
 * few, goes without pages (`#unpaged`). Searches share pooled connections (pooled-connection.ts).
 * Search references are skipped. Filters go to ldapts
 * as filter objects built from the AST (ldapts-filter-objects.ts), never as text it parses again.
 */
import { AndFilter, EqualityFilter, OrFilter, ResultCodeError } from 'ldapts';
import { LRUCache } from 'lru-cache';
import type { Client, Control, Entry, Filter as LdaptsFilter, SearchOptions, SearchResult } from 'ldapts';
import type { ChangeFeed } from '../change-feed.js';
import type { Filter } from '../../filter/ast.js';
import { parseFilter } from '../../filter/parse.js';
import { SourceBusy, SourceError } from '../source.js';
import type {
  AuthVerdict,
  CheckReport,
  CheckStep,
  FieldInfo,
  LoginRef,
  Source,
  SourceCapabilities,
  SourceMode,
  SourceQuery,
  SourceRecord,
} from '../source.js';
import { connectBackend } from './backend-socket.js';
import { decoyLogin } from './decoy-login.js';
import { LdapBindPool } from './ldap-bind-pool.js';
import { toLdaptsFilter } from './ldapts-filter-objects.js';
import { LdapConnections, type ConnectionLogger } from './ldap-connections.js';
import { LookupBatches, type Lookup } from './lookup-batches.js';
import { untilAborted } from './until-aborted.js';
import type { Lease } from './pooled-connection.js';
import {
  DnLoginNames,
  type EntryReader,
  type LoginClaim,
  type LoginNames,
  type ReadEntry,
} from './login-names.js';
import type { ChangeMark } from './change-mark.js';
import type { FeedBackend, FeedSession } from './feed-backend.js';
import { attributesOf, isUuid, matches, recordIdOf, textValues, toRecord, uuidToGuid } from './ldap-entry.js';
import { ModifyTimestampMark } from './modify-timestamp-mark.js';
import { PolledChangeFeed } from './polled-change-feed.js';
import type { LdapSourceSettings } from './ldap-settings.js';
import { PushdownFilter, type PushdownOptions } from './pushdown-filter.js';
import { serverDiagnostic } from './bind-verdict.js';
import { objectClassesOf, readSchemaAttributes } from './schema-attributes.js';
import { sourceScope, within } from './source-scope.js';
import { checkReport } from '../check-report.js';

/** What a search asks the backend: its filter, and the lookup it is, asked without pages (`#unpaged`). */
interface BackendSearch {
  readonly filter: LdaptsFilter;
  readonly lookup?: Lookup;
}

export interface LdapSourceLogger extends ConnectionLogger {
  info(obj: object, msg: string): void;
}

/** What a source type built on this one adds (AD: its login names and bind diagnostics). */
export interface LdapSourceOptions {
  /** Which bind names the source owns; default: DNs below its bases. */
  readonly loginNames?: (context: LoginNamesContext) => LoginNames;
  /** Plain words for a refused bind's diagnostic (AD's `data 52e`), for `dirbridge check`. */
  readonly explainBindError?: (diagnostic: string) => string | undefined;
  /** Modes the type runs in, its default first (replica, then live, for every LDAP-family type). */
  readonly modes?: readonly SourceMode[];
  /** What the backend can be asked in live mode (Domino: names and mail only, no contains). */
  readonly pushdownLimits?: PushdownOptions['limits'];
  /** Entries without the id attribute are identified by their DN (Domino's dominoUNID is optional). */
  readonly dnAsFallbackId?: boolean;
  /** How a replica tells what changed (AD: USNs); default: modifyTimestamp (modify-timestamp-mark.ts). */
  readonly changeMark?: (backend: FeedBackend, logger: LdapSourceLogger | undefined) => ChangeMark;
}

/** How long the entry an account signed on as is remembered (only its DN is shown from it). */
const SIGNED_ON_RECORD_TTL_MS = 10 * 60_000;

/** What a source type's login names may use: the service account's searches and the source's scope. */
export interface LoginNamesContext {
  readonly reader: EntryReader;
  readonly bases: readonly string[];
  /** `(&<filter>(|<users><contacts>))`: the entries the source presents (source-scope.ts). */
  readonly scope: Filter;
}

/** Milliseconds an unused bind connection stays open. */
const BIND_IDLE_MS = 60_000;

/** Entries `fields()` looks at. */
const FIELD_SAMPLE = 200;

/**
 * People above which `check` warns about live mode: every phone search goes to the backend, and
 * widening makes it scan (issue 12: 9 caller-ID lookups/s over 100,000 people, 70/s over 10,000).
 */
export const LIVE_PEOPLE_WARNING = 5_000;

export class LdapSource implements Source {
  readonly name: string;
  readonly kind = 'both' as const;
  readonly capabilities: SourceCapabilities;
  readonly #connections: LdapConnections;
  readonly #bindPool: LdapBindPool | undefined;
  readonly #loginNames: LoginNames;
  readonly #refreshTimers: NodeJS.Timeout[] = [];
  /** Signed-on accounts' records (ids only), so a re-bind costs the backend one bind and no search. */
  readonly #signedOnRecords = new LRUCache<string, SourceRecord>({
    max: 10_000,
    ttl: SIGNED_ON_RECORD_TTL_MS,
  });
  readonly #pushdown: PushdownFilter;
  /** usersFilter and contactsFilter, parsed once (as is `filter`): what tells people's kinds apart. */
  readonly #users: Filter;
  readonly #contacts: Filter;
  /** `(&<filter>(|<users><contacts>))`: what every search is limited to. */
  readonly #scope: Filter;
  /** The scope as ldapts sends it, built once: the whole filter of every unrestricted search. */
  readonly #scopeObject: LdaptsFilter;
  /** A search of everyone the source presents. */
  readonly #everyone: BackendSearch;
  /** The scope's parts as ldapts sends them, which `within` ANDs a search's condition to. */
  readonly #scopeParts: readonly LdaptsFilter[];
  /** The configured filter's condition, if any: ANDed into check's samples of each kind. */
  readonly #configured: Filter | undefined;
  readonly #kindAttributes: readonly string[];
  /** What every search sends alike, built once: the id attribute read as bytes, pages, time limit. */
  readonly #idBuffer: string[];
  readonly #paged: { readonly pageSize: number };
  readonly #timeLimit: number;
  /** The attributes asked for each `fields` array searched (a mount hands the same array for the same fields). */
  readonly #attributesOf = new WeakMap<readonly string[], string[]>();
  #allAttributes: string[] | undefined;
  /** Identifier lookups asked together when they come together (lookup-batches.ts). */
  readonly #lookups: LookupBatches;
  /** Per attributes array asked, what names it in a lookup's batch group. */
  readonly #groupOf = new WeakMap<readonly string[], string>();
  #feed: { readonly key: string; readonly feed: ChangeFeed } | undefined;
  #mark: ChangeMark | undefined;
  #closed = false;

  constructor(
    readonly settings: LdapSourceSettings,
    private readonly logger?: LdapSourceLogger,
    private readonly options: LdapSourceOptions = {},
  ) {
    this.name = settings.name;
    this.capabilities = {
      modes: options.modes ?? ['replica', 'live'],
      filterPushdown: true,
      signOn: settings.signOn,
    };
    const parse = (text: string, key: string): Filter => {
      try {
        return parseFilter(text);
      } catch (error) {
        throw new SourceError(settings.name, `${key}: ${errorText(error)}`, { cause: error });
      }
    };
    this.#configured = settings.filter === undefined ? undefined : parse(settings.filter, 'filter');
    this.#users = parse(settings.usersFilter, 'usersFilter');
    this.#contacts = parse(settings.contactsFilter, 'contactsFilter');
    this.#kindAttributes = attributesOf(this.#contacts);
    this.#scope = sourceScope({
      ...(this.#configured === undefined ? {} : { filter: this.#configured }),
      users: this.#users,
      contacts: this.#contacts,
    });
    try {
      this.#scopeObject = toLdaptsFilter(this.#scope);
      this.#scopeParts =
        this.#scopeObject instanceof AndFilter ? this.#scopeObject.filters : [this.#scopeObject];
      this.#everyone = { filter: this.#scopeObject };
      const scopeParts = this.#scopeParts;
      this.#lookups = new LookupBatches({
        combine: (equalities) =>
          new AndFilter({ filters: [...scopeParts, new OrFilter({ filters: [...equalities] })] }),
        // Refused by the server: each lookup may yet be answered alone. A failed connection fails them all.
        askAlone: (error) => error instanceof SourceError && error.cause instanceof ResultCodeError,
      });
    } catch (error) {
      throw new SourceError(settings.name, `filters: ${errorText(error)}`, { cause: error });
    }
    this.#pushdown = new PushdownFilter({
      ...settings,
      ...(options.pushdownLimits ? { limits: options.pushdownLimits } : {}),
    });
    this.#connections = new LdapConnections(settings, logger);
    this.#idBuffer = [settings.idAttribute];
    this.#paged = { pageSize: settings.pageSize };
    this.#timeLimit = Math.ceil(settings.timeoutMs / 1000);
    const reader: EntryReader = {
      read: (base, scope, filter, attributes, signal) =>
        this.#read(base, scope, this.#ldapts(filter), attributes, signal),
    };
    this.#loginNames =
      options.loginNames?.({ reader, bases: settings.bases, scope: this.#scope }) ??
      new DnLoginNames(settings.bases);
    this.#bindPool = settings.signOn
      ? new LdapBindPool(
          {
            urls: settings.urls,
            startTls: settings.startTls,
            tls: settings.tls,
            size: settings.bindPoolSize,
            timeoutMs: settings.timeoutMs,
            healthIntervalMs: settings.healthIntervalMs,
            idleMs: BIND_IDLE_MS,
          },
          logger,
        )
      : undefined;
    if (settings.plaintextSignOnUrls.length > 0) {
      logger?.warn(
        { source: this.name, urls: settings.plaintextSignOnUrls },
        `allowPlaintextSignOn: users' sign-on passwords are sent in clear to ${settings.plaintextSignOnUrls.join(', ')}`,
      );
    }
    if (!settings.tls.rejectUnauthorized) {
      logger?.warn(
        { source: this.name },
        'tls.rejectUnauthorized is false: backend certificates are not verified (anyone on the path can read the service password)',
      );
    }
  }

  /**
   * The backend filter for a query: the configured scope ANDed with the widened query filter. A
   * filter AST, so tests can read it as text (formatFilter) and compare it with what the backend
   * decodes; `search` hands it to ldapts as filter objects (ldapts-filter-objects.ts).
   */
  backendFilter(query: SourceQuery): Filter {
    const widened = this.#widened(query);
    return widened === undefined ? this.#scope : within(this.#scope, widened);
  }

  /** The query's condition as the backend is asked it (widened), or undefined for none. */
  #widened(query: SourceQuery): Filter | undefined {
    return query.filter === undefined ? undefined : this.#pushdown.translate(query.filter, query.exactFields);
  }

  /**
   * Streams the records the backend finds; the consumer stops it by no longer asking (return). One
   * generator from the backend's pages to the caller: a live search's every record passes through
   * each layer of generators it is yielded by, so there are no more of them than needed.
   */
  search(query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    const backendSearch = (): BackendSearch => {
      const widened = this.#widened(query);
      if (widened === undefined) return this.#everyone;
      const condition = this.#ldapts(widened);
      // backendFilter's `within`, with the scope's parts as built once (ldapts only reads them).
      const filter = new AndFilter({ filters: [...this.#scopeParts, condition] });
      if (widened.type !== 'equality' || !this.#pushdown.isLookup(widened, query.exactFields))
        return { filter };
      return {
        filter,
        lookup: { attribute: widened.attribute, value: widened.value, equality: condition, filter },
      };
    };
    return this.#records(this.settings.bases, backendSearch, query.fields, signal);
  }

  /** A filter as ldapts sends it; one that cannot be sent is the source's error, naming the source. */
  #ldapts(filter: Filter): LdaptsFilter {
    try {
      return toLdaptsFilter(filter);
    } catch (error) {
      throw new SourceError(this.name, errorText(error), { cause: error });
    }
  }

  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    return this.#findById(id, undefined, signal);
  }

  /** One record by its id: a base-scope read when the id is a DN (see `dnAsFallbackId`). */
  #findById(
    id: string,
    fields: readonly string[] | undefined,
    signal: AbortSignal,
  ): Promise<SourceRecord | undefined> {
    if (this.#isDnId(id)) return this.#findOne([id], 'base', this.#scopeObject, fields, signal);
    return this.#findOne(this.settings.bases, 'sub', this.#idFilter(id), fields, signal);
  }

  /** Whether a record id is an entry's DN (ids taken from the id attribute never hold `=`). */
  #isDnId(id: string): boolean {
    return this.options.dnAsFallbackId === true && id.includes('=');
  }

  /** The search filter for one record id, within the source's scope. */
  #idFilter(id: string): LdaptsFilter {
    const guid = isUuid(id) && this.#binaryId() ? uuidToGuid(id) : undefined;
    if (guid === undefined) {
      return this.#ldapts(
        within(this.#scope, { type: 'equality', attribute: this.settings.idAttribute, value: id }),
      );
    }
    // GUID bytes are no text, so no filter AST can hold them: they go to ldapts as a Buffer value,
    // which it writes as they are.
    return new AndFilter({
      filters: [
        this.#scopeObject,
        new EqualityFilter({ attribute: this.settings.idAttribute, value: Buffer.from(guid) }),
      ],
    });
  }

  async resolveLogin(name: string, signal: AbortSignal): Promise<LoginRef | undefined> {
    if (!this.#bindPool) return undefined;
    let claim: LoginClaim | undefined;
    try {
      claim = await this.#loginNames.claim(name, signal);
    } catch (error) {
      signal.throwIfAborted();
      throw new SourceError(
        this.name,
        `cannot tell whether it owns "${name}": ${describe(error, this.settings.urls.join(', '))}`,
        { cause: error },
      );
    }
    if (claim === undefined) return undefined;
    if (claim.notFound) return this.#decoy();
    if (claim.ambiguous !== undefined)
      return { source: this.name, account: name, ambiguous: claim.ambiguous };
    return { source: this.name, account: claim.account };
  }

  /** The throttle's key for a name this source claims by its form alone (LoginNames.key). */
  async loginKey(name: string, signal: AbortSignal): Promise<string | undefined> {
    if (!this.#bindPool || !this.#loginNames.key) return undefined;
    try {
      return await this.#loginNames.key(name, signal);
    } catch (error) {
      signal.throwIfAborted();
      throw new SourceError(
        this.name,
        `cannot tell whether it owns "${name}": ${describe(error, this.settings.urls.join(', '))}`,
        { cause: error },
      );
    }
  }

  /**
   * The login of a presented entry. A presented DN that names no record gets no decoy bind, so the
   * backend never hears of it: its entryUUID is no name anyone guesses (a backend's UUID, or one
   * derived from a DN that a bind with the DN itself would test), and the authenticator refuses it
   * after its own decoy check.
   */
  async loginOfRecord(recordId: string, signal: AbortSignal): Promise<LoginRef | undefined> {
    if (!this.#bindPool) return undefined;
    if (this.#isDnId(recordId)) {
      const record = await this.#findById(recordId, [], signal);
      return record ? { source: this.name, account: recordId, recordId } : undefined;
    }
    for (const base of this.settings.bases) {
      const [entry] = await this.#read(base, 'sub', this.#idFilter(recordId), ['1.1'], signal);
      if (entry) return { source: this.name, account: entry.dn, recordId };
    }
    return undefined;
  }

  /** A login that names nobody, under the first base (decoy-login.ts). */
  #decoy(): LoginRef {
    return decoyLogin(this.name, this.settings.bases[0] ?? '');
  }

  /**
   * Binds as the user on the bind pool and passes the backend's verdict on as it is; after a
   * success, reads the user's record with the service account so the session can present its DN.
   * A decoy login, and a name several people share, are bound as nobody (decoy-login.ts) and
   * refused with the backend's own refusal: they cost the backend what a wrong password costs, and
   * are answered as one is.
   */
  async authenticate(login: LoginRef, password: string, signal: AbortSignal): Promise<AuthVerdict> {
    if (!this.#bindPool)
      return {
        ok: false,
        code: 'unwillingToPerform',
        diagnostic: `source ${this.name} does not sign users on`,
      };
    // Never forwarded: AD answers a name with an empty password as an anonymous success.
    if (password === '') return { ok: false, code: 'invalidCredentials', diagnostic: 'empty password' };
    if (login.decoy) return this.#bindAsNobody(login.account, password);
    if (login.ambiguous !== undefined) {
      // Never bound to the first match: that could sign one person on with another's name. Nor told
      // apart from a wrong password: "the name matches 2 people" would tell anyone that the name
      // exists. Why it was refused is for the operator, in the log (names only, never the password).
      this.logger?.warn(
        { source: this.name, login: login.account, matches: login.ambiguous },
        'ambiguous sign-on name refused',
      );
      return this.#bindAsNobody(this.#decoy().account, password);
    }
    const verdict = await this.#bind(login.account, password);
    if (!verdict.ok) return verdict;
    const record = await this.#accountRecord(login, signal).catch((error: unknown) => {
      this.logger?.warn(
        { source: this.name, account: login.account, err: error },
        "signed on, but the account's entry could not be read",
      );
      return undefined;
    });
    return record ? { ok: true, record } : { ok: true };
  }

  /** One bind on the bind pool; a backend that cannot be reached is named in the diagnostic. */
  async #bind(account: string, password: string): Promise<AuthVerdict> {
    const verdict = await this.#bindPool!.bind(account, password);
    if (verdict.ok || verdict.code !== 'unavailable') return verdict;
    return { ...verdict, diagnostic: `source ${this.name}: ${verdict.diagnostic}` };
  }

  /** A bind as a made-up account (decoy-login.ts), refused as a wrong password is; never a success. */
  async #bindAsNobody(decoyAccount: string, password: string): Promise<AuthVerdict> {
    const verdict = await this.#bind(decoyAccount, password);
    return verdict.ok ? { ok: false, code: 'invalidCredentials', diagnostic: '' } : verdict;
  }

  /** The signed-on account's record, its id only: all the session needs to present its DN. */
  async #accountRecord(login: LoginRef, signal: AbortSignal): Promise<SourceRecord | undefined> {
    const key = login.account.toLowerCase();
    const known = this.#signedOnRecords.get(key);
    if (known) return known;
    const record = await this.#lookUpAccount(login, signal);
    if (record) this.#signedOnRecords.set(key, record);
    return record;
  }

  async #lookUpAccount(login: LoginRef, signal: AbortSignal): Promise<SourceRecord | undefined> {
    if (login.recordId !== undefined) {
      return this.#findById(login.recordId, [], signal);
    }
    const lookup = this.#loginNames.lookup(login.account);
    if (lookup.kind === 'dn') return this.#findOne([lookup.dn], 'base', this.#scopeObject, [], signal);
    const filter = this.#ldapts(within(this.#scope, lookup.filter));
    return this.#findOne(this.settings.bases, 'sub', filter, [], signal);
  }

  /**
   * The first record a search finds, without paging: a paged search left unfinished would cost the
   * pooled connection, and a lookup of one entry needs no pages.
   */
  async #findOne(
    bases: readonly string[],
    scope: 'base' | 'sub',
    filter: LdaptsFilter,
    fields: readonly string[] | undefined,
    signal: AbortSignal,
  ): Promise<SourceRecord | undefined> {
    for (const base of bases) {
      try {
        const { searchEntries } = await this.#withClient(signal, (client) =>
          client.search(base, {
            scope,
            filter,
            attributes: this.#attributes(fields),
            explicitBufferAttributes: [this.settings.idAttribute],
            sizeLimit: 1,
            timeLimit: Math.ceil(this.settings.timeoutMs / 1000),
          }),
        );
        for (const entry of searchEntries) {
          const record = this.#toRecord(entry);
          if (record) return record;
        }
      } catch (error) {
        if (error instanceof SourceBusy) throw error; // even when aborted: see #acquire
        signal.throwIfAborted();
        if (error instanceof ResultCodeError && error.code === 32) continue;
        if (error instanceof SourceError) throw error;
        throw new SourceError(this.name, describe(error, base), { cause: error });
      }
    }
    return undefined;
  }

  /** Entries (DN and text values) from one search with the service account: for naming lookups. */
  async #read(
    base: string,
    scope: 'base' | 'one' | 'sub',
    filter: LdaptsFilter,
    attributes: readonly string[],
    signal: AbortSignal,
  ): Promise<ReadEntry[]> {
    try {
      const { searchEntries } = await this.#withClient(signal, (client) =>
        client.search(base, {
          scope,
          filter,
          attributes: [...attributes],
          sizeLimit: 100,
        }),
      );
      return searchEntries.map((entry) => ({ dn: entry.dn, attributes: textValues(entry) }));
    } catch (error) {
      if (error instanceof ResultCodeError && error.code === 32) return [];
      throw error;
    }
  }

  /**
   * Runs one request on a pooled connection. The connection goes back to the pool when the request
   * succeeded or the server answered it with an LDAP error; anything else may have broken it.
   */
  async #withClient<T>(signal: AbortSignal, request: (client: Client) => Promise<T>): Promise<T> {
    const lease = await this.#acquire(signal);
    let healthy = false;
    try {
      const result = await request(lease.client);
      healthy = true;
      return result;
    } catch (error) {
      healthy = error instanceof ResultCodeError;
      throw error;
    } finally {
      this.#connections.release(lease, healthy);
    }
  }

  /** Fields people hold in a sample, then those the schema allows on them that no sampled entry holds. */
  async fields(): Promise<FieldInfo[]> {
    const counts = new Map<string, number>();
    let seen = 0;
    const controller = new AbortController();
    try {
      const everyone = (): BackendSearch => this.#everyone;
      for await (const record of this.#records(this.settings.bases, everyone, undefined, controller.signal)) {
        for (const name of Object.keys(record.fields)) counts.set(name, (counts.get(name) ?? 0) + 1);
        if (++seen >= FIELD_SAMPLE) break;
      }
    } finally {
      controller.abort();
    }
    const sampled = [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => ({ name, count, description: `in ${count} of ${seen} sampled entries` }));
    const held = new Set([...counts.keys()].map((name) => name.toLowerCase()));
    const allowed = (await this.#schemaFields()).filter((field) => !held.has(field.name.toLowerCase()));
    return [...sampled, ...allowed];
  }

  /** What the schema allows on the classes the users and contacts filters name (none if unreadable). */
  async #schemaFields(): Promise<FieldInfo[]> {
    const classes = [...new Set([...objectClassesOf(this.#users), ...objectClassesOf(this.#contacts)])];
    if (classes.length === 0) return [];
    try {
      const schema = await this.#withClient(new AbortController().signal, (client) =>
        readSchemaAttributes(client, classes),
      );
      if (!schema) return [];
      const description = `allowed by the schema (${classes.join(', ')}), in no sampled entry`;
      return [...schema.must, ...schema.may]
        .sort((a, b) => a.localeCompare(b))
        .map((name) => ({ name, count: 0, description }));
    } catch (error) {
      this.logger?.warn(
        { source: this.name, err: error },
        'the schema could not be read; fields lists sampled ones only',
      );
      return [];
    }
  }

  /** The "import test": connect (TLS verified), bind, count users and contacts, two samples. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = this.#signOnTransport();
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
      steps.push({ step: 'bind', ok: false, detail: `bind: ${this.#describeBind(error, url)}` });
      return report();
    }
    try {
      const { users, contacts } = await this.#countByKind(client);
      steps.push({
        step: 'count',
        ok: users + contacts > 0,
        detail: `${counted(users, 'user')}, ${counted(contacts, 'contact')}`,
      });
      steps.push(...this.#liveAtScale(users + contacts));
      const samples = [
        await this.#sample(this.#users, 'user'),
        await this.#sample(this.#contacts, 'contact'),
      ].filter((record) => record !== undefined);
      steps.push({ step: 'sample', ok: samples.length > 0, detail: `${samples.length} sample entries read` });
      if (this.settings.mode === 'replica') steps.push(await this.#changesStep());
      return report(users + contacts, samples);
    } catch (error) {
      steps.push({ step: 'count', ok: false, detail: describe(error, url) });
      return report();
    } finally {
      void client.unbind().catch(() => undefined);
    }
  }

  /** A warning when the source runs live over more people than live mode serves well. */
  #liveAtScale(people: number): CheckStep[] {
    if (this.settings.mode !== 'live' || people <= LIVE_PEOPLE_WARNING) return [];
    const detail =
      `live mode over ${people} people: every phone search goes to the backend, and accent and ` +
      'number widening make it scan (alice* goes to it as no filter at all, a number as ' +
      '*3*0*5*...): use mode: replica';
    return [{ step: 'mode', ok: true, warning: true, detail }];
  }

  /** How users' passwords travel when they sign on, where they do: a warning when in clear. */
  #signOnTransport(): CheckStep[] {
    if (!this.settings.signOn) return [];
    const plain = this.settings.plaintextSignOnUrls;
    if (plain.length === 0) {
      const how = this.settings.startTls ? 'StartTLS' : 'TLS (ldaps://)';
      return [{ step: 'sign-on', ok: true, detail: `users' passwords are checked over ${how}` }];
    }
    return [
      {
        step: 'sign-on',
        ok: true,
        warning: true,
        detail: `users' passwords are sent in clear to ${plain.join(', ')} (allowPlaintextSignOn)`,
      },
    ];
  }

  /** A replica asks its change feed what changed every `changeInterval`. */
  onChange(listener: () => void): void {
    const timer = setInterval(listener, this.settings.changeIntervalMs);
    timer.unref();
    this.#refreshTimers.push(timer);
  }

  async close(): Promise<void> {
    for (const timer of this.#refreshTimers.splice(0)) clearInterval(timer);
    this.#closed = true;
    await Promise.all([this.#connections.close(), this.#bindPool?.close()]);
  }

  /**
   * Records under each base in turn, page by page; stops asking for pages as soon as the consumer
   * stops. `filter` is built when the first record is asked for, so a filter that cannot be sent
   * fails the iteration, as the search's other errors do.
   *
   * A search shares its connection with others (pooled-connection.ts) for its first page. Before
   * it asks for the next, it keeps the connection to itself if it has had it alone so far. If not,
   * a full page means more to come, and the search starts again on a connection of its own, skipping
   * the entries it has handed on (a page or so, remembered by DN): its cookie may be stale. A short
   * page usually ends the search; when the server sends a cookie all the same, the next page is
   * asked where it is, and if the server refuses it, the search starts again the same way.
   *
   * An identifier lookup is asked without pages (`#unpaged`): the backend does less for it, and it
   * leaves no paged state on the connection.
   */
  async *#records(
    bases: readonly string[],
    backendSearch: () => BackendSearch,
    fields: readonly string[] | undefined,
    signal: AbortSignal,
  ): AsyncIterable<SourceRecord> {
    const { filter, lookup: sought } = backendSearch();
    const search: SearchOptions = {
      scope: 'sub',
      filter,
      attributes: this.#searchAttributes(fields),
      explicitBufferAttributes: this.#idBuffer,
      paged: this.#paged,
      timeLimit: this.#timeLimit,
    };
    const pageSize = this.#paged.pageSize;
    for (const base of bases) {
      if (this.#closed) throw new SourceError(this.name, 'closed');
      signal.throwIfAborted();
      if (sought !== undefined) {
        const entries = await this.#lookUp(base, search, sought, signal);
        if (entries !== undefined) {
          for (const entry of entries) {
            const record = this.#toRecord(entry);
            if (record) yield record;
            signal.throwIfAborted();
          }
          continue;
        }
      }
      let lease = this.#connections.leaseNow() ?? (await this.#acquire(signal));
      /** Whether the server ended the search (with entries or an answer), or the connection failed. */
      let ended = false;
      let broken = false;
      /** Whether the last page was full: the server may hold the rest of the search, half read. */
      let open = false;
      try {
        let pages = lease.client.searchPaginated(base, search);
        /** The pages handed on while the search may yet have to start again, and their entries. */
        let handed: (readonly Entry[])[] | undefined;
        let handedEntries = 0;
        let skip: ReadonlySet<string> | undefined;
        let continuing = false;
        for (;;) {
          let page: IteratorResult<SearchResult>;
          try {
            page = await untilAborted(pages.next(), signal);
          } catch (error) {
            signal.throwIfAborted();
            const refused = error instanceof ResultCodeError;
            if (refused && continuing && !lease.kept && error.code !== 32) {
              // Another search's paged state may have replaced this one's (OpenLDAP's 53).
              lease = await this.#ownConnection(lease, false, signal);
              ({ pages, skip, continuing, handed, handedEntries } = this.#again(lease, base, search, handed));
              continue;
            }
            ended = refused;
            broken = !refused;
            if (refused && error.code === 32) break; // noSuchObject: nothing under it
            throw new SourceError(this.name, describe(error, base), { cause: error });
          }
          if (page.done) break;
          const entries = page.value.searchEntries;
          open = entries.length >= pageSize;
          for (const entry of entries) {
            if (skip?.has(entry.dn)) continue;
            const record = this.#toRecord(entry);
            if (record) yield record;
            signal.throwIfAborted();
          }
          continuing = true;
          if (lease.kept) continue;
          if (lease.alone) {
            lease.keep();
            handed = undefined;
            continue;
          }
          (handed ??= []).push(entries);
          handedEntries += entries.length;
          if (open || handedEntries >= pageSize) {
            lease = await this.#ownConnection(lease, open, signal);
            ({ pages, skip, continuing, handed, handedEntries } = this.#again(lease, base, search, handed));
          }
        }
        ended = true;
      } finally {
        // One stopped early after a full page may have left a paged search open on the server: its
        // connection takes no more searches and closes once those on it end.
        const healthy = ended || (!broken && !open);
        this.#connections.release(lease, healthy && !signal.aborted);
      }
    }
  }

  /**
   * A lookup's entries under one base, asked with others that come at the same time when it can be
   * (lookup-batches.ts), or undefined when the server's size limit cut them short.
   */
  #lookUp(
    base: string,
    options: SearchOptions,
    lookup: Lookup,
    signal: AbortSignal,
  ): Promise<readonly Entry[] | undefined> {
    const send = (filter: LdaptsFilter, sendSignal: AbortSignal): Promise<readonly Entry[] | undefined> =>
      this.#unpaged(base, { ...options, paged: false, filter }, sendSignal);
    const group = `${base}\u0000${lookup.attribute.toLowerCase()}\u0000${this.#group(options.attributes)}`;
    return this.#lookups.find(group, lookup, send, signal);
  }

  /** What names an attributes array in a batch group: the same arrays come back (`#searchAttributes`). */
  #group(attributes: readonly string[] | undefined): string {
    if (attributes === undefined) return '';
    let group = this.#groupOf.get(attributes);
    if (group === undefined) {
      group = attributes.join('\u0000');
      this.#groupOf.set(attributes, group);
    }
    return group;
  }

  /**
   * One search without pages on a leased connection: its entries, none when the base is not there
   * (noSuchObject, 32), or undefined when the server's size limit cut them short: ldapts holds a
   * search's entries until it ends, and reports sizeLimitExceeded (4) only when no size limit was
   * asked (as here); the caller then asks again in pages, which the server's size limit does not cut.
   */
  async #unpaged(
    base: string,
    options: SearchOptions,
    signal: AbortSignal,
  ): Promise<readonly Entry[] | undefined> {
    const lease = this.#connections.leaseNow() ?? (await this.#acquire(signal));
    let healthy = false;
    try {
      const { searchEntries } = await untilAborted(lease.client.search(base, options), signal);
      healthy = true;
      return searchEntries;
    } catch (error) {
      signal.throwIfAborted();
      healthy = error instanceof ResultCodeError;
      if (error instanceof ResultCodeError && error.code === 4) return undefined;
      if (error instanceof ResultCodeError && error.code === 32) return [];
      throw new SourceError(this.name, describe(error, base), { cause: error });
    } finally {
      this.#connections.release(lease, healthy && !signal.aborted);
    }
  }

  /**
   * A connection of the search's own, in place of the shared one it began on; `open`: the server
   * may hold the search's unread pages there, so that connection is closed once its searches end.
   */
  async #ownConnection(lease: Lease, open: boolean, signal: AbortSignal): Promise<Lease> {
    this.#connections.release(lease, !open);
    return this.#acquire(signal, true);
  }

  /** The search begun again on `lease`, skipping the entries of the pages already handed on. */
  #again(
    lease: Lease,
    base: string,
    search: SearchOptions,
    handed: readonly (readonly Entry[])[] | undefined,
  ): {
    pages: AsyncGenerator<SearchResult>;
    skip: ReadonlySet<string>;
    continuing: false;
    handed: undefined;
    handedEntries: 0;
  } {
    const skip = new Set<string>();
    for (const entries of handed ?? []) for (const entry of entries) skip.add(entry.dn);
    const pages = lease.client.searchPaginated(base, search);
    return { pages, skip, continuing: false, handed: undefined, handedEntries: 0 };
  }

  /** Entries of one paged search on `client`, one by one (see `#pages`). */
  async *#pagedEntries(
    client: Client,
    base: string,
    options: SearchOptions,
    controls: readonly Control[],
    signal: AbortSignal,
  ): AsyncIterable<Entry> {
    for await (const page of this.#pages(client, base, options, controls, signal)) {
      for (const entry of page) {
        yield entry;
        signal.throwIfAborted();
      }
    }
  }

  /**
   * The pages of one paged search on `client`, the id attribute (and `binary` ones) read as bytes.
   * An abort while a page is on its way closes the connection, which ends the wait at once. A base
   * that does not exist (yet) holds nothing; other errors are the source's, naming the base.
   */
  async *#pages(
    client: Client,
    base: string,
    options: SearchOptions,
    controls: readonly Control[],
    signal: AbortSignal,
  ): AsyncIterable<readonly Entry[]> {
    const onAbort = (): void => void client.unbind().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const binary = options.explicitBufferAttributes;
    const search: SearchOptions = {
      ...options,
      explicitBufferAttributes:
        binary === undefined || binary.length === 0 ? this.#idBuffer : [this.settings.idAttribute, ...binary],
      paged: this.#paged,
      timeLimit: this.#timeLimit,
    };
    try {
      // A base-scope read (the root DSE, one group) needs no pages; some servers refuse them there.
      const pages =
        options.scope === 'base'
          ? [await client.search(base, { ...search, paged: false }, [...controls])]
          : client.searchPaginated(base, search, [...controls]);
      for await (const page of pages) {
        signal.throwIfAborted();
        yield page.searchEntries;
      }
    } catch (error) {
      signal.throwIfAborted();
      if (error instanceof ResultCodeError && error.code === 32) return; // noSuchObject: nothing under it
      throw new SourceError(this.name, describe(error, base), { cause: error });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** What a replica's change feed searches through (feed-backend.ts). */
  feedBackend(): FeedBackend {
    return {
      name: this.name,
      bases: this.settings.bases,
      scope: this.#scope,
      idAttribute: this.settings.idAttribute,
      open: (signal) => this.#feedSession(signal),
      recordAttributes: (fields) => this.#attributes(fields),
      record: (entry) => this.#toRecord(entry),
      recordId: (entry) => recordIdOf(entry, this.settings.idAttribute, this.options.dnAsFallbackId),
    };
  }

  /**
   * The source's change feed: the type's way of telling what changed (AD's USNs; modifyTimestamp
   * for the others), polled every `changeInterval`, reconciled every `reconcileInterval`.
   */
  changeFeed(fields?: readonly string[]): ChangeFeed {
    const key = JSON.stringify(fields ?? null);
    if (this.#feed?.key !== key) {
      const feed = new PolledChangeFeed(this.feedBackend(), this.#changeMark(), {
        ...(fields === undefined ? {} : { fields }),
        reconcileEveryMs: this.settings.reconcileIntervalMs,
      });
      this.#feed = { key, feed };
    }
    return this.#feed.feed;
  }

  /** The mark this source type tells changes by; one per source, so what it learns is kept. */
  #changeMark(): ChangeMark {
    const backend = this.feedBackend();
    this.#mark ??=
      this.options.changeMark?.(backend, this.logger) ?? new ModifyTimestampMark(backend, this.logger);
    return this.#mark;
  }

  /** check's word on how a replica follows changes, and how deletions reach it. */
  async #changesStep(): Promise<CheckStep> {
    const controller = new AbortController();
    let session: FeedSession | undefined;
    try {
      session = await this.#feedSession(controller.signal);
      return await this.#changeMark().describe(session, controller.signal, {
        changeSeconds: this.settings.changeIntervalMs / 1000,
        reconcileSeconds: this.settings.reconcileIntervalMs / 1000,
      });
    } catch (error) {
      return { step: 'changes', ok: false, detail: errorText(error) };
    } finally {
      session?.release(false);
      controller.abort();
    }
  }

  /** One connection for a round of the change feed. */
  async #feedSession(signal: AbortSignal): Promise<FeedSession> {
    if (this.#closed) throw new SourceError(this.name, 'closed');
    // A connection of its own: its searches page, and some carry controls of their own.
    const lease = await this.#acquire(signal, true);
    const client = lease.client;
    let released = false;
    return {
      entries: (base, search, entrySignal) =>
        this.#pagedEntries(
          client,
          base,
          {
            scope: search.scope,
            filter: this.#ldapts(search.filter),
            attributes: [...search.attributes],
            explicitBufferAttributes: [...(search.binary ?? [])],
          },
          search.controls ?? [],
          entrySignal,
        ),
      refused: (error) => refusal(error),
      release: (healthy) => {
        if (released) return;
        released = true;
        this.#connections.release(lease, healthy && !signal.aborted);
      },
    };
  }

  async #acquire(signal: AbortSignal, exclusive = false): Promise<Lease> {
    try {
      return await this.#connections.acquire(signal, exclusive);
    } catch (error) {
      // Busy even when the signal has fired: the search spent its time limit waiting in the queue.
      if (error instanceof SourceBusy) throw error;
      signal.throwIfAborted();
      throw new SourceError(this.name, describe(error, this.settings.urls.join(', ')), { cause: error });
    }
  }

  /**
   * The people the source presents, told apart as the source tells them (contactsFilter evaluated
   * here): a backend may find `(!(objectClass=contact))` Undefined where it has no such class.
   */
  async #countByKind(client: Client): Promise<{ users: number; contacts: number }> {
    const counts = { users: 0, contacts: 0 };
    const attributes = this.#kindAttributes.length > 0 ? [...this.#kindAttributes] : ['1.1'];
    for (const base of this.settings.bases) {
      try {
        for await (const page of client.searchPaginated(base, {
          scope: 'sub',
          filter: this.#scopeObject,
          attributes,
          paged: { pageSize: this.settings.pageSize },
        })) {
          for (const entry of page.searchEntries) {
            if (matches(this.#contacts, textValues(entry))) counts.contacts++;
            else counts.users++;
          }
        }
      } catch (error) {
        if (error instanceof ResultCodeError && error.code === 32) continue;
        throw error;
      }
    }
    return counts;
  }

  /**
   * The first record of a kind among those the configured filter and the kind's filter find under
   * the first base, for check's samples: `(&<filter><usersFilter>)`, `(&<filter><contactsFilter>)`.
   */
  async #sample(kindFilter: Filter, kind: 'user' | 'contact'): Promise<SourceRecord | undefined> {
    const filters = this.#configured === undefined ? [kindFilter] : [this.#configured, kindFilter];
    const filter = this.#ldapts({ type: 'and', filters });
    const controller = new AbortController();
    try {
      const bases = [this.settings.bases[0]!];
      for await (const record of this.#records(bases, () => ({ filter }), undefined, controller.signal))
        if (record.kind === kind) return record;
      return undefined;
    } finally {
      controller.abort();
    }
  }

  /** A refused service bind, with the backend's reason in words where the source type knows them. */
  #describeBind(error: unknown, url: string): string {
    if (!(error instanceof ResultCodeError)) return describe(error, url);
    const diagnostic = serverDiagnostic(error);
    const meaning = this.options.explainBindError?.(diagnostic);
    const code = /\bdata\s+([0-9a-f]+)\b/i.exec(diagnostic)?.[1];
    if (meaning !== undefined && code !== undefined)
      return `${error.code} data ${code} = ${meaning} (${diagnostic})`;
    return `${error.code} ${diagnostic}`;
  }

  #toRecord(entry: Entry): SourceRecord | undefined {
    return toRecord(entry, this.settings.idAttribute, this.#contacts, this.options.dnAsFallbackId);
  }

  /** What to ask the backend for: the fields wanted (all when absent), the id and what tells the kind. */
  #attributes(fields: readonly string[] | undefined): string[] {
    return fields === undefined
      ? ['*', this.settings.idAttribute, ...this.#kindAttributes]
      : [...new Set([...fields, this.settings.idAttribute, ...this.#kindAttributes])];
  }

  /** `#attributes` for a search's records, kept for each fields array a mount hands its searches. */
  #searchAttributes(fields: readonly string[] | undefined): string[] {
    if (fields === undefined) return (this.#allAttributes ??= this.#attributes(undefined));
    let attributes = this.#attributesOf.get(fields);
    if (attributes === undefined) {
      attributes = this.#attributes(fields);
      this.#attributesOf.set(fields, attributes);
    }
    return attributes;
  }

  /** Whether the id attribute holds GUID bytes (AD's objectGUID and the like). */
  #binaryId(): boolean {
    return /guid$/i.test(this.settings.idAttribute);
  }

  /** Opens a connection to the URL (TLS verified as configured) without an LDAP operation. */
  async #probe(url: string): Promise<string> {
    if (this.settings.startTls) {
      // StartTLS needs an LDAP exchange: ldapts does it, verifying the certificate the same way.
      const client = await this.#connections.open(url);
      void client.unbind().catch(() => undefined);
      return `${url}: connected, StartTLS certificate verified`;
    }
    const socket = await connectBackend(url, this.settings.tls, this.settings.timeoutMs);
    socket.destroy();
    return /^ldaps:/i.test(url) ? `${url}: connected, certificate verified` : `${url}: connected (no TLS)`;
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

/** Whether the server refused a search as not allowed (the cause of a source's error, or the error). */
function refusal(error: unknown): boolean {
  const cause = error instanceof SourceError ? error.cause : error;
  return cause instanceof ResultCodeError && (cause.code === 50 || cause.code === 53);
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
