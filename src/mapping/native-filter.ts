/**
 * Translates a presented filter into the source's field names through the inverse map, for
 * pushdown. The result must select a SUPERSET of what the presented filter selects (the local
 * evaluator decides), so whatever cannot be translated is widened: dropped from an AND, and an OR or
 * NOT containing it becomes "everything". `undefined` means "no restriction". A condition on an
 * attribute filled from a fallback list becomes an OR of the condition on each field of the list:
 * the attribute's value is that of one of them, so a record it matches matches one of the branches.
 */
import type { Filter } from '../filter/ast.js';
import type { FieldMap } from './field-map.js';

export function toNativeFilter(filter: Filter, map: FieldMap): Filter | undefined {
  switch (filter.type) {
    case 'and': {
      const parts = filter.filters.map((f) => toNativeFilter(f, map)).filter((f) => f !== undefined);
      if (parts.length === 0) return undefined;
      return parts.length === 1 ? parts[0] : { type: 'and', filters: parts };
    }
    case 'or': {
      const parts: Filter[] = [];
      for (const child of filter.filters) {
        const native = toNativeFilter(child, map);
        if (native === undefined) return undefined;
        parts.push(native);
      }
      return parts.length === 1 ? parts[0] : { type: 'or', filters: parts };
    }
    case 'not':
      // A backend's matching may differ from ours (accents, number formats); under a NOT a looser
      // backend rule would narrow the answer, so negations are never pushed down.
      return undefined;
    case 'extensible':
      return undefined;
    default: {
      const fields = map.fieldsFor(filter.attribute);
      if (fields.length === 0) return undefined;
      if (fields.length === 1) return { ...filter, attribute: fields[0]! };
      return { type: 'or', filters: fields.map((field) => ({ ...filter, attribute: field })) };
    }
  }
}
