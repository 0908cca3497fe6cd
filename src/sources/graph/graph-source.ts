/**
 * The `graph` source: Microsoft 365's users and organisational contacts through Microsoft Graph,
 * served from a replica that delta queries keep up to date (graph-delta-feed.ts). With
 * `signOn: ropc`, binds as `user@<upnSuffix>` are checked by Entra ID (ropc-sign-on.ts).
 */
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import type { ChangeFeed } from '../change-feed.js';
import { checkReport } from '../check-report.js';
import type { SourceLogger } from '../source-descriptor.js';
import type {
  AuthVerdict,
  CheckReport,
  CheckStep,
  FieldInfo,
  LoginRef,
  Source,
  SourceCapabilities,
  SourceQuery,
  SourceRecord,
} from '../source.js';
import { SourceError } from '../source.js';
import { AppTokens } from './app-tokens.js';
import { GraphApi } from './graph-api.js';
import { graphCollections, type GraphCollection, type GraphItem } from './graph-collections.js';
import { GraphDeltaFeed } from './graph-delta-feed.js';
import {
  DERIVED_FIELDS,
  MAILBOX_CONTACT_PROPERTIES,
  ORG_CONTACT_PROPERTIES,
  USER_PROPERTIES,
} from './graph-properties.js';
import type { GraphSourceSettings } from './graph-settings.js';
import { MailboxContacts } from './mailbox-contacts.js';
import { userRecord } from './graph-records.js';
import { RopcSignOn } from './ropc-sign-on.js';

const CAPABILITIES: SourceCapabilities = { modes: ['replica'], filterPushdown: false, signOn: false };
/** Items `fields()` samples per collection. */
const FIELD_SAMPLE = 200;

export class GraphSource implements Source {
  readonly name: string;
  readonly kind = 'both' as const;
  readonly capabilities: SourceCapabilities;
  readonly #dispatcher: Agent;
  readonly #tokens: AppTokens;
  readonly #api: GraphApi;
  readonly #timers: NodeJS.Timeout[] = [];
  #feed: { readonly key: string; readonly feed: ChangeFeed } | undefined;
  #mailboxes: MailboxContacts | undefined;
  readonly #signOn: RopcSignOn | undefined;

  constructor(
    readonly settings: GraphSourceSettings,
    private readonly logger?: SourceLogger,
  ) {
    this.name = settings.name;
    this.capabilities = { ...CAPABILITIES, signOn: settings.signOn !== undefined };
    this.#dispatcher = new Agent({
      connect: settings.ca === undefined ? {} : { ca: [...rootCertificates, settings.ca] },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
    this.#tokens = new AppTokens(
      {
        source: settings.name,
        tokenUrl: settings.tokenUrl,
        clientId: settings.clientId,
        credential: settings.credential,
        scope: settings.scope,
        timeoutMs: settings.timeoutMs,
      },
      this.#dispatcher,
    );
    this.#api = new GraphApi(
      settings.name,
      settings.graphUrl,
      this.#tokens,
      this.#dispatcher,
      settings.timeoutMs,
    );
    this.#signOn = this.#ropc();
  }

  resolveLogin(name: string): Promise<LoginRef | undefined> {
    return Promise.resolve(this.#signOn?.resolveLogin(name));
  }

  loginKey(name: string): Promise<string | undefined> {
    return Promise.resolve(this.#signOn?.loginKey(name));
  }

  async loginOfRecord(recordId: string, signal: AbortSignal): Promise<LoginRef | undefined> {
    return this.#signOn?.loginOfRecord(recordId, signal);
  }

  async authenticate(login: LoginRef, password: string, signal: AbortSignal): Promise<AuthVerdict> {
    if (!this.#signOn)
      return {
        ok: false,
        code: 'unwillingToPerform',
        diagnostic: `source ${this.name} does not sign users on`,
      };
    return this.#signOn.authenticate(login, password, signal);
  }

  /** Sign-on with `signOn: ropc`: what it asks of Graph goes through the app's client. */
  #ropc(): RopcSignOn | undefined {
    const { signOn, users, usersFilter } = this.settings;
    if (!signOn) return undefined;
    return new RopcSignOn(this.name, signOn, this.#dispatcher, {
      userPrincipalName: async (id, signal) => {
        try {
          const user = await this.#api.get(
            `/users/${encodeURIComponent(id)}?$select=userPrincipalName`,
            {},
            signal,
          );
          return typeof user.userPrincipalName === 'string' ? user.userPrincipalName : undefined;
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      // Every user served as Graph has it: the id is all Who am I? needs, and nothing is asked.
      servedRecord: (id, signal) =>
        users && usersFilter === undefined ? Promise.resolve(userRecord({ id })) : this.get(id, signal),
    });
  }

  changeFeed(fields?: readonly string[]): ChangeFeed {
    const key = JSON.stringify(fields ?? null);
    if (this.#feed?.key !== key)
      this.#feed = {
        key,
        feed: new GraphDeltaFeed(
          this.name,
          this.#api,
          graphCollections(this.settings, fields),
          { reconcileEveryMs: this.settings.reconcileIntervalMs },
          this.#mailboxContacts(),
        ),
      };
    return this.#feed.feed;
  }

  /** A replica asks for a delta round every `changeInterval`. */
  onChange(listener: () => void): void {
    const timer = setInterval(listener, this.settings.changeIntervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Every record, by plain listing (the replica uses the delta feed instead). */
  async *search(query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    for (const collection of graphCollections(this.settings, query.fields))
      for await (const item of this.#list(collection, signal)) {
        if (!collection.admits(item)) continue;
        const record = collection.record(item);
        if (record) yield record;
      }
    const mailboxes = this.#mailboxContacts();
    if (mailboxes) yield* mailboxes.records(signal);
  }

  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    for (const collection of graphCollections(this.settings, undefined)) {
      let item: GraphItem;
      try {
        item = await this.#api.get(collection.itemPath(id), {}, signal);
      } catch (error) {
        if (isNotFound(error)) continue;
        throw error;
      }
      return collection.admits(item) ? collection.record(item) : undefined;
    }
    return this.#mailboxContacts()?.get(id, signal);
  }

  /** Every property of users (and organisational contacts) with its meaning and how many sampled hold it. */
  async fields(): Promise<FieldInfo[]> {
    const signal = new AbortController().signal;
    const counts = new Map<string, number>();
    let sampled = 0;
    for (const collection of graphCollections(this.settings, undefined)) {
      for await (const item of this.#list(collection, signal, FIELD_SAMPLE)) {
        sampled++;
        for (const name of Object.keys(collection.record(item)?.fields ?? {}))
          counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
    for await (const record of this.#mailboxContacts()?.records(signal, FIELD_SAMPLE) ?? []) {
      sampled++;
      for (const name of Object.keys(record.fields)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const described = new Map<string, string>();
    for (const property of [
      ...USER_PROPERTIES,
      ...(this.settings.orgContacts ? ORG_CONTACT_PROPERTIES : []),
      ...(this.settings.mailboxContacts ? MAILBOX_CONTACT_PROPERTIES : []),
      ...DERIVED_FIELDS,
    ])
      if (!described.has(property.name)) described.set(property.name, property.description);
    for (const name of counts.keys()) if (!described.has(name)) described.set(name, 'returned by Graph');
    return [...described].map(([name, meaning]) => ({
      name,
      count: counts.get(name) ?? 0,
      description: `${meaning}; in ${counts.get(name) ?? 0} of ${sampled} sampled entries`,
    }));
  }

  /** The "import test": a token, then each collection read and counted, and two samples. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = [];
    const signal = new AbortController().signal;
    try {
      await this.#tokens.token();
      steps.push({
        step: 'token',
        ok: true,
        detail: `client credentials accepted by ${new URL(this.settings.tokenUrl).origin}`,
      });
    } catch (error) {
      steps.push({ step: 'token', ok: false, detail: messageOf(error, this.name) });
      return checkReport(this.name, steps);
    }
    let total = 0;
    const samples: SourceRecord[] = [];
    for (const collection of graphCollections(this.settings, undefined)) {
      try {
        const { served, listed, sample } = await this.#count(collection, signal);
        total += served;
        if (sample) samples.push(sample);
        const left = listed - served;
        steps.push({
          step: collection.key,
          ok: true,
          detail: `${served} ${collection.what} served${left > 0 ? ` (${left} left out by usersFilter)` : ''}`,
        });
      } catch (error) {
        steps.push({ step: collection.key, ok: false, detail: messageOf(error, this.name) });
      }
    }
    const mailboxes = await this.#mailboxContacts()?.check(signal);
    if (mailboxes) {
      steps.push(...mailboxes.steps);
      total += mailboxes.count;
      samples.push(...mailboxes.samples);
    }
    const filterStep = await this.#filterStep(signal);
    if (filterStep) steps.push(filterStep);
    if (this.#signOn) steps.push(...(await this.#signOn.checkSteps()));
    steps.push({
      step: 'changes',
      ok: true,
      detail: `delta queries every ${this.settings.changeIntervalMs / 1000} s (Graph may take a few minutes to report a change)`,
    });
    return checkReport(this.name, steps, total, samples);
  }

  /**
   * The users filter sent to Graph once as a query: dirbridge evaluates it itself (delta takes no
   * filter) without knowing the properties' types, so `accountEnabled eq 'true'` would quietly
   * match nobody; Graph's own reading finds that. Graph also refuses filters on properties it
   * cannot filter by, so a refusal is a warning, not a failure.
   */
  async #filterStep(signal: AbortSignal): Promise<CheckStep | undefined> {
    const filter = this.settings.usersFilter;
    if (!filter || !this.settings.users) return undefined;
    const path = `/users?$filter=${encodeURIComponent(filter.text)}&$count=true&$top=1&$select=id`;
    try {
      await this.#api.get(path, { headers: { ConsistencyLevel: 'eventual' } }, signal);
      return {
        step: 'usersFilter',
        ok: true,
        detail: 'Graph reads the filter too (its values have the right types)',
      };
    } catch (error) {
      return {
        step: 'usersFilter',
        ok: true,
        warning: true,
        detail: `Graph refuses the filter as a query (${messageOf(error, this.name)}); dirbridge evaluates it itself, but check that each value has its property's type (true, not 'true')`,
      };
    }
  }

  async close(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#dispatcher.close();
  }

  async #count(
    collection: GraphCollection,
    signal: AbortSignal,
  ): Promise<{ served: number; listed: number; sample?: SourceRecord }> {
    let served = 0;
    let listed = 0;
    let sample: SourceRecord | undefined;
    for await (const item of this.#list(collection, signal)) {
      listed++;
      if (!collection.admits(item)) continue;
      served++;
      sample ??= collection.record(item);
    }
    return { served, listed, ...(sample ? { sample } : {}) };
  }

  /** A collection's items by plain listing, page by page, at most `limit`. */
  async *#list(collection: GraphCollection, signal: AbortSignal, limit = Infinity): AsyncIterable<GraphItem> {
    let link: string | undefined = collection.listStart;
    let given = 0;
    while (link !== undefined) {
      const page = await this.#api.get(link, {}, signal);
      const items = Array.isArray(page.value) ? (page.value as unknown[]) : [];
      for (const item of items) {
        if (typeof item !== 'object' || item === null) continue;
        yield item as GraphItem;
        if (++given >= limit) return;
      }
      const next = page['@odata.nextLink'];
      link = typeof next === 'string' ? next : undefined;
    }
  }

  /** The listed mailboxes' and the group's contacts, when `mailboxContacts` is set: one reader for sync, check and reads. */
  #mailboxContacts(): MailboxContacts | undefined {
    const setting = this.settings.mailboxContacts;
    if (setting === undefined) return undefined;
    this.#mailboxes ??= new MailboxContacts(
      this.name,
      this.#api,
      setting.mailboxes,
      this.logger,
      setting.group,
    );
    return this.#mailboxes;
  }
}

function isNotFound(error: unknown): boolean {
  const cause = error instanceof SourceError ? error.cause : undefined;
  return (cause as { statusCode?: number } | undefined)?.statusCode === 404;
}

/** A source's error without the `source X: ` its message starts with (the report names the source). */
function messageOf(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `source ${source}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
