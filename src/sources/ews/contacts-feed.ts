/**
 * The ews source's change feed: every listed mailbox's contact folders, each followed by
 * SyncFolderItems from its own sync state. The cursor holds every folder's state,
 * `{ "mailboxes": { "<mailbox>": { "<folder id>": "<sync state>" } } }` (the account's own mailbox
 * under ""), and the engine keeps it with the snapshot.
 *
 * A full load syncs each folder from an empty state (a FindItem load would leave no state, and the
 * first sync would enumerate everything again). A changes round lists the folders again: a new
 * folder is synced from empty (its contacts arrive as creates); a folder that is gone, a mailbox
 * the cursor does not know, or a state Exchange refuses (ErrorInvalidSyncStateData) is a
 * CursorExpired, and the engine loads everything while the old copy serves.
 *
 * A listed mailbox Exchange does not have, or will not let the account impersonate, is left out
 * with one warning, not a failed round: no retry changes it, and failing every round for it would
 * freeze the other mailboxes. It is asked again every round and synced from empty once it answers.
 * One that was read before and now is refused is a CursorExpired: only a full load can tell that
 * its contacts went with it.
 *
 * Public contact folders cannot be synced (Exchange does not support SyncFolderItems on public
 * folders): each is listed by FindItem every round, and the cursor keeps each of its items' change
 * keys under `publicFolders`, `{ "<path>": { "<item id>": "<change key>" } }`, so a round passes on
 * only the contacts whose change key changed and deletes those no longer listed.
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import type { SourceLogger } from '../source-descriptor.js';
import { SourceError } from '../source.js';
import { EwsCallFailed } from './ews-failure.js';
import type { ContactFolder, MailboxReader } from './mailbox-reader.js';

type FolderStates = Record<string, string>;
/** Item id -> change key, for one public folder. */
type ChangeKeys = Record<string, string>;
interface Cursor {
  readonly mailboxes: Record<string, FolderStates>;
  readonly publicFolders: Record<string, ChangeKeys>;
}

/** The public folders a feed lists, by path, and the reader (the account's own) that lists them. */
export interface PublicFolders {
  readonly reader: MailboxReader;
  readonly paths: readonly string[];
}

export class ContactsFeed implements ChangeFeed {
  readonly reportsDeletions = true;

  /** Mailboxes left out and warned about, until they answer again. */
  readonly #refused = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly readers: readonly MailboxReader[],
    private readonly publicFolders?: PublicFolders,
    private readonly logger?: SourceLogger,
  ) {}

  async *full(signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#round(undefined, signal);
  }

  async *changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    yield* this.#round(parseCursor(cursor), signal);
  }

  async *#round(previous: Cursor | undefined, signal: AbortSignal): AsyncIterable<FeedItem> {
    const next: Cursor = { mailboxes: {}, publicFolders: {} };
    for (const reader of this.readers) {
      const key = mailboxKey(reader.mailbox);
      const states = previous?.mailboxes[key];
      if (previous !== undefined && states === undefined)
        throw new CursorExpired(`the replica's cursor holds no sync states for ${describe(reader)}`);
      const folders = await this.#folders(reader, states, signal);
      if (folders === undefined) {
        next.mailboxes[key] = {};
        continue;
      }
      if (states !== undefined) {
        const present = new Set(folders.map((folder) => folder.id));
        for (const id of Object.keys(states))
          if (!present.has(id))
            throw new CursorExpired(
              `a contact folder of ${describe(reader)} is gone: its contacts are listed again`,
            );
      }
      const reached: FolderStates = {};
      for (const folder of folders)
        reached[folder.id] = yield* this.#folder(reader, folder, states?.[folder.id] ?? '', signal);
      next.mailboxes[key] = reached;
    }
    for (const path of this.publicFolders?.paths ?? []) {
      const known = previous?.publicFolders[path];
      if (previous !== undefined && known === undefined)
        throw new CursorExpired(`the replica's cursor holds nothing of public folder ${path}`);
      next.publicFolders[path] = yield* this.#publicFolder(path, known, signal);
    }
    yield { kind: 'cursor', cursor: JSON.stringify(next) };
  }

  /** A public folder listed in full: what is new or changed since `known`, and what is gone. */
  async *#publicFolder(
    path: string,
    known: ChangeKeys | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<FeedItem, ChangeKeys> {
    const { reader } = this.publicFolders!;
    const folder = await reader.publicFolder(path, signal);
    if (folder === undefined) throw new SourceError(this.source, `there is no public folder ${path}`);
    const listed: ChangeKeys = {};
    for await (const { record, changeKey } of reader.listing(folder, signal)) {
      listed[record.id] = changeKey;
      if (known?.[record.id] !== changeKey) yield { kind: 'upsert', record };
    }
    for (const id of Object.keys(known ?? {})) if (!(id in listed)) yield { kind: 'delete', id };
    return listed;
  }

  /** The mailbox's contact folders; undefined for a mailbox Exchange refuses (left out, see above). */
  async #folders(
    reader: MailboxReader,
    states: FolderStates | undefined,
    signal: AbortSignal,
  ): Promise<ContactFolder[] | undefined> {
    const key = mailboxKey(reader.mailbox);
    let folders: ContactFolder[];
    try {
      folders = await reader.folders(signal);
    } catch (error) {
      const refused = error instanceof EwsCallFailed && MAILBOX_REFUSALS.has(error.failure.code ?? '');
      if (!refused || reader.mailbox === undefined) throw error;
      if (states !== undefined && Object.keys(states).length > 0)
        throw new CursorExpired(
          `${stripSource(error.message, this.source)}: its contacts are listed again without it`,
        );
      if (!this.#refused.has(key))
        this.logger?.warn(
          { source: this.source, mailbox: reader.mailbox },
          `${stripSource(error.message, this.source)}; the other mailboxes are served, and ${reader.mailbox} is asked for again every round`,
        );
      this.#refused.add(key);
      return undefined;
    }
    if (this.#refused.delete(key))
      this.logger?.info(
        { source: this.source, mailbox: reader.mailbox },
        `${reader.mailbox ?? 'the mailbox'} answers now: its contacts are served`,
      );
    return folders;
  }

  async *#folder(
    reader: MailboxReader,
    folder: ContactFolder,
    state: string,
    signal: AbortSignal,
  ): AsyncGenerator<FeedItem, string> {
    try {
      return yield* reader.changes(folder, state, signal);
    } catch (error) {
      if (error instanceof EwsCallFailed && error.failure.code === 'ErrorInvalidSyncStateData')
        throw new CursorExpired(
          `Exchange no longer accepts the sync state of folder "${folder.name}" of ${describe(reader)}: everything is listed again`,
        );
      throw error;
    }
  }
}

/** Refusals that concern one listed mailbox, not the account or the server. */
const MAILBOX_REFUSALS = new Set(['ErrorNonExistentMailbox', 'ErrorImpersonateUserDenied']);

/** A source's error without the `source X: ` its message starts with. */
function stripSource(message: string, source: string): string {
  const prefix = `source ${source}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

function mailboxKey(mailbox: string | undefined): string {
  return mailbox?.toLowerCase() ?? '';
}

function describe(reader: MailboxReader): string {
  return reader.mailbox ?? "the account's own mailbox";
}

function parseCursor(cursor: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    // not JSON: not a cursor this feed wrote
  }
  const { mailboxes, publicFolders } = (parsed ?? {}) as { mailboxes?: unknown; publicFolders?: unknown };
  if (!isObject(mailboxes)) throw new CursorExpired("the replica's cursor is not one this source wrote");
  return {
    mailboxes: stringMaps(mailboxes),
    publicFolders: isObject(publicFolders) ? stringMaps(publicFolders) : {},
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ key: { key: string } }`, anything else left out. */
function stringMaps(value: Record<string, unknown>): Record<string, Record<string, string>> {
  const maps: Record<string, Record<string, string>> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!isObject(inner)) continue;
    maps[key] = Object.fromEntries(
      Object.entries(inner).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  return maps;
}
