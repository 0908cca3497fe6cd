/**
 * FindItem on a contacts folder: filtered by a Restriction or a QueryString (AQS), ordered by
 * SortOrder (else in the order the contacts were created), paged by IndexedPageItemView, each contact
 * in the ItemShape with summary properties only (fixtures/finditem-contacts-*).
 */
import { responseEnvelope } from '../soap/envelope.js';
import { ewsErrors, isEwsError, type EwsError } from '../soap/ews-errors.js';
import { errorMessage, operationResponse, successMessage } from '../soap/response-message.js';
import { child, childText, type XmlElement } from '../soap/xml-node.js';
import { storedContactView } from '../shape/contact-view.js';
import { contactXml } from '../shape/contact-xml.js';
import { parseShape } from '../shape/shape.js';
import { contactValue } from '../query/contact-values.js';
import { queryStringPredicate } from '../query/query-string.js';
import { restrictionPredicate, type ContactPredicate } from '../query/restriction.js';
import { sortComparator } from '../query/sort-order.js';
import { folderReferences, resolveFolder } from './folder-reference.js';
import { indexedPage, rootFolderXml } from './indexed-paging.js';
import type { OperationHandler } from './operation-context.js';

export const findItem: OperationHandler = (context, request) => {
  const shape = parseShape(child(request, 'ItemShape'));
  const filter = filterOf(request);
  const comparator = sortComparator(child(request, 'SortOrder'));
  const searching =
    child(request, 'Restriction') !== undefined || child(request, 'QueryString') !== undefined;
  const limit = searching
    ? Math.min(context.limits.searchCountLimit, context.limits.findCountLimit)
    : context.limits.findCountLimit;
  const messages = folderReferences(child(request, 'ParentFolderIds')).map((reference) => {
    const folder = resolveFolder(context, reference, ewsErrors.folderNotFound());
    if (isEwsError(folder)) return errorMessage('FindItem', folder);
    if (isEwsError(filter)) return errorMessage('FindItem', filter);
    const matches = context.store.contacts(folder.id).filter(filter);
    if (comparator !== undefined) matches.sort(comparator);
    const page = indexedPage(matches, child(request, 'IndexedPageItemView'), limit);
    const content = page.entries
      .map((contact) =>
        contactXml(storedContactView(contact, folder.changeKey), { shape, summaryOnly: true }),
      )
      .join('');
    return successMessage('FindItem', rootFolderXml(page, 'Items', content));
  });
  return {
    status: 200,
    body: responseEnvelope(operationResponse('FindItem', messages), context.serverVersion),
  };
};

function filterOf(request: XmlElement): ContactPredicate | EwsError {
  const restriction = child(request, 'Restriction');
  if (restriction !== undefined) return restrictionPredicate(restriction, contactValue);
  const query = childText(request, 'QueryString');
  if (query !== undefined && query !== '') return queryStringPredicate(query);
  return () => true;
}
