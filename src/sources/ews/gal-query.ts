/**
 * What the address book is asked for a search: the names to resolve. ResolveNames matches the
 * start of words (ambiguous name resolution) and cannot browse the GAL, so only a condition that
 * says how a name, alias or address begins can be asked: `(cn=jo*)`, `(sn=müller)`,
 * `(mail=alice@contoso.com)`. An OR asks each branch it can (a number or "contains" branch
 * answers nothing from EWS), an AND the first of its conditions it can ask (the others are checked
 * on what comes back); anything else asks nothing. The directory's evaluator decides what matches.
 */
import type { Filter } from '../../filter/ast.js';

/** The native fields ResolveNames looks in. */
const NAME_FIELDS = new Set(
  [
    'DisplayName',
    'GivenName',
    'Surname',
    'Alias',
    'smtpAddress',
    'EmailAddress1',
    'EmailAddress2',
    'EmailAddress3',
  ].map((name) => name.toLowerCase()),
);

/** Most ResolveNames calls one search makes (each returns at most 100 entries). */
export const MAX_NAMES = 8;

/** The distinct names to resolve, at most MAX_NAMES; empty when the filter asks nothing EWS can answer. */
export function namesToResolve(filter: Filter | undefined): string[] {
  if (filter === undefined) return [];
  const names = new Map<string, string>();
  for (const name of askable(filter)) {
    const key = name.toLowerCase();
    if (!names.has(key)) names.set(key, name);
  }
  return [...names.values()].slice(0, MAX_NAMES);
}

function askable(filter: Filter): string[] {
  switch (filter.type) {
    case 'or':
      return filter.filters.flatMap(askable);
    case 'and':
      for (const part of filter.filters) {
        const names = askable(part);
        if (names.length > 0) return names;
      }
      return [];
    case 'equality':
    case 'approx':
      return nameField(filter.attribute) ? [filter.value.trim()].filter(Boolean) : [];
    case 'substrings': {
      const start = filter.initial?.trim();
      return nameField(filter.attribute) && start ? [start] : [];
    }
    default:
      return [];
  }
}

function nameField(attribute: string): boolean {
  return NAME_FIELDS.has(attribute.toLowerCase());
}
