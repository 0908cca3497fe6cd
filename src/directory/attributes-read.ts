/**
 * The presented attributes a search reads from each entry a mount offers it: those it returns by
 * name and those its filter tests. A live mount asks its backend for the fields behind these only
 * (a phone asking for 4 attributes need not have 27 fetched, decoded and presented). Whatever else
 * the search looks at (its DN, objectClass for structuralObjectClass, entryUUID) every entry holds.
 */
import type { Filter } from '../filter/ast.js';
import type { Schema } from '../schema/schema.js';

/**
 * `named` (AttributeSelection.named) but the withheld ones, plus the attributes of the (masked)
 * filter, as lower-cased canonical names; or undefined when the search may read any attribute: all
 * user attributes asked for, or a filter item naming no attribute (`(:caseIgnoreMatch:=x)` is tried
 * on every attribute of the entry).
 */
export function attributesRead(
  named: ReadonlySet<string> | undefined,
  filter: Filter,
  schema: Schema,
  withheld: ReadonlySet<string>,
): ReadonlySet<string> | undefined {
  if (named === undefined) return undefined;
  const read = new Set<string>();
  for (const name of named) if (!withheld.has(name)) read.add(name);
  return addFilterAttributes(filter, schema, read) ? read : undefined;
}

/** Adds the attributes a filter tests to `read`; false when an item tests every attribute. */
function addFilterAttributes(filter: Filter, schema: Schema, read: Set<string>): boolean {
  switch (filter.type) {
    case 'and':
    case 'or':
      return filter.filters.every((child) => addFilterAttributes(child, schema, read));
    case 'not':
      return addFilterAttributes(filter.filter, schema, read);
    case 'extensible':
      if (filter.attribute === undefined) return false;
      read.add(schema.canonicalName(filter.attribute).toLowerCase());
      return true;
    default:
      read.add(schema.canonicalName(filter.attribute).toLowerCase());
      return true;
  }
}
