/**
 * A mailbox's contact folders: its default Contacts folder and every folder below it.
 *
 * Graph lists the folders *in* the default folder (`/users/{id}/contactFolders`: "the contact folder
 * collection in the default Contacts folder"), not the default folder itself, and its reference
 * documents no well-known name for it (`contactFolders('contacts')` is only reported in forums). So
 * its id is learnt from documented properties: the `parentFolderId` the listed folders share, or,
 * in a mailbox without folders, the `parentFolderId` of a contact in it (`/users/{id}/contacts` lists
 * the default folder). A default folder that holds neither is empty: there is nothing to read in it
 * until it holds a contact, and the next round looks again. Deeper folders come from each folder's
 * `childFolders`. Folder names follow the mailbox's language, so none is ever matched by name.
 */
import { SourceError } from '../source.js';
import type { GraphApi, GraphRequestOptions } from './graph-api.js';
import { listed } from './graph-pages.js';

export interface ContactFolderRef {
  readonly id: string;
  /** Its display name; undefined for the default folder, which is not listed. */
  readonly name?: string;
}

export interface MailboxFolders {
  /** The default Contacts folder's id; undefined while it holds no contact and no folder. */
  readonly defaultFolder?: string;
  /** The folders to read: the default first (once known), then those below it, parents before children. */
  readonly folders: readonly ContactFolderRef[];
}

/** Folders asked for per page (Exchange's default is 10). */
const FOLDER_PAGE = 100;
const FOLDER_SELECT = 'id,displayName,parentFolderId';

/** `/users/{mailbox}`, escaped for a path (a guest's UPN holds `#`). */
export function mailboxPath(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox)}`;
}

/** `/users/{mailbox}/contactFolders/{id}`. */
export function folderPath(mailbox: string, folderId: string): string {
  return `${mailboxPath(mailbox)}/contactFolders/${encodeURIComponent(folderId)}`;
}

/**
 * The mailbox's folders; `knownDefault` is the default folder's id from an earlier round (it never
 * changes). Throws the source's error of the first request that fails: a 404 on the first request
 * is a missing user or mailbox (see `missingMailbox`).
 */
export async function mailboxFolders(
  api: GraphApi,
  mailbox: string,
  knownDefault: string | undefined,
  options: GraphRequestOptions,
  signal: AbortSignal,
): Promise<MailboxFolders> {
  const top = await folderList(api, `${mailboxPath(mailbox)}/contactFolders`, options, signal);
  const parents = new Set(top.map((folder) => folder.parentFolderId));
  const defaultFolder =
    knownDefault ??
    (parents.size === 1 ? [...parents][0] : undefined) ??
    (await firstContactFolder(api, mailbox, options, signal));
  const folders: ContactFolderRef[] = defaultFolder === undefined ? [] : [{ id: defaultFolder }];
  const seen = new Set(defaultFolder === undefined ? [] : [defaultFolder]);
  let level = top;
  while (level.length > 0) {
    const next: ListedFolder[] = [];
    for (const folder of level) {
      if (seen.has(folder.id)) continue;
      seen.add(folder.id);
      folders.push({ id: folder.id, name: folder.name });
      next.push(
        ...(await folderList(api, `${folderPath(mailbox, folder.id)}/childFolders`, options, signal)),
      );
    }
    level = next;
  }
  return { ...(defaultFolder === undefined ? {} : { defaultFolder }), folders };
}

interface ListedFolder {
  readonly id: string;
  readonly name: string;
  readonly parentFolderId: string | undefined;
}

async function folderList(
  api: GraphApi,
  path: string,
  options: GraphRequestOptions,
  signal: AbortSignal,
): Promise<ListedFolder[]> {
  const folders: ListedFolder[] = [];
  for await (const item of listed(
    api,
    `${path}?$select=${FOLDER_SELECT}&$top=${FOLDER_PAGE}`,
    options,
    signal,
  )) {
    const { id, displayName, parentFolderId } = item;
    if (typeof id !== 'string' || id === '') continue;
    folders.push({
      id,
      name: typeof displayName === 'string' ? displayName : id,
      parentFolderId: typeof parentFolderId === 'string' ? parentFolderId : undefined,
    });
  }
  return folders;
}

/** The folder of a contact in the default folder: the default folder's id (undefined: it is empty). */
async function firstContactFolder(
  api: GraphApi,
  mailbox: string,
  options: GraphRequestOptions,
  signal: AbortSignal,
): Promise<string | undefined> {
  const page = await api.get(
    `${mailboxPath(mailbox)}/contacts?$select=parentFolderId&$top=1`,
    options,
    signal,
  );
  const [first] = Array.isArray(page.value) ? (page.value as unknown[]) : [];
  const parent = (first as { parentFolderId?: unknown } | undefined)?.parentFolderId;
  return typeof parent === 'string' && parent !== '' ? parent : undefined;
}

/**
 * Why Graph found no mailbox, as its error code (`ErrorInvalidUser`, `MailboxNotEnabledForRESTAPI`),
 * or undefined when the error is another: any 404 except a missing item (a folder deleted meanwhile).
 */
export function missingMailbox(error: unknown): string | undefined {
  const cause = error instanceof SourceError ? error.cause : undefined;
  const { statusCode, code } = (cause ?? {}) as { statusCode?: unknown; code?: unknown };
  if (statusCode !== 404 || code === 'ErrorItemNotFound') return undefined;
  return typeof code === 'string' && code !== '' ? code : 'NotFound';
}

/**
 * A mailbox Graph did not find, in one sentence naming it and what to do; `group` when it is a
 * member of `mailboxContacts.group` rather than listed.
 */
export function missingSentence(mailbox: string, code: string, group?: string): string {
  if (group !== undefined)
    return `${mailbox}, a member of group ${group} (\`mailboxContacts.group\`), has no mailbox Graph can read (404 ${code}), so its contacts are left out: give the user an Exchange Online mailbox or take it out of the group`;
  switch (code) {
    case 'MailboxNotEnabledForRESTAPI':
      return `${mailbox} has no Exchange Online mailbox (404 ${code}: unlicensed, inactive, soft-deleted or on premises), so its contacts are left out: give the user a mailbox or remove it from \`mailboxContacts.mailboxes\``;
    case 'ErrorInvalidUser':
    case 'Request_ResourceNotFound':
      return `${mailbox} is no user of the tenant (404 ${code}), so its contacts are left out: check its spelling in \`mailboxContacts.mailboxes\` (a user principal name or object id, not an alias)`;
    default:
      return `Graph finds no mailbox ${mailbox} (404 ${code}), so its contacts are left out: check \`mailboxContacts.mailboxes\``;
  }
}
