/**
 * ResolveNames: ambiguous name resolution over the GAL (ActiveDirectory) and/or contacts folders
 * (Contacts: ParentFolderIds, else the acting mailbox's Contacts), in the order SearchScope names
 * them (ActiveDirectoryContacts when absent). At most 100 resolutions, IncludesLastItemInRange false
 * when cut. One hit is Success, several a Warning with ErrorNameResolutionMultipleResults, none an
 * Error with ErrorNameResolutionNoResults (fixtures/resolvenames-*). GAL mailboxes carry their
 * proxy addresses `SMTP:`-prefixed in the contact; contacts-folder hits are MailboxType Contact with
 * their ItemId in the Mailbox.
 */
import { escapeAttribute, responseEnvelope, textElement } from '../soap/envelope.js';
import { ewsErrors, isEwsError } from '../soap/ews-errors.js';
import { errorMessage, operationResponse, successMessage, warningMessage } from '../soap/response-message.js';
import { attribute, child, childText, type XmlElement } from '../soap/xml-node.js';
import { galContactView, storedContactView, type ContactView } from '../shape/contact-view.js';
import { contactXml } from '../shape/contact-xml.js';
import type { Shape } from '../shape/shape.js';
import { EMAIL_KEYS, type StoredContact } from '../store/contact.js';
import { MAILBOX_TYPE, primarySmtp, type GalEntry } from '../store/gal.js';
import { anrMatches } from '../query/anr.js';
import { folderReferences, resolveFolder } from './folder-reference.js';
import type { OperationContext, OperationHandler } from './operation-context.js';

interface Resolution {
  readonly mailbox: string;
  readonly contact: ContactView;
}

const FULL_CONTACT: Shape = { base: 'AllProperties', fields: new Set(), indexed: new Map() };

export const resolveNames: OperationHandler = (context, request) => {
  const entry = childText(request, 'UnresolvedEntry') ?? '';
  const scope = attribute(request, 'SearchScope') ?? 'ActiveDirectoryContacts';
  const fullContactData = attribute(request, 'ReturnFullContactData') === 'true';
  const fromDirectory = (): Resolution[] =>
    context.gal
      .visible()
      .filter((gal) => anrMatches(entry, galCandidate(gal)))
      .map(galResolution);
  const fromContacts = (): Resolution[] | ReturnType<typeof errorMessage> =>
    contactResolutions(context, request, entry);
  const sources =
    scope === 'ActiveDirectory'
      ? [fromDirectory]
      : scope === 'Contacts'
        ? [fromContacts]
        : scope === 'ContactsActiveDirectory'
          ? [fromContacts, fromDirectory]
          : [fromDirectory, fromContacts];
  const found: Resolution[] = [];
  for (const source of sources) {
    const resolutions = source();
    if (typeof resolutions === 'string') return answer(context, resolutions);
    found.push(...resolutions);
  }
  return answer(context, resolutionMessage(found, fullContactData, context.limits.resolveNamesLimit));
};

function resolutionMessage(found: readonly Resolution[], fullContactData: boolean, limit: number): string {
  if (found.length === 0) return errorMessage('ResolveNames', ewsErrors.nameResolutionNoResults());
  const shown = found.slice(0, limit);
  const resolutions = shown
    .map(
      (resolution) =>
        `<t:Resolution>${resolution.mailbox}${fullContactData ? contactXml(resolution.contact, { shape: FULL_CONTACT, summaryOnly: false }) : ''}</t:Resolution>`,
    )
    .join('');
  const set = `<m:ResolutionSet TotalItemsInView="${shown.length}" IncludesLastItemInRange="${shown.length === found.length}">${resolutions}</m:ResolutionSet>`;
  return found.length === 1
    ? successMessage('ResolveNames', set)
    : warningMessage('ResolveNames', ewsErrors.nameResolutionMultipleResults(), set);
}

function answer(context: OperationContext, message: string): { status: number; body: string } {
  return {
    status: 200,
    body: responseEnvelope(operationResponse('ResolveNames', [message]), context.serverVersion),
  };
}

function galCandidate(entry: GalEntry): Parameters<typeof anrMatches>[1] {
  return {
    displayName: entry.displayName,
    givenName: entry.givenName,
    surname: entry.surname,
    alias: entry.alias,
    addresses: entry.proxyAddresses,
  };
}

function galResolution(entry: GalEntry): Resolution {
  return {
    mailbox: mailboxXml(entry.displayName, primarySmtp(entry), 'SMTP', MAILBOX_TYPE[entry.kind]),
    contact: galContactView(entry),
  };
}

/** Contacts (with an email address: only those can be recipients) that match, from the folders asked for. */
function contactResolutions(
  context: OperationContext,
  request: XmlElement,
  entry: string,
): Resolution[] | string {
  const references = folderReferences(child(request, 'ParentFolderIds'));
  const folders = [];
  if (references.length === 0) {
    const contacts =
      context.acting.mailbox === undefined
        ? undefined
        : context.store.mailbox(context.acting.mailbox)?.contactsId;
    if (contacts !== undefined) folders.push(context.store.folder(contacts)!);
  }
  for (const reference of references) {
    const folder = resolveFolder(context, reference, ewsErrors.folderNotFound());
    if (isEwsError(folder)) return errorMessage('ResolveNames', folder);
    folders.push(folder);
  }
  return folders.flatMap((folder) =>
    context.store
      .contacts(folder.id)
      .filter((contact) => emailOf(contact) !== undefined && anrMatches(entry, contactCandidate(contact)))
      .map((contact) => contactResolution(contact, folder.changeKey)),
  );
}

function contactCandidate(contact: StoredContact): Parameters<typeof anrMatches>[1] {
  const data = contact.data;
  return {
    displayName: data.displayName,
    givenName: data.givenName,
    surname: data.surname,
    addresses: Object.values(data.emailAddresses ?? {}),
  };
}

function contactResolution(contact: StoredContact, folderChangeKey: string): Resolution {
  const address = emailOf(contact)!;
  const view = storedContactView(contact, folderChangeKey);
  const item = `<t:ItemId Id="${escapeAttribute(contact.id)}" ChangeKey="${escapeAttribute(contact.changeKey)}"/>`;
  return {
    mailbox: mailboxXml(
      contact.data.displayName ?? address,
      address,
      address.startsWith('/') ? 'EX' : 'SMTP',
      'Contact',
      item,
    ),
    contact: {
      ...view,
      itemId: undefined,
      parentFolderId: undefined,
      itemClass: undefined,
      subject: undefined,
      contactSource: 'Store',
    },
  };
}

function emailOf(contact: StoredContact): string | undefined {
  for (const key of EMAIL_KEYS) {
    const address = contact.data.emailAddresses?.[key];
    if (address !== undefined && address !== '') return address;
  }
  return undefined;
}

function mailboxXml(
  name: string,
  address: string,
  routingType: string,
  mailboxType: string,
  itemId = '',
): string {
  return (
    '<t:Mailbox>' +
    textElement('t:Name', name) +
    textElement('t:EmailAddress', address) +
    `<t:RoutingType>${routingType}</t:RoutingType><t:MailboxType>${mailboxType}</t:MailboxType>${itemId}` +
    '</t:Mailbox>'
  );
}
