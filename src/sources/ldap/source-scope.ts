/**
 * The entries an LDAP-based source presents, as one filter: `(&<filter>(|<usersFilter><contactsFilter>))`
 * from the configured filters (each parsed once, when the source is built). Every search the source
 * sends is limited to it, so the backend filter of a query is the scope with the query's condition
 * ANDed in.
 */
import type { Filter } from '../../filter/ast.js';

export interface ScopeFilters {
  /** `filter`: which entries of the bases are people at all (AD: enabled accounts only). */
  readonly filter?: Filter;
  readonly users: Filter;
  readonly contacts: Filter;
}

/** `(&<filter>(|<users><contacts>))`; without a configured filter, `(&(|<users><contacts>))`. */
export function sourceScope({ filter, users, contacts }: ScopeFilters): Filter {
  const people: Filter = { type: 'or', filters: [users, contacts] };
  return { type: 'and', filters: filter === undefined ? [people] : [filter, people] };
}

/** A condition limited to the scope: `(&<filter>(|<users><contacts>)<condition>)`, one AND deep. */
export function within(scope: Filter, condition: Filter): Filter {
  const parts = scope.type === 'and' ? scope.filters : [scope];
  return { type: 'and', filters: [...parts, condition] };
}
