/**
 * FindFolder (FindFolders): the subfolders of each parent, Shallow (children) or Deep (the whole
 * subtree, depth first), optionally filtered by a Restriction (on FolderClass or DisplayName), paged
 * by IndexedPageFolderView. Hidden system folders are listed too, with their FolderClass, as
 * Exchange lists them. Deep traversal of public folders is refused with the
 * error Exchange gives ("Deep traversal queries are not allowed on public folders.").
 */
import { responseEnvelope } from '../soap/envelope.js';
import { ewsErrors, isEwsError } from '../soap/ews-errors.js';
import { errorMessage, operationResponse, successMessage } from '../soap/response-message.js';
import { attribute, child } from '../soap/xml-node.js';
import { folderValue } from '../query/folder-values.js';
import { restrictionPredicate } from '../query/restriction.js';
import { parseShape } from '../shape/shape.js';
import { isPublic, type StoredFolder } from '../store/folder.js';
import { folderReferences, mayOpen, resolveFolder } from './folder-reference.js';
import { renderFolder } from './get-folder.js';
import { indexedPage, rootFolderXml } from './indexed-paging.js';
import type { OperationContext, OperationHandler } from './operation-context.js';

export const findFolder: OperationHandler = (context, request) => {
  const deep = attribute(request, 'Traversal') === 'Deep';
  const shape = parseShape(child(request, 'FolderShape'));
  const view = child(request, 'IndexedPageFolderView');
  const restriction = child(request, 'Restriction');
  const filter = restriction === undefined ? () => true : restrictionPredicate(restriction, folderValue);
  const messages = folderReferences(child(request, 'ParentFolderIds')).map((reference) => {
    const parent = resolveFolder(context, reference, ewsErrors.folderNotFound());
    if (isEwsError(parent)) return errorMessage('FindFolder', parent);
    if (deep && isPublic(parent)) return errorMessage('FindFolder', ewsErrors.deepTraversalOnPublicFolders());
    if (isEwsError(filter)) return errorMessage('FindFolder', filter);
    const folders = (deep ? subtree(context, parent) : context.store.childFolders(parent.id)).filter(
      (folder) => mayOpen(context, folder) && filter(folder),
    );
    const page = indexedPage(folders, view, context.limits.findCountLimit);
    const content = page.entries.map((folder) => renderFolder(context, folder, shape)).join('');
    return successMessage('FindFolder', rootFolderXml(page, 'Folders', content));
  });
  return {
    status: 200,
    body: responseEnvelope(operationResponse('FindFolder', messages), context.serverVersion),
  };
};

function subtree(context: OperationContext, parent: StoredFolder): StoredFolder[] {
  return context.store.childFolders(parent.id).flatMap((folder) => [folder, ...subtree(context, folder)]);
}
