/**
 * GetFolder (Folder.Bind): one response message per FolderIds entry, each the folder in the
 * requested FolderShape (fixtures/getfolder-contacts.*).
 */
import { responseEnvelope } from '../soap/envelope.js';
import { ewsErrors, isEwsError } from '../soap/ews-errors.js';
import { errorMessage, operationResponse, successMessage } from '../soap/response-message.js';
import { child } from '../soap/xml-node.js';
import { folderXml } from '../shape/folder-xml.js';
import { parseShape, type Shape } from '../shape/shape.js';
import type { StoredFolder } from '../store/folder.js';
import { folderReferences, resolveFolder } from './folder-reference.js';
import type { OperationContext, OperationHandler } from './operation-context.js';

export const getFolder: OperationHandler = (context, request) => {
  const shape = parseShape(child(request, 'FolderShape'));
  const messages = folderReferences(child(request, 'FolderIds')).map((reference) => {
    const folder = resolveFolder(context, reference, ewsErrors.folderNotFound());
    if (isEwsError(folder)) return errorMessage('GetFolder', folder);
    return successMessage('GetFolder', `<m:Folders>${renderFolder(context, folder, shape)}</m:Folders>`);
  });
  return {
    status: 200,
    body: responseEnvelope(operationResponse('GetFolder', messages), context.serverVersion),
  };
};

/** A folder with its counts, as GetFolder and FindFolder write it. */
export function renderFolder(context: OperationContext, folder: StoredFolder, shape: Shape): string {
  return folderXml(
    {
      folder,
      parent: folder.parentId === undefined ? undefined : context.store.folder(folder.parentId),
      totalCount: context.store.contacts(folder.id).length,
      childFolderCount: context.store.childFolders(folder.id).length,
    },
    shape,
  );
}
