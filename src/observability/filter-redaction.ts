/**
 * A search filter as the operation log may show it: every value that could be a password replaced,
 * so a client guessing passwords by filter does not write its guesses, or a correct one, into the
 * log. That is every value asserted about a secret attribute (`(userPassword=...)`, a probe for a
 * SIP password), and the value of every extensible match that names no attribute
 * (`(:octetStringMatch:=...)`), which is tested against all of an entry's attributes, secret ones
 * included wherever the caller may read them.
 */
import type { Filter } from '../filter/ast.js';
import { isSensitiveAttribute } from '../schema/sensitive-attributes.js';
import { REDACTED } from './logger.js';

/**
 * The verdict for each attribute description a filter named lately: a handful of names (phones ask
 * by number and name) are judged on every logged search, and judging one cuts and lower-cases it.
 */
const verdicts = new Map<string, boolean>();
/** Descriptions kept before the map is started afresh, so a client inventing names cannot grow it. */
const VERDICTS_KEPT = 1024;
/** Longer descriptions are judged each time: a filter may name one of up to maxRequestBytes. */
const VERDICT_NAME_MAX = 128;

function isSensitive(attribute: string | undefined): boolean {
  if (attribute === undefined) return false;
  let sensitive = verdicts.get(attribute);
  if (sensitive === undefined) {
    sensitive = isSensitiveAttribute(attribute);
    if (attribute.length > VERDICT_NAME_MAX) return sensitive;
    if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
    verdicts.set(attribute, sensitive);
  }
  return sensitive;
}

/** The filter with secret values replaced; the same object when there is none. */
export function redactFilter(filter: Filter): Filter {
  switch (filter.type) {
    case 'and':
    case 'or': {
      const filters = filter.filters.map(redactFilter);
      return filters.every((f, i) => f === filter.filters[i]) ? filter : { type: filter.type, filters };
    }
    case 'not': {
      const inner = redactFilter(filter.filter);
      return inner === filter.filter ? filter : { type: 'not', filter: inner };
    }
    case 'present':
      return filter;
    case 'extensible':
      return filter.attribute === undefined || isSensitive(filter.attribute)
        ? { ...filter, value: REDACTED }
        : filter;
    case 'substrings':
      if (!isSensitive(filter.attribute)) return filter;
      return { type: 'substrings', attribute: filter.attribute, any: [REDACTED] };
    default:
      return isSensitive(filter.attribute) ? { ...filter, value: REDACTED } : filter;
  }
}
