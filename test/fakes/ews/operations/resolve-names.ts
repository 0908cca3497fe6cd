/**
 * ResolveNames: ambiguous name resolution over the GAL (ActiveDirectory) and/or contacts folders
 * (Contacts: ParentFolderIds, else the acting mailbox's Contacts), in the order SearchScope names
 * them (ActiveDirectoryContacts when absent). At most 100 resolutions, IncludesLastItemInRange false
 * when cut. One hit is Success, several a Warning with ErrorNameResolutionMultipleResults, none an
 * Error with ErrorNameResolutionNoResults (fixtures/resolvenames-*).
 */
import { responseEnvelope } from '../soap/envelope.js';
import { ewsErrors, isEwsError, type EwsError } from '../soap/ews-errors.js';
import { errorMessage, operationResponse, successMessage, warningMessage } from '../soap/response-message.js';
import { attribute, child, childText, type XmlElement } from '../soap/xml-node.js';
import { contactResolution, galResolution, resolutionXml, type Resolution } from '../shape/resolution-xml.js';
import type { StoredContact } from '../store/contact.js';
import type { StoredFolder } from '../store/folder.js';
import type { GalEntry } from '../store/gal.js';
import { anrMatches, type AnrCandidate } from '../query/anr.js';
import { folderReferences, resolveFolder } from './folder-reference.js';
import type { OperationContext, OperationHandler, OperationResult } from './operation-context.js';

type Place = 'directory' | 'contacts';

const SEARCH_SCOPES: Readonly<Record<string, readonly Place[]>> = {
  ActiveDirectory: ['directory'],
  ActiveDirectoryContacts: ['directory', 'contacts'],
  Contacts: ['contacts'],
  ContactsActiveDirectory: ['contacts', 'directory'],
};

export const resolveNames: OperationHandler = (context, request) => {
  const entry = childText(request, 'UnresolvedEntry') ?? '';
  const places = SEARCH_SCOPES[attribute(request, 'SearchScope') ?? 'ActiveDirectoryContacts'] ?? [
    'directory',
    'contacts',
  ];
  const found: Resolution[] = [];
  for (const place of places) {
    const resolutions =
      place === 'directory'
        ? directoryResolutions(context, entry)
        : contactResolutions(context, request, entry);
    if (isEwsError(resolutions)) return answer(context, errorMessage('ResolveNames', resolutions));
    found.push(...resolutions);
  }
  const fullContactData = attribute(request, 'ReturnFullContactData') === 'true';
  return answer(context, resolutionMessage(found, fullContactData, context.limits.resolveNamesLimit));
};

function resolutionMessage(found: readonly Resolution[], fullContactData: boolean, limit: number): string {
  if (found.length === 0) return errorMessage('ResolveNames', ewsErrors.nameResolutionNoResults());
  const shown = found.slice(0, limit);
  const resolutions = shown.map((resolution) => resolutionXml(resolution, fullContactData)).join('');
  const set =
    `<m:ResolutionSet TotalItemsInView="${shown.length}" IncludesLastItemInRange="${shown.length === found.length}">` +
    `${resolutions}</m:ResolutionSet>`;
  return found.length === 1
    ? successMessage('ResolveNames', set)
    : warningMessage('ResolveNames', ewsErrors.nameResolutionMultipleResults(), set);
}

function answer(context: OperationContext, message: string): OperationResult {
  return {
    status: 200,
    body: responseEnvelope(operationResponse('ResolveNames', [message]), context.serverVersion),
  };
}

function directoryResolutions(context: OperationContext, entry: string): Resolution[] {
  return context.gal
    .visible()
    .filter((gal) => anrMatches(entry, galCandidate(gal)))
    .map(galResolution);
}

function contactResolutions(
  context: OperationContext,
  request: XmlElement,
  entry: string,
): Resolution[] | EwsError {
  const folders = contactFolders(context, request);
  if (isEwsError(folders)) return folders;
  return folders.flatMap((folder) =>
    context.store
      .contacts(folder.id)
      .filter((contact) => anrMatches(entry, contactCandidate(contact)))
      .map((contact) => contactResolution(contact, folder.changeKey))
      .filter((resolution) => resolution !== undefined),
  );
}

/** The folders named in ParentFolderIds, else the acting mailbox's Contacts (none without a mailbox). */
function contactFolders(context: OperationContext, request: XmlElement): StoredFolder[] | EwsError {
  const references = folderReferences(child(request, 'ParentFolderIds'));
  if (references.length === 0) {
    const mailbox =
      context.acting.mailbox === undefined ? undefined : context.store.mailbox(context.acting.mailbox);
    return mailbox === undefined ? [] : [context.store.folder(mailbox.contactsId)!];
  }
  const folders: StoredFolder[] = [];
  for (const reference of references) {
    const folder = resolveFolder(context, reference, ewsErrors.folderNotFound());
    if (isEwsError(folder)) return folder;
    folders.push(folder);
  }
  return folders;
}

function galCandidate(entry: GalEntry): AnrCandidate {
  return {
    displayName: entry.displayName,
    givenName: entry.givenName,
    surname: entry.surname,
    alias: entry.alias,
    addresses: entry.proxyAddresses,
  };
}

function contactCandidate(contact: StoredContact): AnrCandidate {
  const data = contact.data;
  return {
    displayName: data.displayName,
    givenName: data.givenName,
    surname: data.surname,
    addresses: Object.values(data.emailAddresses ?? {}),
  };
}
