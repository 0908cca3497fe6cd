/**
 * A client's filter in presented names (docs/views.md): every attribute a filter item names, in every
 * shape, is renamed through the view. An item on a name the view renamed away is FALSE, as for an
 * attribute no entry holds (so `(!(title=x))` finds everyone), and is folded into the items around it
 * rather than sent on as RFC 4526's `(|)`, which not every backend a live source pushes down to
 * understands. An extensible match without an attribute stays as it is: it tests every attribute
 * whatever it is called. The same object comes back when nothing is renamed.
 */
import type { Filter } from '../filter/ast.js';
import { RENAMED_AWAY, type PresentedView } from './presented-view.js';

/** What a folded filter may be: RFC 4526's absolute false and true, compared by identity. */
const FALSE: Filter = { type: 'or', filters: [] };
const TRUE: Filter = { type: 'and', filters: [] };

export function presentedFilter(filter: Filter, view: PresentedView): Filter {
  switch (filter.type) {
    case 'and':
    case 'or': {
      const children = filter.filters.map((child) => presentedFilter(child, view));
      if (children.every((child, i) => child === filter.filters[i])) return filter;
      return junction(filter.type, children);
    }
    case 'not': {
      const inner = presentedFilter(filter.filter, view);
      if (inner === filter.filter) return filter;
      return inner === FALSE ? TRUE : inner === TRUE ? FALSE : { type: 'not', filter: inner };
    }
    case 'extensible': {
      if (filter.attribute === undefined) return filter;
      const presented = view.presented(filter.attribute);
      if (presented === undefined) return filter;
      return presented === RENAMED_AWAY ? FALSE : { ...filter, attribute: presented };
    }
    default: {
      const presented = view.presented(filter.attribute);
      if (presented === undefined) return filter;
      return presented === RENAMED_AWAY ? FALSE : { ...filter, attribute: presented };
    }
  }
}

/** An AND or OR of renamed children with the constants folded (three-valued logic allows it). */
function junction(type: 'and' | 'or', children: readonly Filter[]): Filter {
  const absorbing = type === 'and' ? FALSE : TRUE;
  const neutral = type === 'and' ? TRUE : FALSE;
  if (children.includes(absorbing)) return absorbing;
  const kept = children.filter((child) => child !== neutral);
  if (kept.length === 0) return neutral;
  return kept.length === 1 ? kept[0]! : { type, filters: kept };
}
