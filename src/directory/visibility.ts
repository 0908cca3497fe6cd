/**
 * What one caller may see of the directory: which mounts, and which attributes are withheld from it
 * (passwords a PBX may import, which only accounts config allows may read). A withheld attribute is
 * neither returned nor usable in a filter or compare, so it cannot be probed value by value.
 */
import type { Filter } from '../filter/ast.js';
import type { Schema } from '../schema/schema.js';
import { SENSITIVE_ATTRIBUTES } from '../schema/sensitive-attributes.js';

export interface Visibility {
  /** Names of the mounts the caller may read; undefined means every mount. */
  readonly mounts?: ReadonlySet<string>;
  /** Lower-cased canonical names of attributes never shown to the caller. */
  readonly withheld: ReadonlySet<string>;
}

/** What a caller sees when nothing grants more: every mount, no secrets. */
export const DEFAULT_VISIBILITY: Visibility = { withheld: SENSITIVE_ATTRIBUTES };

/** A name no schema defines: conditions on withheld attributes evaluate Undefined (RFC 4511 4.5.1.7). */
const UNDEFINED_ATTRIBUTE = 'x-dirbridge-withheld';

/** The filter with every condition on a withheld attribute made Undefined; the same object if none. */
export function maskWithheld(filter: Filter, withheld: ReadonlySet<string>, schema: Schema): Filter {
  if (withheld.size === 0) return filter;
  const hidden = (attribute: string): boolean => withheld.has(schema.canonicalName(attribute).toLowerCase());
  const mask = (f: Filter): Filter => {
    switch (f.type) {
      case 'and':
      case 'or': {
        const children = f.filters.map(mask);
        return children.every((c, i) => c === f.filters[i]) ? f : { type: f.type, filters: children };
      }
      case 'not': {
        const inner = mask(f.filter);
        return inner === f.filter ? f : { type: 'not', filter: inner };
      }
      case 'extensible':
        return f.attribute !== undefined && hidden(f.attribute)
          ? { ...f, attribute: UNDEFINED_ATTRIBUTE }
          : f;
      default:
        return hidden(f.attribute) ? { ...f, attribute: UNDEFINED_ATTRIBUTE } : f;
    }
  };
  return mask(filter);
}
