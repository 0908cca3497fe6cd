/**
 * Mailbox contacts (`mailboxContacts`): the personal contacts of the listed mailboxes, folder by
 * folder (mailbox-folders.ts), each folder followed by its own delta query
 * (`/users/{id}/contactFolders/{id}/contacts/delta`, CLOUD-APIS.md §1.2) whose delta link the feed's
 * cursor keeps under the mailbox and the folder. A mailbox's folders are read side by side; its
 * slots (mailbox-slots.ts) keep that to Exchange's 4 requests in flight, and a 429 from other
 * traffic is retried with its Retry-After (graph-api.ts). Contacts are asked for with immutable ids,
 * so one moved to another folder keeps its entry's UUID.
 *
 * A mailbox Graph does not find (404: no such user, no Exchange Online mailbox) is left out with a
 * warning, not a failed round: it is a fact of the tenant that no retry changes, and failing every
 * round for it would freeze the users and the other mailboxes until someone edits the config. It is
 * asked again every round, and read in full once it answers; `check` fails on it, naming it. A
 * mailbox or folder that disappears after it was read is a CursorExpired: only a full listing can
 * tell which contacts went with it. Any other failure (throttling past the retries, a refused
 * permission, a broken connection) fails the round as for users: the copy keeps serving, stale.
 *
 * With `group`, the group's users are mailboxes too, by object id: its transitive user members are
 * read again at the start of every round (one small paged request), so a member who joined is read
 * in full at the next round, and one who left (or whose group is gone) is a CursorExpired, as a
 * mailbox taken out of the config is: only a full listing can tell which contacts went with it. A
 * member without a mail address has no mailbox and is skipped without a request; one with a mail
 * address but no mailbox is skipped with a warning as a listed one is. An unknown group is warned
 * about once and has no members; `check` fails on it.
 */
import { CursorExpired, type FeedItem } from '../change-feed.js';
import type { SourceLogger } from '../source-descriptor.js';
import type { CheckStep, SourceRecord } from '../source.js';
import { SourceError } from '../source.js';
import type { GraphApi, GraphRequestOptions } from './graph-api.js';
import type { GraphItem } from './graph-collections.js';
import { deltaRound, listed } from './graph-pages.js';
import { MAILBOX_CONTACT_SELECTION } from './graph-properties.js';
import { mailboxContactRecord } from './graph-records.js';
import { groupMembers, type GroupMember } from './group-members.js';
import {
  folderPath,
  mailboxFolders,
  mailboxPath,
  missingMailbox,
  missingSentence,
  type ContactFolderRef,
  type MailboxFolders,
} from './mailbox-folders.js';

/** A mailbox read at the last round: its default folder and each folder's delta link. */
export interface MailboxCursor {
  readonly defaultFolder?: string;
  /** Folder id -> the deltaLink its next round starts from. */
  readonly folders: Readonly<Record<string, string>>;
}

/** A mailbox Graph did not find at the last round, and its error code. */
export interface MissingMailbox {
  readonly missing: string;
}

export type MailboxEntry = MailboxCursor | MissingMailbox;
/** Mailbox (as configured) -> where its next round starts. */
export type MailboxCursors = Readonly<Record<string, MailboxEntry>>;

/** Contacts per page of a folder's delta (`Prefer: odata.maxpagesize`; Exchange's default is 10). */
const DELTA_PAGE = 100;
/** Contacts per page of a plain listing. */
const LIST_PAGE = 100;
const SELECT = MAILBOX_CONTACT_SELECTION.join(',');
/** Outlook's ids that survive a move to another folder (outlook-immutable-id). */
const IMMUTABLE_IDS = 'IdType="ImmutableId"';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class MailboxContacts {
  /** Mailboxes found missing (and warned about, once) -> Graph's error code. */
  readonly #missing = new Map<string, string>();
  /** Mailboxes found to repeat another's contacts (warned about once). */
  readonly #repeating = new Set<string>();
  /** The group's members are mailboxes (by object id) too. */
  readonly #members: Set<string> = new Set();
  /** Whether the group was last found missing (warned about once). */
  #groupMissing = false;

  constructor(
    private readonly source: string,
    private readonly api: GraphApi,
    readonly mailboxes: readonly string[],
    private readonly logger?: SourceLogger,
    /** `mailboxContacts.group`: a group's object id, whose transitive user members are mailboxes too. */
    readonly group?: string,
  ) {}

  /** Every contact of every mailbox; returns each mailbox's cursor. */
  async *full(signal: AbortSignal): AsyncGenerator<FeedItem, MailboxCursors> {
    const cursors: Record<string, MailboxEntry> = {};
    const served = new Set<string>();
    for (const mailbox of await this.#current(signal, true)) {
      const { items, cursor } = await this.#read(mailbox, undefined, signal);
      yield* this.#once(mailbox, items, served);
      cursors[mailbox] = cursor;
    }
    return cursors;
  }

  /** What changed in each mailbox since `previous`; a mailbox new to the config is read in full. */
  async *changes(previous: MailboxCursors, signal: AbortSignal): AsyncGenerator<FeedItem, MailboxCursors> {
    const current = await this.#current(signal, true);
    const now = new Set(current);
    // One that served nothing (missing, or an empty Contacts folder) leaves nothing behind.
    const dropped = Object.entries(previous).find(
      ([mailbox, entry]) =>
        !now.has(mailbox) && !('missing' in entry) && Object.keys(entry.folders).length > 0,
    )?.[0];
    if (dropped !== undefined)
      throw new CursorExpired(
        this.group !== undefined && !this.mailboxes.includes(dropped)
          ? `mailbox ${dropped} is no longer a member of group ${this.group}: its contacts must go`
          : `mailbox ${dropped} is no longer in mailboxContacts: its contacts must go`,
      );
    const cursors: Record<string, MailboxEntry> = {};
    const served = new Set<string>();
    for (const mailbox of current) {
      const before = previous[mailbox];
      const { items, cursor } = await this.#read(
        mailbox,
        before === undefined || 'missing' in before ? undefined : before,
        signal,
      );
      yield* this.#once(mailbox, items, served);
      cursors[mailbox] = cursor;
    }
    return cursors;
  }

  /** Every contact by plain listing (no delta), at most `limit`; missing mailboxes are left out. */
  async *records(signal: AbortSignal, limit = Infinity): AsyncGenerator<SourceRecord> {
    let given = 0;
    for (const mailbox of await this.#current(signal)) {
      const found = await this.#folders(mailbox, undefined, signal);
      if ('missing' in found) continue;
      for (const folder of found.folders)
        for await (const item of this.#listFolder(mailbox, folder, signal)) {
          const record = mailboxContactRecord(item, mailbox);
          if (!record) continue;
          yield record;
          if (++given >= limit) return;
        }
    }
  }

  /** One contact by id, from whichever mailbox holds it (contact ids are never GUIDs). */
  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    if (GUID.test(id)) return undefined;
    for (const mailbox of await this.#current(signal)) {
      try {
        const item = await this.api.get(
          `${mailboxPath(mailbox)}/contacts/${encodeURIComponent(id)}?$select=${SELECT}`,
          this.#options(mailbox, {}),
          signal,
        );
        return mailboxContactRecord(item, mailbox);
      } catch (error) {
        if (statusOf(error) === 404 || codeOf(error) === 'ErrorInvalidIdMalformed') continue;
        throw error;
      }
    }
    return undefined;
  }

  /**
   * One step per listed mailbox for `check`: its contacts counted by folder, or why it cannot be
   * read; with `group`, one step for the group: its members, their mailboxes and contacts.
   */
  async check(signal: AbortSignal): Promise<{ steps: CheckStep[]; count: number; samples: SourceRecord[] }> {
    const steps: CheckStep[] = [];
    const samples: SourceRecord[] = [];
    let count = 0;
    for (const mailbox of this.mailboxes) {
      const step = `mailbox ${mailbox}`;
      try {
        const found = await this.#countContacts(mailbox, samples, signal);
        if ('missing' in found) {
          steps.push({ step, ok: false, detail: `${missingSentence(mailbox, found.missing)}.` });
          continue;
        }
        count += found.total;
        steps.push({
          step,
          ok: true,
          detail: `${found.total} contacts served from ${mailbox}${found.counts.length > 0 ? ` (${found.counts.join(', ')})` : ' (its Contacts folder is empty)'}`,
        });
      } catch (error) {
        steps.push({ step, ok: false, detail: `${mailbox}: ${this.#messageOf(error)}` });
      }
    }
    if (this.group !== undefined) {
      const step = `group ${this.group}`;
      try {
        const group = await this.#checkGroup(this.group, samples, signal);
        count += group.count;
        steps.push({ step, ...group.step });
      } catch (error) {
        steps.push({ step, ok: false, detail: `${this.group}: ${this.#messageOf(error)}` });
      }
    }
    return { steps, count, samples };
  }

  /** The group's members counted: how many, how many mailboxes, how many contacts. */
  async #checkGroup(
    group: string,
    samples: SourceRecord[],
    signal: AbortSignal,
  ): Promise<{ step: Omit<CheckStep, 'step'>; count: number }> {
    const found = await groupMembers(this.api, group, false, signal);
    if ('missing' in found)
      return { step: { ok: false, detail: `${groupMissingSentence(group, found.missing)}.` }, count: 0 };
    const listed = this.#listedNames();
    const members = found.members.filter((member) => !isListed(member, listed));
    let mailboxes = 0;
    let contacts = 0;
    const without: string[] = [];
    for (const member of members) {
      if (member.mail === undefined) {
        without.push(member.name);
        continue;
      }
      const counted = await this.#countContacts(member.id, samples, signal);
      if ('missing' in counted) {
        without.push(member.name);
        continue;
      }
      mailboxes++;
      contacts += counted.total;
    }
    const also = found.members.length - members.length;
    return {
      step: {
        ok: true,
        detail:
          `${found.name}: ${found.members.length} user members (nested groups included), ${mailboxes} mailboxes serving ${contacts} contacts` +
          (without.length > 0
            ? `; ${without.length} without an Exchange Online mailbox, left out (${without.slice(0, 5).join(', ')}${without.length > 5 ? ', …' : ''})`
            : '') +
          (also > 0 ? `; ${also} also listed in \`mailboxContacts.mailboxes\`` : ''),
      },
      count: contacts,
    };
  }

  /** A mailbox's contacts counted by folder (and the first as a sample), or why it has none. */
  async #countContacts(
    mailbox: string,
    samples: SourceRecord[],
    signal: AbortSignal,
  ): Promise<MissingMailbox | { total: number; counts: string[] }> {
    const found = await this.#folders(mailbox, undefined, signal);
    if ('missing' in found) return found;
    const counts: string[] = [];
    let total = 0;
    for (const folder of found.folders) {
      let inFolder = 0;
      for await (const item of this.#listFolder(mailbox, folder, signal)) {
        inFolder++;
        if (samples.length === 0) {
          const record = mailboxContactRecord(item, mailbox);
          if (record) samples.push(record);
        }
      }
      total += inFolder;
      counts.push(`${inFolder} in ${folder.name ?? 'the default Contacts folder'}`);
    }
    return { total, counts };
  }

  /**
   * The mailboxes of this round: the listed ones, then the group's members (by object id) that
   * have a mail address and are not listed already (by object id or user principal name).
   */
  async #current(signal: AbortSignal, background = false): Promise<readonly string[]> {
    if (this.group === undefined) return this.mailboxes;
    const found = await groupMembers(this.api, this.group, background, signal);
    if ('missing' in found) {
      if (!this.#groupMissing)
        this.logger?.warn(
          { source: this.source, group: this.group, code: found.missing },
          `${groupMissingSentence(this.group, found.missing)}; the other mailboxes and collections are served, and it is asked for again every round`,
        );
      this.#groupMissing = true;
      this.#members.clear();
      return this.mailboxes;
    }
    if (this.#groupMissing)
      this.logger?.info(
        { source: this.source, group: this.group },
        `group ${this.group} answers now: its members' contacts are read`,
      );
    this.#groupMissing = false;
    const listed = this.#listedNames();
    const members = found.members
      .filter((member) => member.mail !== undefined && !isListed(member, listed))
      .map((member) => member.id);
    this.#members.clear();
    for (const member of members) this.#members.add(member);
    return [...this.mailboxes, ...members];
  }

  #listedNames(): ReadonlySet<string> {
    return new Set(this.mailboxes.map((mailbox) => mailbox.toLowerCase()));
  }

  /**
   * A mailbox's items without the contacts an earlier mailbox of the round served: one mailbox
   * listed twice (by its UPN and by its object id) is served once instead of failing the load
   * with two records of one id. Deletions pass: the later report is the newer.
   */
  #once(mailbox: string, items: readonly FeedItem[], served: Set<string>): FeedItem[] {
    const kept = items.filter((item) => item.kind !== 'upsert' || !served.has(item.record.id));
    for (const item of kept) if (item.kind === 'upsert') served.add(item.record.id);
    if (kept.length < items.length && !this.#repeating.has(mailbox)) {
      this.#repeating.add(mailbox);
      this.logger?.warn(
        { source: this.source, mailbox },
        `mailbox ${mailbox} holds contacts another entry of \`mailboxContacts.mailboxes\` already served (one mailbox listed by two names?): each is served once`,
      );
    }
    return kept;
  }

  /** A mailbox read in full (`previous` undefined) or from its delta links. */
  async #read(
    mailbox: string,
    previous: MailboxCursor | undefined,
    signal: AbortSignal,
  ): Promise<{ items: FeedItem[]; cursor: MailboxEntry }> {
    const found = await this.#folders(mailbox, previous, signal, true);
    if ('missing' in found) return { items: [], cursor: found };
    const current = new Set(found.folders.map((folder) => folder.id));
    if (previous !== undefined && Object.keys(previous.folders).some((id) => !current.has(id)))
      throw new CursorExpired(`a contact folder of mailbox ${mailbox} was removed: its contacts must go`);
    const rounds = await together(
      found.folders.map(
        (folder) => (inner: AbortSignal) =>
          this.#folderRound(mailbox, folder, previous?.folders[folder.id], inner),
      ),
      signal,
    );
    const folders: Record<string, string> = {};
    found.folders.forEach((folder, i) => (folders[folder.id] = rounds[i]!.deltaLink));
    // Deletions first: a contact moved between folders keeps its (immutable) id, and is removed
    // from one folder's delta and added by another's in the same round, in either order.
    const items = rounds.flatMap((round) => round.items);
    return {
      items: [
        ...items.filter((item) => item.kind === 'delete'),
        ...items.filter((item) => item.kind !== 'delete'),
      ],
      cursor: {
        ...(found.defaultFolder === undefined ? {} : { defaultFolder: found.defaultFolder }),
        folders,
      },
    };
  }

  /**
   * The mailbox's folders, or why Graph finds no such mailbox (warned about once). One that was
   * read before and is gone now is a CursorExpired: its contacts must go.
   */
  async #folders(
    mailbox: string,
    previous: MailboxCursor | undefined,
    signal: AbortSignal,
    background = false,
  ): Promise<MailboxFolders | MissingMailbox> {
    let found: MailboxFolders;
    try {
      found = await mailboxFolders(
        this.api,
        mailbox,
        previous?.defaultFolder,
        this.#options(mailbox, { background }),
        signal,
      );
    } catch (error) {
      const missing = missingMailbox(error);
      if (missing === undefined) throw error;
      if (previous !== undefined && Object.keys(previous.folders).length > 0)
        throw new CursorExpired(`mailbox ${mailbox} is gone (404 ${missing}): its contacts must go`);
      if (!this.#missing.has(mailbox))
        this.logger?.warn(
          { source: this.source, mailbox, code: missing },
          `${missingSentence(mailbox, missing, this.#members.has(mailbox) ? this.group : undefined)}; the other mailboxes and collections are served, and it is asked for again every round`,
        );
      this.#missing.set(mailbox, missing);
      return { missing };
    }
    if (this.#missing.delete(mailbox))
      this.logger?.info(
        { source: this.source, mailbox },
        `mailbox ${mailbox} answers now: its contacts are read`,
      );
    return found;
  }

  /** One folder's delta round, gathered: its changes as feed items, and the link the next starts from. */
  async #folderRound(
    mailbox: string,
    folder: ContactFolderRef,
    link: string | undefined,
    signal: AbortSignal,
  ): Promise<{ items: FeedItem[]; deltaLink: string }> {
    const start = link ?? `${folderPath(mailbox, folder.id)}/contacts/delta?$select=${SELECT}`;
    const what = `the contacts of ${mailbox}${folder.name === undefined ? '' : ` in ${folder.name}`}`;
    const round = deltaRound(
      this.api,
      this.source,
      what,
      start,
      this.#options(mailbox, { background: true, delta: true }),
      signal,
    );
    const items: FeedItem[] = [];
    for (;;) {
      const next = await round.next();
      if (next.done === true) return { items, deltaLink: next.value };
      const item = this.#item(mailbox, next.value);
      if (item) items.push(item);
    }
  }

  #item(mailbox: string, contact: GraphItem): FeedItem | undefined {
    const id = contact.id;
    if (typeof id !== 'string' || id === '') return undefined;
    if ('@removed' in contact) return { kind: 'delete', id };
    const record = mailboxContactRecord(contact, mailbox);
    return record ? { kind: 'upsert', record } : undefined;
  }

  #listFolder(mailbox: string, folder: ContactFolderRef, signal: AbortSignal): AsyncGenerator<GraphItem> {
    const path = `${folderPath(mailbox, folder.id)}/contacts?$select=${SELECT}&$top=${LIST_PAGE}`;
    return listed(this.api, path, this.#options(mailbox, {}), signal);
  }

  /**
   * Every request to a mailbox asks for immutable ids (a contact keeps its id, and so its entry its
   * UUID, when it is moved to another folder); a delta round asks for its page size too.
   */
  #options(
    mailbox: string,
    how: { readonly background?: boolean; readonly delta?: boolean },
  ): GraphRequestOptions {
    const prefer = how.delta === true ? `odata.maxpagesize=${DELTA_PAGE}, ${IMMUTABLE_IDS}` : IMMUTABLE_IDS;
    return { mailbox, background: how.background === true, headers: { Prefer: prefer } };
  }

  #messageOf(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `source ${this.source}: `;
    return message.startsWith(prefix) ? message.slice(prefix.length) : message;
  }
}

/**
 * The mailbox cursors in a feed cursor, checked: a shape this feed did not write is a CursorExpired.
 */
export function parseMailboxCursors(value: unknown): MailboxCursors {
  const invalid = (): never => {
    throw new CursorExpired("the replica's cursor holds no valid delta links for mailbox contacts");
  };
  if (!isObject(value)) return invalid();
  for (const entry of Object.values(value)) {
    if (!isObject(entry)) return invalid();
    if ('missing' in entry) {
      if (typeof entry.missing !== 'string') invalid();
      continue;
    }
    const { defaultFolder, folders } = entry;
    if (defaultFolder !== undefined && typeof defaultFolder !== 'string') invalid();
    if (!isObject(folders) || !Object.values(folders).every((link) => typeof link === 'string')) invalid();
  }
  return value as MailboxCursors;
}

function isListed(member: GroupMember, listed: ReadonlySet<string>): boolean {
  return listed.has(member.id.toLowerCase()) || listed.has(member.name.toLowerCase());
}

/** A group Graph did not find, in one sentence naming the setting. */
function groupMissingSentence(group: string, code: string): string {
  return `group ${group} is no group of the tenant (404 ${code}), so no member's contacts are served: check the group's object id in \`mailboxContacts.group\``;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs tasks side by side; the first failure stops the others and is thrown. */
async function together<T>(
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
  signal: AbortSignal,
): Promise<T[]> {
  const stop = new AbortController();
  const inner = AbortSignal.any([signal, stop.signal]);
  return Promise.all(
    tasks.map((task) =>
      task(inner).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    ),
  );
}

function statusOf(error: unknown): number | undefined {
  const cause =
    error instanceof SourceError ? (error.cause as { statusCode?: unknown } | undefined) : undefined;
  return typeof cause?.statusCode === 'number' ? cause.statusCode : undefined;
}

function codeOf(error: unknown): string | undefined {
  const cause = error instanceof SourceError ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
