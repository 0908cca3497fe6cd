/**
 * FindItem's QueryString (AQS, Exchange 2013+), as Microsoft documents it: a search of the content
 * index over every indexed property of the item, case-insensitive; each word is a prefix match
 * ("project" finds "projected"), several words must all occur; a quoted phrase needs its whole words
 * in that order, and `"…"*` makes its last word a prefix again; OR between terms. Accents are
 * ignored, as the content index folds them. AQS keywords for mail (from:, subject:, …) mean nothing
 * on a contact and are searched as plain text.
 */
import type { StoredContact } from '../store/contact.js';
import { searchableText } from './contact-values.js';
import { fold, LOOSE, wordsOf } from './text-comparison.js';
import type { ContactPredicate } from './restriction.js';

interface Term {
  readonly words: readonly string[];
  /** Whether the last word may be a prefix (a bare word, or a quoted phrase ending in `*`). */
  readonly prefixLast: boolean;
}

export function queryStringPredicate(query: string): ContactPredicate {
  const alternatives = splitOr(tokenize(query)).map((tokens) => tokens.map(term));
  return (contact) =>
    alternatives.some((terms) => terms.every((candidate) => termMatches(candidate, contact)));
}

/** Tokens: quoted phrases (with an optional trailing `*`) kept whole, everything else split on whitespace. */
function tokenize(query: string): string[] {
  return [...query.matchAll(/"[^"]*"\*?|\S+/g)].map((match) => match[0]);
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
  const quoted = token.startsWith('"');
  const words = wordsOf(fold(token.replace(/"\*?$|^"/g, ''), LOOSE));
  return { words, prefixLast: !quoted || token.endsWith('*') };
}

function termMatches(candidate: Term, contact: StoredContact): boolean {
  return searchableText(contact).some((text) => phraseMatches(candidate, wordsOf(fold(text, LOOSE))));
}

function phraseMatches(candidate: Term, words: readonly string[]): boolean {
  const phrase = candidate.words;
  if (phrase.length === 0) return true;
  for (let start = 0; start + phrase.length <= words.length; start += 1) {
    const fits = phrase.every((word, offset) => {
      const actual = words[start + offset]!;
      const prefix = offset === phrase.length - 1 && candidate.prefixLast;
      return prefix ? actual.startsWith(word) : actual === word;
    });
    if (fits) return true;
  }
  return false;
}
