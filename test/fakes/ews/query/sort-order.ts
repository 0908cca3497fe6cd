/**
 * FindItem's SortOrder: FieldOrder elements, each a property path and a direction, applied in turn.
 * Strings compare case-insensitively in the mailbox's collation; a missing value sorts first, as an
 * empty property does in a MAPI table.
 */
import { attribute, type XmlElement } from '../soap/xml-node.js';
import type { StoredContact } from '../store/contact.js';
import { contactValue } from './contact-values.js';
import { pathOf } from './property-path.js';

type Comparator = (a: StoredContact, b: StoredContact) => number;

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: false });

export function sortComparator(sortOrder: XmlElement | undefined): Comparator | undefined {
  const orders = (sortOrder?.children ?? []).filter((order) => order.name === 'FieldOrder').map(fieldOrder);
  const valid = orders.filter((order): order is Comparator => order !== undefined);
  if (valid.length === 0) return undefined;
  return (a, b) => {
    for (const order of valid) {
      const result = order(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

function fieldOrder(order: XmlElement): Comparator | undefined {
  const path = pathOf(order);
  if (path === undefined) return undefined;
  const direction = attribute(order, 'Order') === 'Descending' ? -1 : 1;
  return (a, b) => direction * compareValues(contactValue(a, path), contactValue(b, path));
}

function compareValues(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return collator.compare(a, b);
}
