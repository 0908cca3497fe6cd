/**
 * FindItem's QueryString (AQS, Exchange 2013+): a content-index search, so it matches word prefixes,
 * ignoring case and accents, over the indexed text of a contact. Supported: terms (all must match),
 * `OR` between terms, quoted phrases, and `displayname:`/`firstname:`/`lastname:`/`company:`
 * property terms. That covers what a directory source sends (a name prefix typed on a phone).
 */
import type { StoredContact } from '../store/contact.js';
import { searchableText } from './contact-values.js';
import { fold, LOOSE, wordsOf } from './text-comparison.js';
import type { ContactPredicate } from './restriction.js';

type Term = { readonly field: string | undefined; readonly words: readonly string[] };

const FIELD_TEXT: Readonly<Record<string, (contact: StoredContact) => string | undefined>> = {
  displayname: (contact) => contact.data.displayName,
  firstname: (contact) => contact.data.givenName,
  lastname: (contact) => contact.data.surname,
  company: (contact) => contact.data.companyName,
};

export function queryStringPredicate(query: string): ContactPredicate {
  const alternatives = splitOr(tokenize(query)).map((tokens) => tokens.map(term));
  return (contact) =>
    alternatives.some((terms) => terms.every((candidate) => termMatches(candidate, contact)));
}

/** Tokens: quoted phrases kept whole, everything else split on whitespace. */
function tokenize(query: string): string[] {
  return [...query.matchAll(/(\w+:)?"([^"]*)"|\S+/g)].map((match) => match[0]);
}

function splitOr(tokens: readonly string[]): string[][] {
  const groups: string[][] = [[]];
  for (const token of tokens) {
    if (token === 'OR') groups.push([]);
    else if (token !== 'AND') groups[groups.length - 1]!.push(token);
  }
  return groups.filter((group) => group.length > 0);
}

function term(token: string): Term {
  const property = /^(\w+):(.*)$/.exec(token);
  const field = property?.[1]?.toLowerCase();
  const text = (
    property !== null && field !== undefined && field in FIELD_TEXT ? property[2]! : token
  ).replace(/"/g, '');
  return {
    field: field !== undefined && field in FIELD_TEXT ? field : undefined,
    words: wordsOf(fold(text, LOOSE)),
  };
}

function termMatches(candidate: Term, contact: StoredContact): boolean {
  const texts =
    candidate.field === undefined ? searchableText(contact) : [FIELD_TEXT[candidate.field]!(contact) ?? ''];
  return texts.some((text) => phraseMatches(candidate.words, wordsOf(fold(text, LOOSE))));
}

/** The words follow each other in the text; the last one may be a prefix, as the index treats it. */
function phraseMatches(phrase: readonly string[], words: readonly string[]): boolean {
  if (phrase.length === 0) return true;
  for (let start = 0; start + phrase.length <= words.length; start += 1) {
    const fits = phrase.every((word, offset) => {
      const candidate = words[start + offset]!;
      return offset === phrase.length - 1 ? candidate.startsWith(word) : candidate === word;
    });
    if (fits) return true;
  }
  return false;
}
