/**
 * The users of a group, nested groups included (`mailboxContacts.group`): Graph's
 * `/groups/{id}/transitiveMembers/microsoft.graph.user`, the flat list of every user in the group
 * and the groups nested in it (group-list-transitivemembers). The cast to users is one of the
 * advanced queries, so it is sent with `ConsistencyLevel: eventual` and `$count=true`, as the docs
 * require; 999 a page, the most Graph gives. It needs GroupMember.Read.All (or Group.Read.All,
 * Directory.Read.All). A group Graph does not find is reported, not thrown.
 */
import { SourceError } from '../source.js';
import type { GraphApi } from './graph-api.js';
import { listed } from './graph-pages.js';

export interface GroupMember {
  /** The user's object id: the mailbox as the source names it. */
  readonly id: string;
  /** The user principal name, for messages (the id when Graph gave none). */
  readonly name: string;
  /** Undefined when the user has no mail address, and so no mailbox. */
  readonly mail?: string;
}

export interface GroupMembers {
  /** The group's display name (its id when Graph gave none). */
  readonly name: string;
  readonly members: readonly GroupMember[];
}

const PAGE = 999;

/** The group's users, or Graph's error code when it finds no such group (404). */
export async function groupMembers(
  api: GraphApi,
  group: string,
  background: boolean,
  signal: AbortSignal,
): Promise<GroupMembers | { readonly missing: string }> {
  const path = `/groups/${encodeURIComponent(group)}`;
  const options = { background, headers: { ConsistencyLevel: 'eventual' } };
  try {
    // Only `check` shows the name: a sync round asks for the members alone.
    const about = background ? {} : await api.get(`${path}?$select=id,displayName`, {}, signal);
    const members: GroupMember[] = [];
    const seen = new Set<string>();
    for await (const item of listed(
      api,
      `${path}/transitiveMembers/microsoft.graph.user?$count=true&$select=id,userPrincipalName,mail&$top=${PAGE}`,
      options,
      signal,
    )) {
      const { id, userPrincipalName, mail } = item;
      if (typeof id !== 'string' || id === '' || seen.has(id)) continue;
      seen.add(id);
      members.push({
        id,
        name: typeof userPrincipalName === 'string' && userPrincipalName !== '' ? userPrincipalName : id,
        ...(typeof mail === 'string' && mail !== '' ? { mail } : {}),
      });
    }
    const name = about.displayName;
    return { name: typeof name === 'string' && name !== '' ? name : group, members };
  } catch (error) {
    const cause = error instanceof SourceError ? error.cause : undefined;
    const { statusCode, code } = (cause ?? {}) as { statusCode?: unknown; code?: unknown };
    if (statusCode !== 404) throw error;
    return { missing: typeof code === 'string' && code !== '' ? code : 'NotFound' };
  }
}
