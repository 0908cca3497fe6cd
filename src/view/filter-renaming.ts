/**
 * A client's filter in presented names (docs/views.md): every attribute a filter item names, in every
 * shape, is renamed through the view. An item on a name the view renamed away is FALSE, as for an
 * attribute no entry holds (so `(!(title=x))` finds everyone); an extensible match without an
 * attribute stays as it is, since it tests every attribute whatever it is called. The same object
 * comes back when nothing is renamed.
 */
import type { Filter } from '../filter/ast.js';
import { RENAMED_AWAY, type PresentedView } from './presented-view.js';

/** RFC 4526's absolute false: an empty OR. */
const ABSOLUTE_FALSE: Filter = { type: 'or', filters: [] };

export function presentedFilter(filter: Filter, view: PresentedView): Filter {
  switch (filter.type) {
    case 'and':
    case 'or': {
      const children = filter.filters.map((child) => presentedFilter(child, view));
      return children.every((child, i) => child === filter.filters[i])
        ? filter
        : { type: filter.type, filters: children };
    }
    case 'not': {
      const inner = presentedFilter(filter.filter, view);
      return inner === filter.filter ? filter : { type: 'not', filter: inner };
    }
    case 'extensible': {
      if (filter.attribute === undefined) return filter;
      const presented = view.presented(filter.attribute);
      if (presented === undefined) return filter;
      return presented === RENAMED_AWAY ? ABSOLUTE_FALSE : { ...filter, attribute: presented };
    }
    default: {
      const presented = view.presented(filter.attribute);
      if (presented === undefined) return filter;
      return presented === RENAMED_AWAY ? ABSOLUTE_FALSE : { ...filter, attribute: presented };
    }
  }
}
