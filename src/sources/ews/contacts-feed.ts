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
 */
import { CursorExpired, type ChangeFeed, type FeedItem } from '../change-feed.js';
import { EwsCallFailed } from './busy-retry.js';
import type { ContactFolder, MailboxReader } from './mailbox-reader.js';

type FolderStates = Record<string, string>;
type Cursor = Record<string, FolderStates>;

export class ContactsFeed implements ChangeFeed {
  readonly reportsDeletions = true;

  constructor(private readonly readers: readonly MailboxReader[]) {}

  full(signal: AbortSignal): AsyncIterable<FeedItem> {
    return this.#round(undefined, signal);
  }

  changes(cursor: string, signal: AbortSignal): AsyncIterable<FeedItem> {
    return this.#round(parseCursor(cursor), signal);
  }

  async *#round(previous: Cursor | undefined, signal: AbortSignal): AsyncIterable<FeedItem> {
    const next: Cursor = {};
    for (const reader of this.readers) {
      const key = mailboxKey(reader.mailbox);
      const states = previous?.[key];
      if (previous !== undefined && states === undefined)
        throw new CursorExpired(`the replica's cursor holds no sync states for ${describe(reader)}`);
      const folders = await reader.folders(signal);
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
      next[key] = reached;
    }
    yield { kind: 'cursor', cursor: JSON.stringify({ mailboxes: next }) };
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
  const mailboxes = (parsed as { mailboxes?: unknown } | null)?.mailboxes;
  if (typeof mailboxes !== 'object' || mailboxes === null || Array.isArray(mailboxes))
    throw new CursorExpired("the replica's cursor is not one this source wrote");
  const cursorOf: Cursor = {};
  for (const [mailbox, states] of Object.entries(mailboxes as Record<string, unknown>)) {
    if (typeof states !== 'object' || states === null) continue;
    cursorOf[mailbox] = Object.fromEntries(
      Object.entries(states as Record<string, unknown>).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }
  return cursorOf;
}
