/**
 * The directory's `$search`: quoted `"property:words"` clauses joined by AND / OR (AND binds
 * tighter), e.g. `"displayName:wa" OR "mail:bob"`. Matching is tokenized prefix matching, as the
 * aad-advanced-queries page describes: a value is split into words at spaces, punctuation and
 * lower-to-upper case changes, and every word of the clause must begin some word of the value,
 * ignoring case.
 */
import { badDirectoryRequest, unsupportedQuery } from './graph-errors.js';

export type SearchNode =
  | { readonly kind: 'and' | 'or'; readonly left: SearchNode; readonly right: SearchNode }
  | { readonly kind: 'clause'; readonly property: string; readonly words: readonly string[] };

/** Parses `$search`; `properties` are the searchable ones, in the resource's spelling. */
export function parseSearch(text: string, properties: readonly string[]): SearchNode {
  const parts = text.trim().match(/"[^"]*"|\S+/g) ?? [];
  if (parts.length === 0) throw badDirectoryRequest('Invalid search query: the search string is empty.');
  let at = 0;
  const clause = (): SearchNode => {
    const part = parts[at++];
    if (part?.startsWith('"') !== true)
      throw badDirectoryRequest(`Invalid search query: expected a quoted clause, found '${part ?? ''}'.`);
    return parseClause(part.slice(1, -1), properties);
  };
  const conjunction = (): SearchNode => {
    let left = clause();
    while (parts[at] === 'AND') {
      at++;
      left = { kind: 'and', left, right: clause() };
    }
    return left;
  };
  let node = conjunction();
  while (parts[at] === 'OR') {
    at++;
    node = { kind: 'or', left: node, right: conjunction() };
  }
  if (at < parts.length) throw badDirectoryRequest(`Invalid search query: unexpected '${parts[at]!}'.`);
  return node;
}

function parseClause(text: string, properties: readonly string[]): SearchNode {
  const colon = text.indexOf(':');
  if (colon <= 0) throw badDirectoryRequest(`Invalid search query: '${text}' names no property.`);
  const asked = text.slice(0, colon).trim();
  const property = properties.find((name) => name.toLowerCase() === asked.toLowerCase());
  if (property === undefined) throw unsupportedQuery(`Search is not supported on property '${asked}'.`);
  return { kind: 'clause', property, words: words(text.slice(colon + 1)) };
}

export function matchesSearch(node: SearchNode, object: object): boolean {
  if (node.kind !== 'clause') {
    return node.kind === 'and'
      ? matchesSearch(node.left, object) && matchesSearch(node.right, object)
      : matchesSearch(node.left, object) || matchesSearch(node.right, object);
  }
  const value = (object as Record<string, unknown>)[node.property];
  const values = Array.isArray(value) ? value : [value];
  const valueWords = values.flatMap((one) => (typeof one === 'string' ? words(one) : []));
  return node.words.every((word) => valueWords.some((candidate) => candidate.startsWith(word)));
}

/** `JohnSmith-Jones@contoso.com` -> john, smith, jones, contoso, com. */
function words(text: string): string[] {
  return text
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}
