/**
 * SyncFolderItems on a contacts folder. No (or an empty) SyncState enumerates the folder as creates;
 * a SyncState from an earlier answer gives the creates, updates and deletes since then. At most
 * MaxChangesReturned (1..512, else a schema-validation fault) per answer, IncludesLastItemInRange
 * false while more remain. Ignored ItemIds are left out and count as synced. An unknown SyncState is
 * ErrorInvalidSyncStateData in the documented shape (empty SyncState, IncludesLastItemInRange true);
 * a public folder is refused (Microsoft does not support SyncFolderItems there).
 */
import { responseEnvelope, escapeAttribute, escapeText } from '../soap/envelope.js';
import { ewsErrors, isEwsError } from '../soap/ews-errors.js';
import { soapFault } from '../soap/fault.js';
import { errorMessage, operationResponse, successMessage } from '../soap/response-message.js';
import { attribute, child, childText } from '../soap/xml-node.js';
import { storedContactView } from '../shape/contact-view.js';
import { contactXml } from '../shape/contact-xml.js';
import { parseShape, type Shape } from '../shape/shape.js';
import { isPublic, type StoredFolder } from '../store/folder.js';
import { afterChanges, folderChanges, type FolderChange } from '../sync/folder-changes.js';
import { folderReferences, resolveFolder } from './folder-reference.js';
import type { OperationContext, OperationHandler, OperationResult } from './operation-context.js';

const MAX_CHANGES = 512;

export const syncFolderItems: OperationHandler = (context, request) => {
  const maxChanges = Number(childText(request, 'MaxChangesReturned'));
  if (!Number.isInteger(maxChanges) || maxChanges < 1 || maxChanges > MAX_CHANGES) {
    return {
      status: 500,
      body: soapFault(
        ewsErrors.schemaValidation(maxChangesViolation(childText(request, 'MaxChangesReturned'))),
      ),
    };
  }
  const reference = folderReferences(child(request, 'SyncFolderId'))[0];
  if (reference === undefined)
    return answer(context, errorMessage('SyncFolderItems', ewsErrors.invalidRequest()));
  const folder = resolveFolder(context, reference, ewsErrors.syncFolderNotFound());
  if (isEwsError(folder)) return answer(context, errorMessage('SyncFolderItems', folder));
  if (isPublic(folder))
    return answer(context, errorMessage('SyncFolderItems', ewsErrors.syncOnPublicFolder()));
  const token = childText(request, 'SyncState') ?? '';
  const state =
    token === '' ? { folderId: folder.id, known: new Map<string, string>() } : context.syncStates.find(token);
  if (state?.folderId !== folder.id) {
    return answer(
      context,
      errorMessage(
        'SyncFolderItems',
        ewsErrors.invalidSyncStateData(),
        '<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>',
      ),
    );
  }
  const ignored = new Set(
    (child(request, 'Ignore')?.children ?? [])
      .map((element) => attribute(element, 'Id'))
      .filter((id) => id !== undefined),
  );
  const pending = folderChanges(
    state.known,
    context.store.contacts(folder.id),
    context.store.deletionsIn(folder.id),
  );
  const skipped = pending.filter((change) => ignored.has(changedId(change)));
  const reportable = pending.filter((change) => !ignored.has(changedId(change)));
  const batch = reportable.slice(0, maxChanges);
  const nextToken = context.syncStates.issue({
    folderId: folder.id,
    known: afterChanges(state.known, [...skipped, ...batch]),
  });
  const shape = parseShape(child(request, 'ItemShape'));
  const changes = batch.map((change) => changeXml(change, folder, shape)).join('');
  return answer(
    context,
    successMessage(
      'SyncFolderItems',
      `<m:SyncState>${escapeText(nextToken)}</m:SyncState>` +
        `<m:IncludesLastItemInRange>${batch.length === reportable.length}</m:IncludesLastItemInRange>` +
        (changes === '' ? '<m:Changes/>' : `<m:Changes>${changes}</m:Changes>`),
    ),
  );
};

function answer(context: OperationContext, message: string): OperationResult {
  return {
    status: 200,
    body: responseEnvelope(operationResponse('SyncFolderItems', [message]), context.serverVersion),
  };
}

function changedId(change: FolderChange): string {
  return change.kind === 'Delete' ? change.id : change.contact.id;
}

function changeXml(change: FolderChange, folder: StoredFolder, shape: Shape): string {
  if (change.kind === 'Delete') {
    return `<t:Delete><t:ItemId Id="${escapeAttribute(change.id)}" ChangeKey="${escapeAttribute(change.changeKey)}"/></t:Delete>`;
  }
  const contact = contactXml(storedContactView(change.contact, folder.changeKey), {
    shape,
    summaryOnly: true,
  });
  return `<t:${change.kind}>${contact}</t:${change.kind}>`;
}

function maxChangesViolation(value: string | undefined): string {
  return (
    "The 'http://schemas.microsoft.com/exchange/services/2006/messages:MaxChangesReturned' element is invalid - " +
    `The value '${value ?? ''}' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:MaxSyncChangesReturnedType' - ` +
    (Number(value) > MAX_CHANGES
      ? `The MaxInclusive constraint failed.`
      : `The MinInclusive constraint failed.`)
  );
}
