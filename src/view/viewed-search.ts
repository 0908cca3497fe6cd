/**
 * A search across a view, as the session edge runs it: the client's request in presented names on
 * the way in, each hit in the client's names on the way out. The directory sees presented names only.
 */
import type { DirectorySearch, SearchHit } from '../directory/directory.js';
import { presentedAttributes } from './attribute-list-renaming.js';
import { clientAttributes } from './entry-renaming.js';
import { presentedFilter } from './filter-renaming.js';
import type { PresentedView } from './presented-view.js';

export function presentedSearch(search: DirectorySearch, view: PresentedView | undefined): DirectorySearch {
  if (!view) return search;
  return {
    ...search,
    filter: presentedFilter(search.filter, view),
    attributes: presentedAttributes(search.attributes, view),
  };
}

export function clientHit(hit: SearchHit, view: PresentedView | undefined): SearchHit {
  if (!view) return hit;
  const attributes = clientAttributes(hit.attributes, view);
  return attributes === hit.attributes ? hit : { dn: hit.dn, attributes };
}
