/**
 * The mailboxes and the public folder tree: folders, contacts and every change to them. Each change
 * takes the next change number and a tick of a deterministic clock, so change keys, timestamps and
 * the order SyncFolderItems reports changes in are the same on every run.
 */
import type { ContactData, StoredContact } from './contact.js';
import {
  OWNER_RIGHTS,
  REVIEWER_RIGHTS,
  type EffectiveRights,
  type FolderOwner,
  type StoredFolder,
} from './folder.js';
import { folderChangeKey, itemChangeKey, makeId } from './ids.js';
import { contactsFolderName, topOfInformationStoreName, type MailboxLanguage } from './localized-names.js';

export interface Mailbox {
  readonly smtp: string;
  readonly displayName: string;
  readonly language: MailboxLanguage;
  readonly rootId: string;
  readonly msgFolderRootId: string;
  readonly contactsId: string;
}

export interface MailboxSpec {
  readonly smtp: string;
  readonly displayName?: string;
  readonly language?: MailboxLanguage;
  /** The hidden IPF.Contact.* folders Exchange 2013+ keeps under Contacts (default true). */
  readonly systemContactFolders?: boolean;
  /** Fixed ids, to replay captured responses byte for byte. */
  readonly ids?: {
    readonly msgFolderRoot?: string;
    readonly msgFolderRootChangeKey?: string;
    readonly contacts?: string;
    readonly contactsChangeKey?: string;
  };
}

export interface FolderSpec {
  readonly displayName: string;
  readonly folderClass?: string;
  readonly hidden?: boolean;
  readonly distinguishedId?: string;
  readonly rights?: EffectiveRights;
  readonly id?: string;
  readonly changeKey?: string;
}

export interface ContactOptions {
  readonly id?: string;
  readonly changeKey?: string;
}

/** Under Contacts in every Exchange 2013+ mailbox; EWS lists them with FindFolder. */
const SYSTEM_CONTACT_FOLDERS: readonly FolderSpec[] = [
  {
    displayName: 'Recipient Cache',
    folderClass: 'IPF.Contact.RecipientCache',
    hidden: true,
    distinguishedId: 'recipientcache',
  },
  {
    displayName: '{06967759-274D-40B2-A3EB-D7F9E73727D7}',
    folderClass: 'IPF.Contact.MOC.QuickContacts',
    hidden: true,
    distinguishedId: 'quickcontacts',
  },
  {
    displayName: '{A9E2BC46-B3A0-4243-B315-60D991004455}',
    folderClass: 'IPF.Contact.MOC.ImContactList',
    hidden: true,
    distinguishedId: 'imcontactlist',
  },
  { displayName: 'Companies', folderClass: 'IPF.Contact.Company', hidden: true },
  { displayName: 'GAL Contacts', folderClass: 'IPF.Contact.GalContacts', hidden: true },
  { displayName: 'Organizational Contacts', folderClass: 'IPF.Contact.OrganizationalContacts', hidden: true },
];

const CLOCK_START = Date.UTC(2024, 0, 15, 8, 0, 0);
const PUBLIC_OWNER_ORDINAL = 0;

export class MailboxStore {
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly ordinals = new Map<string, number>();
  private readonly folders = new Map<string, StoredFolder>();
  private readonly childIds = new Map<string, string[]>();
  private readonly items = new Map<string, StoredContact>();
  private readonly itemIds = new Map<string, string[]>();
  private readonly deletions = new Map<string, Map<string, number>>();
  private readonly serials = new Map<number, number>();
  private changeNumber = 0;
  readonly publicRootId: string;

  constructor() {
    this.publicRootId = this.insertFolder({ kind: 'public' }, undefined, {
      displayName: 'IPM_SUBTREE',
      distinguishedId: 'publicfoldersroot',
      rights: REVIEWER_RIGHTS,
    }).id;
  }

  addMailbox(spec: MailboxSpec): Mailbox {
    const smtp = spec.smtp.toLowerCase();
    if (this.ordinals.has(smtp)) throw new Error(`mailbox ${smtp} exists already`);
    this.ordinals.set(smtp, this.ordinals.size + 1);
    const language = spec.language ?? 'en-US';
    const owner: FolderOwner = { kind: 'mailbox', smtp };
    const root = this.insertFolder(owner, undefined, { displayName: '', distinguishedId: 'root' });
    const top = this.insertFolder(owner, root.id, {
      displayName: topOfInformationStoreName(language),
      folderClass: 'IPF.Note',
      distinguishedId: 'msgfolderroot',
      id: spec.ids?.msgFolderRoot,
      changeKey: spec.ids?.msgFolderRootChangeKey,
    });
    const contacts = this.insertFolder(owner, top.id, {
      displayName: contactsFolderName(language),
      folderClass: 'IPF.Contact',
      distinguishedId: 'contacts',
      id: spec.ids?.contacts,
      changeKey: spec.ids?.contactsChangeKey,
    });
    if (spec.systemContactFolders ?? true) {
      for (const system of SYSTEM_CONTACT_FOLDERS) this.insertFolder(owner, contacts.id, system);
    }
    const mailbox: Mailbox = {
      smtp,
      displayName: spec.displayName ?? smtp,
      language,
      rootId: root.id,
      msgFolderRootId: top.id,
      contactsId: contacts.id,
    };
    this.mailboxes.set(smtp, mailbox);
    return mailbox;
  }

  mailbox(smtp: string): Mailbox | undefined {
    return this.mailboxes.get(smtp.toLowerCase());
  }

  createFolder(parentId: string, spec: FolderSpec): StoredFolder {
    const parent = this.requireFolder(parentId);
    const rights = spec.rights ?? (parent.owner.kind === 'public' ? REVIEWER_RIGHTS : OWNER_RIGHTS);
    return this.insertFolder(parent.owner, parent.id, { ...spec, rights });
  }

  /** Removes a folder, its subfolders and their items. */
  deleteFolder(folderId: string): void {
    const folder = this.requireFolder(folderId);
    for (const childId of [...(this.childIds.get(folderId) ?? [])]) this.deleteFolder(childId);
    for (const itemId of this.itemIds.get(folderId) ?? []) this.items.delete(itemId);
    this.itemIds.delete(folderId);
    this.folders.delete(folderId);
    if (folder.parentId !== undefined) {
      const siblings = this.childIds.get(folder.parentId) ?? [];
      siblings.splice(siblings.indexOf(folderId), 1);
    }
  }

  folder(id: string): StoredFolder | undefined {
    return this.folders.get(id);
  }

  /** The folder a DistinguishedFolderId names in a mailbox, or in the public tree. */
  distinguishedFolder(owner: FolderOwner, distinguishedId: string): StoredFolder | undefined {
    for (const folder of this.folders.values()) {
      if (folder.distinguishedId !== distinguishedId) continue;
      if (
        owner.kind === 'public'
          ? folder.owner.kind === 'public'
          : folder.owner.kind === 'mailbox' && folder.owner.smtp === owner.smtp
      ) {
        return folder;
      }
    }
    return undefined;
  }

  childFolders(folderId: string): StoredFolder[] {
    return (this.childIds.get(folderId) ?? []).map((id) => this.folders.get(id)!);
  }

  contacts(folderId: string): StoredContact[] {
    return (this.itemIds.get(folderId) ?? []).map((id) => this.items.get(id)!);
  }

  item(id: string): StoredContact | undefined {
    return this.items.get(id);
  }

  /** When each item deleted from a folder went, by change number (for SyncFolderItems' ordering). */
  deletionsIn(folderId: string): ReadonlyMap<string, number> {
    return this.deletions.get(folderId) ?? new Map<string, number>();
  }

  createContact(folderId: string, data: ContactData, options: ContactOptions = {}): StoredContact {
    const folder = this.requireFolder(folderId);
    const changeNumber = this.nextChange();
    const now = this.clock(changeNumber);
    const contact: StoredContact = {
      id: options.id ?? this.newId(folder.owner, 'item'),
      changeKey: options.changeKey ?? itemChangeKey(changeNumber),
      folderId: folder.id,
      data,
      created: now,
      lastModified: now,
      changeNumber,
    };
    if (this.items.has(contact.id)) throw new Error(`item ${contact.id} exists already`);
    this.items.set(contact.id, contact);
    this.listOf(this.itemIds, folder.id).push(contact.id);
    return contact;
  }

  /** Merges `patch` into the contact; a property set to undefined is removed. */
  updateContact(id: string, patch: ContactData): StoredContact {
    const current = this.requireItem(id);
    const changeNumber = this.nextChange();
    const updated: StoredContact = {
      ...current,
      data: { ...current.data, ...patch },
      changeKey: itemChangeKey(changeNumber),
      lastModified: this.clock(changeNumber),
      changeNumber,
    };
    this.items.set(id, updated);
    return updated;
  }

  deleteContact(id: string): void {
    const contact = this.requireItem(id);
    this.items.delete(id);
    const siblings = this.itemIds.get(contact.folderId) ?? [];
    siblings.splice(siblings.indexOf(id), 1);
    let deleted = this.deletions.get(contact.folderId);
    if (deleted === undefined) this.deletions.set(contact.folderId, (deleted = new Map<string, number>()));
    deleted.set(id, this.nextChange());
  }

  /** Moves a contact to another folder. As with EWS MoveItem, the moved item gets a new id. */
  moveContact(id: string, targetFolderId: string): StoredContact {
    const contact = this.requireItem(id);
    this.requireFolder(targetFolderId);
    this.deleteContact(id);
    return this.createContact(targetFolderId, contact.data);
  }

  private insertFolder(owner: FolderOwner, parentId: string | undefined, spec: FolderSpec): StoredFolder {
    const folder: StoredFolder = {
      id: spec.id ?? this.newId(owner, 'folder'),
      changeKey: spec.changeKey ?? folderChangeKey(this.nextChange()),
      parentId,
      owner,
      displayName: spec.displayName,
      folderClass: spec.folderClass,
      distinguishedId: spec.distinguishedId,
      hidden: spec.hidden ?? false,
      rights: spec.rights ?? (owner.kind === 'public' ? REVIEWER_RIGHTS : OWNER_RIGHTS),
    };
    if (this.folders.has(folder.id)) throw new Error(`folder ${folder.id} exists already`);
    this.folders.set(folder.id, folder);
    if (parentId !== undefined) this.listOf(this.childIds, parentId).push(folder.id);
    return folder;
  }

  private newId(owner: FolderOwner, kind: 'folder' | 'item'): string {
    const ordinal = owner.kind === 'public' ? PUBLIC_OWNER_ORDINAL : this.ordinals.get(owner.smtp)!;
    const serial = (this.serials.get(ordinal) ?? 0) + 1;
    this.serials.set(ordinal, serial);
    return makeId(owner.kind === 'public' ? 'public' : 'mailbox', kind, ordinal, serial);
  }

  private nextChange(): number {
    return ++this.changeNumber;
  }

  /** One minute per change from a fixed start, so timestamps are reproducible. */
  private clock(changeNumber: number): Date {
    return new Date(CLOCK_START + changeNumber * 60_000);
  }

  private listOf(lists: Map<string, string[]>, key: string): string[] {
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = []));
    return list;
  }

  private requireFolder(id: string): StoredFolder {
    const folder = this.folders.get(id);
    if (folder === undefined) throw new Error(`no folder ${id}`);
    return folder;
  }

  private requireItem(id: string): StoredContact {
    const item = this.items.get(id);
    if (item === undefined) throw new Error(`no item ${id}`);
    return item;
  }
}
