/**
 * `/v1.0/contacts`: the tenant's organizational contacts (mail contacts in the directory, not a
 * mailbox's personal contacts), `/contacts/$count`, `/contacts/delta` and `/contacts/{id}`. They
 * need OrgContact.Read.All (or Directory.Read.All). Without `$select` every property comes back.
 */
import type { OrgContact } from './directory-model.js';
import {
  countDirectory,
  listDirectory,
  singleDirectoryObject,
  type DirectoryResource,
} from './directory-listing.js';
import { ORG_CONTACT_FILTER_RULES } from './filter-rules.js';
import { holdsAny, type GraphCall } from './graph-call.js';
import {
  directoryAccessDenied,
  directoryObjectNotFound,
  segmentNotFound,
  stateTokenOptionRefused,
} from './graph-errors.js';
import type { GraphState } from './graph-state.js';
import { jsonReply, type HttpReply } from './http-reply.js';
import { contextSegment, ORG_CONTACT_SHAPE, project } from './property-selection.js';

const READ_ORG_CONTACTS = ['OrgContact.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

const SEARCHABLE = [
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'jobTitle',
  'companyName',
  'department',
  'proxyAddresses',
];

/** `rest` is the path after `contacts`. */
export function handleOrgContacts(call: GraphCall, rest: readonly string[], state: GraphState): HttpReply {
  if (!holdsAny(call.grant, READ_ORG_CONTACTS)) throw directoryAccessDenied();
  const resource: DirectoryResource<OrgContact> = {
    entitySet: 'contacts',
    collection: state.orgContacts,
    shape: ORG_CONTACT_SHAPE,
    filterRules: ORG_CONTACT_FILTER_RULES,
    searchable: SEARCHABLE,
  };
  const [first, second] = rest;
  if (second !== undefined) throw segmentNotFound(second);
  if (first === undefined) return listDirectory(resource, call, state.sealer);
  if (first === '$count') return countDirectory(resource, call);
  if (first === 'delta' || first === 'microsoft.graph.delta') {
    const answer = state.delta.answer(
      {
        key: 'contacts',
        collection: state.orgContacts,
        shape: ORG_CONTACT_SHAPE,
        url: `${call.graphUrl}/contacts/delta`,
        context: (select) => `${call.graphUrl}/$metadata#${contextSegment('contacts', select)}`,
        render: (contact, select, only) => project(contact, select, ORG_CONTACT_SHAPE, only),
        removed: (id, reason) => ({ id, '@removed': { reason } }),
        pageSize: state.settings.deltaPageSize,
        syncFromNow: true,
        idFilter: true,
        selectWithDeltaToken: true,
        maxPageSizePreference: false,
        refuseOption: stateTokenOptionRefused,
      },
      { query: call.query, prefer: call.header('prefer') },
    );
    return jsonReply(200, answer.body, answer.headers);
  }
  const contact = state.orgContacts.get(first);
  if (contact === undefined) throw directoryObjectNotFound(first);
  return singleDirectoryObject(resource, contact, call);
}
