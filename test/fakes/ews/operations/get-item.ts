/**
 * GetItem (Item.Bind, LoadPropertiesForItems): one response message per ItemId, in request order,
 * each contact in the ItemShape with its dictionaries whole (fixtures/getitem-contacts.*). An unknown
 * id fails alone (ErrorItemNotFound), the others still succeed, as in a real batch.
 */
import { responseEnvelope } from '../soap/envelope.js';
import { ewsErrors } from '../soap/ews-errors.js';
import { errorMessage, operationResponse, successMessage } from '../soap/response-message.js';
import { attribute, child } from '../soap/xml-node.js';
import { storedContactView } from '../shape/contact-view.js';
import { contactXml } from '../shape/contact-xml.js';
import { parseShape } from '../shape/shape.js';
import { isWellFormedId } from '../store/ids.js';
import { mayOpen } from './folder-reference.js';
import type { OperationHandler } from './operation-context.js';

export const getItem: OperationHandler = (context, request) => {
  const shape = parseShape(child(request, 'ItemShape'));
  const ids = (child(request, 'ItemIds')?.children ?? []).filter((element) => element.name === 'ItemId');
  const messages = ids.map((element) => {
    const id = attribute(element, 'Id') ?? '';
    if (!isWellFormedId(id)) return errorMessage('GetItem', ewsErrors.invalidIdMalformed(), '<m:Items/>');
    const contact = context.store.item(id);
    const folder = contact === undefined ? undefined : context.store.folder(contact.folderId);
    if (contact === undefined || folder === undefined)
      return errorMessage('GetItem', ewsErrors.itemNotFound(), '<m:Items/>');
    if (!mayOpen(context, folder)) return errorMessage('GetItem', ewsErrors.accessDenied(), '<m:Items/>');
    const xml = contactXml(storedContactView(contact, folder.changeKey), { shape, summaryOnly: false });
    return successMessage('GetItem', `<m:Items>${xml}</m:Items>`);
  });
  return {
    status: 200,
    body: responseEnvelope(operationResponse('GetItem', messages), context.serverVersion),
  };
};
