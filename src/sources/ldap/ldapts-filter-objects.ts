/**
 * dirbridge's filter AST -> ldapts filter objects, which ldapts encodes for the backend as they are.
 * A filter string would be parsed again by ldapts, whose parser reads each `\xx` escape as one
 * Latin-1 character: an escaped UTF-8 value ("Jürgen Groß") reached the backend mangled. Objects
 * carry every value as the string it is, and ldapts writes it UTF-8 encoded (a lone UTF-16
 * surrogate becomes U+FFFD, as everywhere else Node encodes text); nothing is escaped, because
 * nothing is parsed. Binary values (objectGUID) cannot be written in the AST, whose values are text:
 * a caller that has one builds its EqualityFilter with a Buffer value itself.
 */
import {
  AndFilter,
  ApproximateFilter,
  EqualityFilter,
  ExtensibleFilter,
  GreaterThanEqualsFilter,
  LessThanEqualsFilter,
  NotFilter,
  OrFilter,
  PresenceFilter,
  SubstringFilter,
  type Filter as LdaptsFilter,
} from 'ldapts';
import type { Filter } from '../../filter/ast.js';

/**
 * An attribute description (RFC 4512 2.5: a name or OID, then options) or a matching rule, in the
 * characters dirbridge's own filter parser accepts. Checked because ldapts writes a presence
 * filter's attribute one UTF-16 code unit per byte: anything outside ASCII would go out garbled.
 */
const ATTRIBUTE_DESCRIPTION = /^[A-Za-z0-9][A-Za-z0-9.;_-]*$/;

/**
 * The ldapts filter for a filter AST. Recursive: filters reaching a backend are bounded by
 * maxFilterDepth (a client's) or written by an operator (config), and ldapts's own encoder recurses
 * as deep anyway. Throws when an attribute or rule is no attribute description, naming it.
 */
export function toLdaptsFilter(filter: Filter): LdaptsFilter {
  switch (filter.type) {
    case 'and':
      return new AndFilter({ filters: filter.filters.map(toLdaptsFilter) });
    case 'or':
      return new OrFilter({ filters: filter.filters.map(toLdaptsFilter) });
    case 'not':
      return new NotFilter({ filter: toLdaptsFilter(filter.filter) });
    case 'present':
      return new PresenceFilter({ attribute: checked(filter.attribute) });
    case 'equality':
      return new EqualityFilter({ attribute: checked(filter.attribute), value: filter.value });
    case 'approx':
      return new ApproximateFilter({ attribute: checked(filter.attribute), value: filter.value });
    case 'greaterOrEqual':
      return new GreaterThanEqualsFilter({ attribute: checked(filter.attribute), value: filter.value });
    case 'lessOrEqual':
      return new LessThanEqualsFilter({ attribute: checked(filter.attribute), value: filter.value });
    case 'substrings':
      return substrings(filter);
    case 'extensible':
      return new ExtensibleFilter({
        ...(filter.matchingRule === undefined ? {} : { rule: checked(filter.matchingRule) }),
        ...(filter.attribute === undefined ? {} : { matchType: checked(filter.attribute) }),
        value: filter.value,
        dnAttributes: filter.dnAttributes,
      });
  }
}

/**
 * ldapts leaves out an empty initial or final part but would write an empty `any` part, and a
 * substrings filter with no part at all, which RFC 4511 does not allow. Neither changes what the
 * filter matches, so empty parts are dropped, and a filter with none left (`(cn=*)`) is a presence.
 */
function substrings(filter: Extract<Filter, { type: 'substrings' }>): LdaptsFilter {
  const attribute = checked(filter.attribute);
  const any = filter.any.filter((part) => part !== '');
  const initial = filter.initial ?? '';
  const final = filter.final ?? '';
  if (initial === '' && final === '' && any.length === 0) return new PresenceFilter({ attribute });
  return new SubstringFilter({ attribute, initial, any, final });
}

function checked(name: string): string {
  if (!ATTRIBUTE_DESCRIPTION.test(name)) {
    throw new Error(`"${name}" is not an LDAP attribute description: it cannot be put in a filter`);
  }
  return name;
}
