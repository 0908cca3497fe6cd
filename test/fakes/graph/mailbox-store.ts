/**
 * Users' mailboxes as far as contacts go: each has a default Contacts folder and any number of
 * folders below it, each folder a tracked collection of personal contacts (so each folder has its
 * own delta feed, as in Graph). Ids look like Exchange's (`AAMkA…=`), change keys change with every
 * edit. A directory user has no mailbox until a test (or the seed) gives one.
 */
import { randomBytes } from 'node:crypto';
import { NO_ADDRESS, type ContactFolder, type MailContact, type NewMailContact } from './directory-model.js';
import { TrackedCollection } from './tracked-collection.js';

/** An Exchange-style item id: base64 of a store entry id (URL-safe alphabet, so it fits a path). */
export function exchangeId(): string {
  return `AAMkA${randomBytes(45).toString('base64url')}=`;
}

function changeKey(): string {
  return randomBytes(12).toString('base64url');
}

function now(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

export interface MailboxFolder {
  readonly folder: ContactFolder;
  readonly contacts: TrackedCollection<MailContact>;
}

export class Mailbox {
  /** The mailbox root's id: the default Contacts folder's parent. */
  readonly rootId = exchangeId();
  readonly defaultFolderId: string;
  readonly #folders = new Map<string, MailboxFolder>();
  /** Which folder holds each contact. */
  readonly #contactFolders = new Map<string, string>();

  constructor(readonly userId: string) {
    this.defaultFolderId = this.#createFolder('Contacts', this.rootId).id;
  }

  /** The folders under `parentId` (the default folder's children when absent, as `/contactFolders` lists). */
  childFolders(parentId: string = this.defaultFolderId): ContactFolder[] {
    return [...this.#folders.values()]
      .map((entry) => entry.folder)
      .filter((folder) => folder.parentFolderId === parentId);
  }

  folder(id: string): MailboxFolder | undefined {
    return this.#folders.get(id);
  }

  addFolder(displayName: string, parentFolderId: string = this.defaultFolderId): ContactFolder {
    if (!this.#folders.has(parentFolderId)) throw new Error(`No contact folder ${parentFolderId}`);
    return this.#createFolder(displayName, parentFolderId);
  }

  addContact(contact: NewMailContact, folderId: string = this.defaultFolderId): MailContact {
    const target = this.#folders.get(folderId);
    if (target === undefined) throw new Error(`No contact folder ${folderId}`);
    const stamp = now();
    const added = target.contacts.add({
      ...EMPTY_CONTACT,
      ...contact,
      id: contact.id ?? exchangeId(),
      parentFolderId: folderId,
      changeKey: changeKey(),
      createdDateTime: stamp,
      lastModifiedDateTime: stamp,
    });
    this.#contactFolders.set(added.id, folderId);
    return added;
  }

  updateContact(id: string, patch: NewMailContact): MailContact {
    return this.#holder(id).update(id, { ...patch, changeKey: changeKey(), lastModifiedDateTime: now() });
  }

  removeContact(id: string): void {
    this.#holder(id).remove(id, 'deleted');
    this.#contactFolders.delete(id);
  }

  contact(id: string): MailContact | undefined {
    const folderId = this.#contactFolders.get(id);
    return folderId === undefined ? undefined : this.#folders.get(folderId)?.contacts.get(id);
  }

  #holder(contactId: string): TrackedCollection<MailContact> {
    const folderId = this.#contactFolders.get(contactId);
    const holder = folderId === undefined ? undefined : this.#folders.get(folderId);
    if (holder === undefined) throw new Error(`No contact ${contactId} in the mailbox of ${this.userId}`);
    return holder.contacts;
  }

  #createFolder(displayName: string, parentFolderId: string): ContactFolder {
    const folder: ContactFolder = { id: exchangeId(), displayName, parentFolderId };
    this.#folders.set(folder.id, { folder, contacts: new TrackedCollection<MailContact>(exchangeId) });
    return folder;
  }
}

const EMPTY_CONTACT: Omit<
  MailContact,
  'id' | 'parentFolderId' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'
> = {
  categories: [],
  displayName: null,
  givenName: null,
  middleName: null,
  surname: null,
  nickName: null,
  title: null,
  fileAs: null,
  emailAddresses: [],
  imAddresses: [],
  businessPhones: [],
  homePhones: [],
  mobilePhone: null,
  companyName: null,
  department: null,
  jobTitle: null,
  officeLocation: null,
  profession: null,
  businessHomePage: null,
  personalNotes: null,
  businessAddress: NO_ADDRESS,
  homeAddress: NO_ADDRESS,
  otherAddress: NO_ADDRESS,
};

export class MailboxStore {
  readonly #mailboxes = new Map<string, Mailbox>();

  /** The user's mailbox, made (empty, with its default Contacts folder) on first use. */
  ensure(userId: string): Mailbox {
    let mailbox = this.#mailboxes.get(userId);
    if (mailbox === undefined) {
      mailbox = new Mailbox(userId);
      this.#mailboxes.set(userId, mailbox);
    }
    return mailbox;
  }

  get(userId: string): Mailbox | undefined {
    return this.#mailboxes.get(userId);
  }

  get size(): number {
    return this.#mailboxes.size;
  }
}
