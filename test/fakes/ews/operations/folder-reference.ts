/**
 * Resolves a FolderId or DistinguishedFolderId element to a stored folder, with Exchange's errors:
 * a distinguished id resolves in the acting mailbox unless it names another one (`<t:Mailbox>`,
 * delegate access, which needs FullAccess); a mailbox-less caller must name one
 * (ErrorMissingEmailAddress); a malformed id is ErrorInvalidIdMalformed; an id of another mailbox the
 * caller may not open is ErrorAccessDenied. Public folders are open to every caller for reading.
 */
import { ewsErrors, type EwsError } from '../soap/ews-errors.js';
import { attribute, child, childText, type XmlElement } from '../soap/xml-node.js';
import type { StoredFolder } from '../store/folder.js';
import { isWellFormedId } from '../store/ids.js';
import type { OperationContext } from './operation-context.js';

export function resolveFolder(
  context: OperationContext,
  reference: XmlElement,
  notFound: EwsError,
): StoredFolder | EwsError {
  if (reference.name === 'DistinguishedFolderId') return distinguished(context, reference, notFound);
  const id = attribute(reference, 'Id') ?? '';
  if (!isWellFormedId(id)) return ewsErrors.invalidIdMalformed();
  const folder = context.store.folder(id);
  if (folder === undefined) return notFound;
  return mayOpen(context, folder) ? folder : ewsErrors.accessDenied();
}

/** The first folder reference inside a container such as ParentFolderIds or SyncFolderId. */
export function folderReferences(container: XmlElement | undefined): XmlElement[] {
  return (container?.children ?? []).filter(
    (reference) => reference.name === 'FolderId' || reference.name === 'DistinguishedFolderId',
  );
}

/** Whether the caller may read a folder: public, the acting mailbox's, or one it has FullAccess to. */
export function mayOpen(context: OperationContext, folder: StoredFolder): boolean {
  if (folder.owner.kind === 'public') return true;
  return (
    folder.owner.smtp === context.acting.mailbox || context.principal.fullAccess.includes(folder.owner.smtp)
  );
}

function distinguished(
  context: OperationContext,
  reference: XmlElement,
  notFound: EwsError,
): StoredFolder | EwsError {
  const id = attribute(reference, 'Id') ?? '';
  if (id === 'publicfoldersroot')
    return context.store.distinguishedFolder({ kind: 'public' }, id) ?? notFound;
  const named = childText(child(reference, 'Mailbox'), 'EmailAddress')?.toLowerCase();
  const smtp = named ?? context.acting.mailbox;
  if (smtp === undefined) return ewsErrors.missingEmailAddress();
  if (context.store.mailbox(smtp) === undefined) return ewsErrors.nonExistentMailbox();
  const folder = context.store.distinguishedFolder({ kind: 'mailbox', smtp }, id);
  if (folder === undefined) return notFound;
  return mayOpen(context, folder) ? folder : ewsErrors.accessDenied();
}
