/**
 * The change feed of an LDAP-family source, polled: a full listing notes where changes after it
 * begin (the mark), and each poll asks for what changed since, on one connection.
 *
 * A poll reads the changed entries twice: every changed entry under the naming contexts that hold
 * the bases, whatever it is (ids only), and those within the source's scope (whole records). An
 * entry that changed but is no longer in scope (disabled, moved out of the base, its class or a
 * group changed) is a deletion. The backend evaluates the scope, as it does for the full listing,
 * so AD's filters (`objectCategory=person`, the in-chain rule for nested groups) mean exactly what
 * they mean there.
 */
import type { Entry } from 'ldapts';
import { isDescendantOf } from '../../dn/distinguished-name.js';
import type { Filter } from '../../filter/ast.js';
import { MATCH_ALL } from '../../filter/ast.js';
import type { ChangeFeed, FeedItem } from '../change-feed.js';
import type { SourceRecord } from '../source.js';
import type { ChangeMark, MarkRound } from './change-mark.js';
import type { FeedBackend, FeedSession } from './feed-backend.js';
import { entryValues } from './ldap-entry.js';
import { dnKey } from './login-names.js';
import { within } from './source-scope.js';

export interface PolledFeedOptions {
  /** The fields the map reads (all if absent). */
  readonly fields?: readonly string[];
  readonly reconcileEveryMs: number;
}

export class PolledChangeFeed implements ChangeFeed {
  readonly reportsDeletions = false;
  readonly reconcileEveryMs: number;
  readonly ids?: (signal: AbortSignal) => AsyncIterable<string>;
  /** Where changed entries are looked for: the naming contexts holding the bases, read once. */
  #roots: Promise<readonly string[]> | undefined;

  constructor(
    private readonly backend: FeedBackend,
    private readonly mark: ChangeMark,
    private readonly options: PolledFeedOptions,
  ) {
    this.reconcileEveryMs = options.reconcileEveryMs;
    if (mark.idReconciliation) this.ids = (signal) => this.#ids(signal);
  }

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    const session = await this.backend.open(signal);
    let healthy = false;
    try {
      const round = await this.mark.begin(session, undefined, signal);
      for await (const record of this.#records(session, round, undefined, signal))
        yield { kind: 'upsert', record };
      yield* cursorOf(round);
      healthy = true;
    } finally {
      session.release(healthy);
    }
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    const session = await this.backend.open(signal);
    let healthy = false;
    try {
      const round = await this.mark.begin(session, cursor, signal);
      if (round.changed !== undefined) {
        for await (const id of round.deletions?.(signal) ?? []) yield { kind: 'delete', id };
        const changed = await this.#changedIds(session, round, round.changed, signal);
        for await (const record of this.#records(session, round, round.changed, signal)) {
          changed.delete(record.id);
          yield { kind: 'upsert', record };
        }
        for (const id of changed) yield { kind: 'delete', id };
      }
      yield* cursorOf(round, cursor);
      healthy = true;
    } finally {
      session.release(healthy);
    }
  }

  /** Every record id in scope: what reconciliation compares the copy with. */
  async *#ids(signal: AbortSignal): AsyncIterable<string> {
    const session = await this.backend.open(signal);
    let healthy = false;
    try {
      for (const base of this.backend.bases) {
        const search = {
          scope: 'sub',
          filter: this.backend.scope,
          attributes: [this.backend.idAttribute],
        } as const;
        for await (const entry of session.entries(base, search, signal)) {
          const id = this.backend.recordId(entry);
          if (id !== undefined) yield id;
        }
      }
      healthy = true;
    } finally {
      session.release(healthy);
    }
  }

  /** Records in scope under every base, changed since the cursor where `changed` says so. */
  async *#records(
    session: FeedSession,
    round: MarkRound,
    changed: Filter | undefined,
    signal: AbortSignal,
  ): AsyncIterable<SourceRecord> {
    const filter = changed === undefined ? this.backend.scope : within(this.backend.scope, changed);
    const attributes = [...this.backend.recordAttributes(this.options.fields), ...this.mark.attributes];
    for (const base of this.backend.bases) {
      for await (const entry of session.entries(base, { scope: 'sub', filter, attributes }, signal)) {
        round.see(entry);
        const record = this.backend.record(this.#withoutMarks(entry));
        if (record) yield record;
      }
    }
  }

  /** The ids of every entry changed since the cursor, in scope or not. */
  async #changedIds(
    session: FeedSession,
    round: MarkRound,
    changed: Filter,
    signal: AbortSignal,
  ): Promise<Set<string>> {
    const ids = new Set<string>();
    const attributes = [this.backend.idAttribute, ...this.mark.attributes];
    for (const root of await this.#pollRoots(session, signal)) {
      for await (const entry of session.entries(
        root,
        { scope: 'sub', filter: changed, attributes },
        signal,
      )) {
        round.see(entry);
        const id = this.backend.recordId(entry);
        if (id !== undefined) ids.add(id);
      }
    }
    return ids;
  }

  /**
   * The naming context of each base (where an entry moved out of the base is still found), from the
   * root DSE; a base in none of them (or a server that names none) is searched itself.
   */
  #pollRoots(session: FeedSession, signal: AbortSignal): Promise<readonly string[]> {
    this.#roots ??= this.#readRoots(session, signal).catch((error: unknown) => {
      this.#roots = undefined;
      throw error;
    });
    return this.#roots;
  }

  async #readRoots(session: FeedSession, signal: AbortSignal): Promise<readonly string[]> {
    const contexts: string[] = [];
    const search = { scope: 'base', filter: MATCH_ALL, attributes: ['namingContexts'] } as const;
    for await (const entry of session.entries('', search, signal))
      contexts.push(...entryValues(entry, 'namingContexts'));
    const roots = new Map<string, string>();
    for (const base of this.backend.bases) {
      const root = containingContext(base, contexts) ?? base;
      roots.set(safeKey(root), root);
    }
    // A root below another root is searched with it already.
    const keys = [...roots.keys()];
    return [...roots]
      .filter(([key]) => !keys.some((other) => other !== key && isDescendantOf(key, other)))
      .map(([, dn]) => dn);
  }

  /** The entry without the mark's attributes, unless the map reads them. */
  #withoutMarks(entry: Entry): Entry {
    const wanted = this.options.fields?.map((field) => field.toLowerCase());
    const marks = this.mark.attributes
      .map((name) => name.toLowerCase())
      .filter((name) => !(wanted?.includes(name) ?? false));
    if (marks.length === 0) return entry;
    return Object.fromEntries(
      Object.entries(entry).filter(([key]) => !marks.includes(key.toLowerCase())),
    ) as Entry;
  }
}

function* cursorOf(round: MarkRound, previous?: string): Iterable<FeedItem> {
  const cursor = round.end() ?? previous;
  if (cursor !== undefined) yield { kind: 'cursor', cursor };
}

/** The longest naming context a base lies in (or is). */
function containingContext(base: string, contexts: readonly string[]): string | undefined {
  const key = safeKey(base);
  let best: string | undefined;
  for (const context of contexts) {
    const contextKey = safeKey(context);
    if (contextKey !== key && !isDescendantOf(key, contextKey)) continue;
    if (best === undefined || context.length > best.length) best = context;
  }
  return best;
}

/** A DN's comparison key; text that is no DN compares as itself. */
function safeKey(dn: string): string {
  try {
    return dnKey(dn);
  } catch {
    return dn.toLowerCase();
  }
}
