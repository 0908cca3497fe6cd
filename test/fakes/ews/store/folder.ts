/**
 * A folder of a mailbox or of the public folder tree. `FolderClass` is what tells a user's contact
 * folder (exactly `IPF.Contact`) from Exchange's hidden system folders under Contacts
 * (`IPF.Contact.RecipientCache`, `IPF.Contact.MOC.QuickContacts`, …), which EWS still lists.
 */
export type FolderOwner = { readonly kind: 'mailbox'; readonly smtp: string } | { readonly kind: 'public' };

/** The EffectiveRights flags EWS reports for a folder, in their element order. */
export interface EffectiveRights {
  readonly createAssociated: boolean;
  readonly createContents: boolean;
  readonly createHierarchy: boolean;
  readonly delete: boolean;
  readonly modify: boolean;
  readonly read: boolean;
  readonly viewPrivateItems: boolean;
}

export const OWNER_RIGHTS: EffectiveRights = {
  createAssociated: true,
  createContents: true,
  createHierarchy: true,
  delete: true,
  modify: true,
  read: true,
  viewPrivateItems: true,
};

/** What an ordinary user ("Reviewer") gets on a public folder. */
export const REVIEWER_RIGHTS: EffectiveRights = {
  createAssociated: false,
  createContents: false,
  createHierarchy: false,
  delete: false,
  modify: false,
  read: true,
  viewPrivateItems: false,
};

export interface StoredFolder {
  readonly id: string;
  readonly changeKey: string;
  readonly parentId: string | undefined;
  readonly owner: FolderOwner;
  readonly displayName: string;
  readonly folderClass: string | undefined;
  /** The DistinguishedFolderId naming this folder (contacts, msgfolderroot, publicfoldersroot, …). */
  readonly distinguishedId: string | undefined;
  readonly hidden: boolean;
  readonly rights: EffectiveRights;
}

/** Exchange serialises a folder by its class: contacts folders (IPF.Contact and IPF.Contact.*) as ContactsFolder. */
export function folderElementName(folder: StoredFolder): string {
  const folderClass = folder.folderClass ?? '';
  if (folderClass === 'IPF.Contact' || folderClass.startsWith('IPF.Contact.')) return 'ContactsFolder';
  if (folderClass === 'IPF.Appointment' || folderClass.startsWith('IPF.Appointment.'))
    return 'CalendarFolder';
  if (folderClass === 'IPF.Task' || folderClass.startsWith('IPF.Task.')) return 'TasksFolder';
  return 'Folder';
}

export function isPublic(folder: StoredFolder): boolean {
  return folder.owner.kind === 'public';
}
