/**
 * What the graph source mounts, collection by collection: where its delta query and its plain
 * listing start, which items it serves (the users filter, evaluated here: Graph's delta takes no
 * filter), and how an item becomes a record.
 */
import type { SourceRecord } from '../source.js';
import type { GraphSourceSettings } from './graph-settings.js';
import { ORG_CONTACT_SELECTION, userSelection } from './graph-properties.js';
import { orgContactRecord, userRecord } from './graph-records.js';
import { matchesODataFilter, propertiesOf } from './odata-filter.js';

export type GraphItem = Readonly<Record<string, unknown>>;

export interface GraphCollection {
  /** Names the collection in the cursor. */
  readonly key: 'users' | 'orgContacts';
  /** In messages: `users`, `organisational contacts`. */
  readonly what: string;
  /** The first request of a full delta round. */
  readonly deltaStart: string;
  /** The first page of a plain listing (check, fields, a search without the replica). */
  readonly listStart: string;
  /** The path of one item by id. */
  itemPath(id: string): string;
  /** Whether the source serves this item (a user the filter leaves out is not served). */
  admits(item: GraphItem): boolean;
  record(item: GraphItem): SourceRecord | undefined;
}

/** Users per page of a plain listing (Graph's most). */
const LIST_PAGE = 999;

/** The collections the settings mount, asking for the fields the map reads (all if undefined). */
export function graphCollections(
  settings: GraphSourceSettings,
  fields: readonly string[] | undefined,
): GraphCollection[] {
  const collections: GraphCollection[] = [];
  if (settings.users) {
    const filter = settings.usersFilter?.filter;
    const select = userSelection(fields, filter === undefined ? [] : propertiesOf(filter)).join(',');
    collections.push({
      key: 'users',
      what: 'users',
      deltaStart: `/users/delta?$select=${select}`,
      listStart: `/users?$select=${select}&$top=${LIST_PAGE}`,
      itemPath: (id) => `/users/${encodeURIComponent(id)}?$select=${select}`,
      admits: (item) => filter === undefined || matchesODataFilter(filter, item),
      record: userRecord,
    });
  }
  if (settings.orgContacts) {
    const select = ORG_CONTACT_SELECTION.join(',');
    collections.push({
      key: 'orgContacts',
      what: 'organisational contacts',
      deltaStart: `/contacts/delta?$select=${select}`,
      listStart: `/contacts?$select=${select}&$top=${LIST_PAGE}`,
      itemPath: (id) => `/contacts/${encodeURIComponent(id)}?$select=${select}`,
      admits: () => true,
      record: orgContactRecord,
    });
  }
  return collections;
}
