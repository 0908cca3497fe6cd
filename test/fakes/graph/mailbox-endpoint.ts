/**
 * A mailbox's personal contacts, under `/users/{id | userPrincipalName}/…` or `/me/…` (a delegated
 * token's own mailbox; with an app-only token `/me` is a 400):
 *
 *   contactFolders                               the folders in the default Contacts folder
 *   contactFolders/{id}                          one folder
 *   contactFolders/{id}/childFolders             its subfolders
 *   contactFolders/{id}/contacts                 the contacts in a folder
 *   contactFolders/{id}/contacts/delta           that folder's change tracking
 *   contactFolders/{id}/contacts/{contactId}     one contact
 *   contacts, contacts/{contactId}               the default folder (any folder, by id)
 *
 * Exchange pages listings with `$top` (default 10) and `$skip`, writes `@odata.etag` on items, and
 * limits each mailbox to 4 requests in flight.
 */
import type { DeltaFeed } from './delta-feed.js';
import type { MailContact } from './directory-model.js';
import { checkFilter, MAIL_CONTACT_FILTER_RULES } from './filter-rules.js';
import { holdsAny, type GraphCall } from './graph-call.js';
import {
  changeTrackingOptionRefused,
  GraphFailure,
  invalidMailboxUser,
  mailboxAccessDenied,
  mailboxItemNotFound,
  mailboxNotEnabled,
  segmentNotFound,
} from './graph-errors.js';
import type { GraphState } from './graph-state.js';
import { jsonReply, withRelease, type HttpReply } from './http-reply.js';
import { linkWith } from './list-paging.js';
import { matchesFilter } from './odata-filter.js';
import type { Mailbox } from './mailbox-store.js';
import {
  CONTACT_FOLDER_SHAPE,
  MAIL_CONTACT_SHAPE,
  contextSegment,
  parseSelect,
  project,
  type EntityShape,
} from './property-selection.js';
import { userByPrincipalName } from './users-endpoint.js';

const READ_CONTACTS = ['Contacts.Read', 'Contacts.ReadWrite'];
const DEFAULT_TOP = 10;

/** Where the mailbox was named: `users/{x}` or `me`, kept for links and contexts. */
interface MailboxPath {
  readonly mailbox: Mailbox;
  /** The path prefix as the caller wrote it (`users/alice@contoso.com`, `me`). */
  readonly prefix: string;
  /** The `users('…')` part of `@odata.context`. */
  readonly contextRoot: string;
}

/**
 * `owner` is the user segment (`undefined` for `/me`), `rest` the path after it. Holds one of the
 * mailbox's concurrency slots until the answer is written.
 */
export function handleMailbox(
  call: GraphCall,
  owner: string | undefined,
  rest: readonly string[],
  state: GraphState,
): HttpReply {
  if (!holdsAny(call.grant, READ_CONTACTS)) throw mailboxAccessDenied();
  const path = mailboxPath(call, owner, state);
  const release = state.concurrency.enter(path.mailbox.userId);
  try {
    return withRelease(route(call, path, rest, state), release);
  } catch (error) {
    release();
    throw error;
  }
}

function mailboxPath(call: GraphCall, owner: string | undefined, state: GraphState): MailboxPath {
  const userId =
    owner === undefined
      ? call.grant.userId!
      : (state.users.get(owner) ?? userByPrincipalName(state, owner))?.id;
  if (userId === undefined || state.users.get(userId) === undefined) throw invalidMailboxUser(owner ?? '');
  const mailbox = state.mailboxes.get(userId);
  if (mailbox === undefined) throw mailboxNotEnabled();
  const prefix = owner === undefined ? 'me' : `users/${encodeURIComponent(owner)}`;
  return { mailbox, prefix, contextRoot: `users('${owner ?? userId}')` };
}

function route(call: GraphCall, path: MailboxPath, rest: readonly string[], state: GraphState): HttpReply {
  const [collection, id, child, grandchild, ...beyond] = rest;
  if (beyond.length > 0) throw segmentNotFound(beyond[0]!);
  if (collection === 'contacts') {
    if (child !== undefined) throw segmentNotFound(child);
    return id === undefined
      ? listContacts(call, path, path.mailbox.defaultFolderId, 'contacts')
      : oneContact(call, path, id);
  }
  if (collection !== 'contactFolders') throw segmentNotFound(collection ?? '');
  if (id === undefined) return listFolders(call, path, path.mailbox.defaultFolderId, 'contactFolders');
  const folder = path.mailbox.folder(id);
  if (folder === undefined) throw mailboxItemNotFound();
  if (child === undefined)
    return oneObject(call, path, folder.folder, CONTACT_FOLDER_SHAPE, `contactFolders`);
  if (child === 'childFolders' && grandchild === undefined)
    return listFolders(call, path, id, `contactFolders('${id}')/childFolders`);
  if (child !== 'contacts') throw segmentNotFound(child);
  if (grandchild === undefined) return listContacts(call, path, id, `contactFolders('${id}')/contacts`);
  if (grandchild === 'delta' || grandchild === 'microsoft.graph.delta')
    return contactsDelta(call, path, id, state);
  return oneContact(call, path, grandchild);
}

function listContacts(call: GraphCall, path: MailboxPath, folderId: string, context: string): HttpReply {
  const contacts = path.mailbox.folder(folderId)!.contacts;
  const filterText = call.query.get('$filter');
  const filter = filterText === null ? undefined : checkFilter(filterText, MAIL_CONTACT_FILTER_RULES, false);
  const all =
    filter === undefined
      ? contacts.all()
      : contacts.all().filter((contact) => matchesFilter(filter, contact));
  return outlookPage(call, path, all, MAIL_CONTACT_SHAPE, context, `${folderPath(path, folderId)}/contacts`);
}

function listFolders(call: GraphCall, path: MailboxPath, parentId: string, context: string): HttpReply {
  const folders = path.mailbox.childFolders(parentId);
  const url =
    parentId === path.mailbox.defaultFolderId && context === 'contactFolders'
      ? `${path.prefix}/contactFolders`
      : `${folderPath(path, parentId)}/childFolders`;
  return outlookPage(call, path, folders, CONTACT_FOLDER_SHAPE, context, url);
}

function folderPath(path: MailboxPath, folderId: string): string {
  return folderId === path.mailbox.defaultFolderId
    ? path.prefix
    : `${path.prefix}/contactFolders/${folderId}`;
}

/** One page of an Exchange listing: `$top` (default 10) and `$skip`, nextLink while more remain. */
function outlookPage(
  call: GraphCall,
  path: MailboxPath,
  items: readonly { readonly id: string }[],
  shape: EntityShape,
  context: string,
  relativeUrl: string,
): HttpReply {
  refuseUnsupported(call.query);
  const select = parseSelect(call.query.get('$select'), shape);
  const top = positive(call.query.get('$top'), DEFAULT_TOP);
  const skip = Math.max(0, positive(call.query.get('$skip'), 0));
  const page = items.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${call.graphUrl}/$metadata#${path.contextRoot}/${contextSegment(context, select)}`,
  };
  if (skip + top < items.length) {
    body['@odata.nextLink'] = linkWith(`${call.graphUrl}/${relativeUrl}`, call.query, {
      $top: String(top),
      $skip: String(skip + top),
    });
  }
  body.value = page.map((item) => render(item, select, shape));
  return jsonReply(200, body);
}

function oneContact(call: GraphCall, path: MailboxPath, id: string): HttpReply {
  const contact = path.mailbox.contact(id);
  if (contact === undefined) throw mailboxItemNotFound();
  return oneObject(call, path, contact, MAIL_CONTACT_SHAPE, 'contacts');
}

function oneObject(
  call: GraphCall,
  path: MailboxPath,
  object: { readonly id: string },
  shape: EntityShape,
  set: string,
): HttpReply {
  const select = parseSelect(call.query.get('$select'), shape);
  return jsonReply(200, {
    '@odata.context': `${call.graphUrl}/$metadata#${path.contextRoot}/${contextSegment(set, select)}/$entity`,
    ...render(object, select, shape),
  });
}

function contactsDelta(call: GraphCall, path: MailboxPath, folderId: string, state: GraphState): HttpReply {
  const feed: DeltaFeed<MailContact> = {
    key: `mailbox:${path.mailbox.userId}:${folderId}`,
    collection: path.mailbox.folder(folderId)!.contacts,
    shape: MAIL_CONTACT_SHAPE,
    url: `${call.graphUrl}/${path.prefix}/contactFolders/${folderId}/contacts/delta`,
    context: () => `${call.graphUrl}/$metadata#Collection(contact)`,
    render: (contact, select, only) => render(contact, select, MAIL_CONTACT_SHAPE, only),
    removed: (id) => ({ '@odata.type': '#microsoft.graph.contact', id, '@removed': { reason: 'deleted' } }),
    pageSize: state.settings.mailboxDeltaPageSize,
    syncFromNow: false,
    idFilter: false,
    selectWithDeltaToken: false,
    maxPageSizePreference: true,
    refuseOption: changeTrackingOptionRefused,
  };
  const answer = state.delta.answer(feed, { query: call.query, prefer: call.header('prefer') });
  return jsonReply(200, answer.body, answer.headers);
}

/** Exchange writes the change key as a weak ETag ahead of the item's properties. */
function render(
  object: { readonly id: string },
  select: readonly string[] | undefined,
  shape: EntityShape,
  only?: ReadonlySet<string>,
): Record<string, unknown> {
  const changeKey = (object as { readonly changeKey?: string }).changeKey;
  return {
    ...(changeKey === undefined ? {} : { '@odata.etag': `W/"${changeKey}"` }),
    ...project(object, select, shape, only),
  };
}

function refuseUnsupported(query: URLSearchParams): void {
  for (const option of ['$orderby', '$expand', '$search', '$count']) {
    if (query.has(option))
      throw new GraphFailure(
        400,
        'ErrorInvalidUrlQuery',
        `${option} is not implemented by the Graph fake for contacts.`,
      );
  }
}

function positive(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new GraphFailure(400, 'ErrorInvalidUrlQuery', `The value '${raw}' is not valid here.`);
  return value;
}
