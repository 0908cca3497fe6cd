/**
 * One mailbox's contacts as EWS gives them: its contact folders (the Contacts folder, addressed by
 * its distinguished id since its name follows the mailbox language, and every folder below it
 * whose FolderClass is exactly `IPF.Contact`: Exchange's hidden `IPF.Contact.*` system folders,
 * such as the recipient cache, are no phonebook), each folder's changes by SyncFolderItems from a
 * sync state, and plain FindItem pages for `check` and samples. Every call goes through ewsCall
 * (busy back-off, one sentence per failure).
 */
import {
  BasePropertySet,
  ChangeType,
  FindFoldersResults,
  Folder,
  FolderId,
  FolderSchema,
  FolderTraversal,
  FolderView,
  ItemView,
  PropertySet,
  SyncFolderItemsScope,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { SourceError, type SourceRecord } from '../source.js';
import { ewsCall } from './busy-retry.js';
import { contactPropertySet } from './contact-properties.js';
import { contactRecord, type ContactPlace } from './contact-records.js';
import type { FailureScene } from './ews-failure.js';

export interface ContactFolder {
  readonly id: string;
  readonly name: string;
  /** Items in it, as FindFolder counts them. */
  readonly count: number;
}

export interface ListedContact {
  readonly record: SourceRecord;
  readonly changeKey: string;
}

export type FolderChange =
  | { readonly kind: 'upsert'; readonly record: SourceRecord }
  | { readonly kind: 'delete'; readonly id: string };

/** Exchange's most changes per SyncFolderItems call. */
const MAX_CHANGES = 512;
const FOLDER_PAGE = 500;
const USER_CONTACT_FOLDER = 'IPF.Contact';
const FOLDER_SHAPE = new PropertySet(BasePropertySet.IdOnly, [
  FolderSchema.DisplayName,
  FolderSchema.FolderClass,
  FolderSchema.TotalCount,
]);

export class MailboxReader {
  readonly #shape = contactPropertySet();

  constructor(
    private readonly source: string,
    private readonly service: ExchangeService,
    /** The listed mailbox (impersonated); undefined: the account's own. */
    readonly mailbox: string | undefined,
    private readonly scene: FailureScene,
  ) {}

  /** The Contacts folder first, then its user contact folders at any depth. */
  async folders(signal: AbortSignal): Promise<ContactFolder[]> {
    const root = await this.#call(
      () => Folder.Bind(this.service, WellKnownFolderName.Contacts, FOLDER_SHAPE),
      signal,
    );
    const folders: ContactFolder[] = [
      { id: root.Id.UniqueId, name: root.DisplayName, count: root.TotalCount },
    ];
    const view = new FolderView(FOLDER_PAGE, 0);
    view.Traversal = FolderTraversal.Deep;
    view.PropertySet = FOLDER_SHAPE;
    for (;;) {
      const page: FindFoldersResults = await this.#call(
        () => this.service.FindFolders(new FolderId(WellKnownFolderName.Contacts), view),
        signal,
      );
      for (const folder of page.Folders)
        if (folderClassOf(folder) === USER_CONTACT_FOLDER)
          folders.push({ id: folder.Id.UniqueId, name: folder.DisplayName, count: folder.TotalCount });
      const next = nextOffset(page);
      if (next === undefined) return folders;
      view.Offset = next;
    }
  }

  /**
   * A folder's changes since `state` ('' for everything), at most 512 a call, until EWS has no
   * more; returns the new sync state. An invalid state rejects with ErrorInvalidSyncStateData.
   */
  async *changes(
    folder: ContactFolder,
    state: string,
    signal: AbortSignal,
  ): AsyncGenerator<FolderChange, string> {
    const place = this.#place(folder);
    let current = state;
    for (;;) {
      const batch = await this.#call(
        () =>
          this.service.SyncFolderItems(
            new FolderId(folder.id),
            this.#shape,
            [],
            MAX_CHANGES,
            SyncFolderItemsScope.NormalItems,
            current,
          ),
        signal,
      );
      for (const change of batch.GetEnumerator()) {
        if (change.ChangeType === ChangeType.Delete) {
          yield { kind: 'delete', id: change.ItemId.UniqueId };
        } else if (change.ChangeType === ChangeType.Create || change.ChangeType === ChangeType.Update) {
          const record = contactRecord(change.Item, place);
          if (record) yield { kind: 'upsert', record };
        }
      }
      current = batch.SyncState;
      if (!batch.MoreChangesAvailable) return current;
    }
  }

  /** A folder's contacts by FindItem pages (no sync state), at most `limit`: for `check` and `fields`. */
  async *records(folder: ContactFolder, signal: AbortSignal, limit = Infinity): AsyncIterable<SourceRecord> {
    for await (const { record } of this.listing(folder, signal, limit)) yield record;
  }

  /**
   * A folder's contacts by FindItem pages of 500, each with its change key (which changes with
   * every change to the item), at most `limit`.
   */
  async *listing(folder: ContactFolder, signal: AbortSignal, limit = Infinity): AsyncIterable<ListedContact> {
    const place = this.#place(folder);
    let offset = 0;
    let given = 0;
    for (;;) {
      const view = new ItemView(Math.min(FOLDER_PAGE, Math.max(1, limit - given)), offset);
      view.PropertySet = this.#shape;
      const page = await this.#call(() => this.service.FindItems(new FolderId(folder.id), view), signal);
      for (const item of page.Items) {
        const record = contactRecord(item, place);
        if (!record) continue;
        yield { record, changeKey: item.Id.ChangeKey };
        if (++given >= limit) return;
      }
      const next = nextOffset(page);
      if (next === undefined) return;
      offset = next;
    }
  }

  /**
   * A public folder by its path below the public folder root (`Shared Contacts/Partners`), each
   * level found by FindFolder (deep traversal is refused on public folders). Undefined when a
   * level is missing; a SourceError when the folder is not a contacts folder.
   */
  async publicFolder(path: string, signal: AbortSignal): Promise<ContactFolder | undefined> {
    let parent = new FolderId(WellKnownFolderName.PublicFoldersRoot);
    let found: Folder | undefined;
    for (const name of path.split('/').filter((part) => part !== '')) {
      found = await this.#child(parent, name, signal);
      if (found === undefined) return undefined;
      parent = new FolderId(found.Id.UniqueId);
    }
    if (found === undefined) return undefined;
    const folderClass = folderClassOf(found);
    if (folderClass !== USER_CONTACT_FOLDER)
      throw new SourceError(
        this.source,
        `public folder ${path} holds ${folderClass ?? 'no folder class'} items, not contacts (IPF.Contact)`,
      );
    return { id: found.Id.UniqueId, name: path, count: found.TotalCount };
  }

  async #child(parent: FolderId, name: string, signal: AbortSignal): Promise<Folder | undefined> {
    const view = new FolderView(FOLDER_PAGE, 0);
    view.PropertySet = FOLDER_SHAPE;
    for (;;) {
      const page: FindFoldersResults = await this.#call(() => this.service.FindFolders(parent, view), signal);
      const match = page.Folders.find((folder) => folder.DisplayName === name);
      if (match) return match;
      const next = nextOffset(page);
      if (next === undefined) return undefined;
      view.Offset = next;
    }
  }

  #place(folder: ContactFolder): ContactPlace {
    return { ...(this.mailbox === undefined ? {} : { mailbox: this.mailbox }), folder: folder.name };
  }

  #call<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return ewsCall(this.source, this.scene, call, signal);
  }
}

function folderClassOf(folder: Folder): string | undefined {
  try {
    return folder.FolderClass;
  } catch {
    return undefined; // not loaded: not a folder we can tell is a contact folder
  }
}

/** Where the next page starts; undefined after the last (the library's NextPageOffset is then null). */
function nextOffset(page: { MoreAvailable: boolean; NextPageOffset: number }): number | undefined {
  const offset = page.NextPageOffset as number | null;
  return page.MoreAvailable && offset !== null ? offset : undefined;
}
