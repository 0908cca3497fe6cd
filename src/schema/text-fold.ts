/**
 * Folding for names and text (DESIGN.md "Matching rules"): what makes `muller` find `Müller` and
 * `anna  MÜLLER ` equal `Anna Müller`. A simplified RFC 4518 string preparation: case folded,
 * compatibility-decomposed with combining marks dropped, letters that have no decomposition mapped
 * to their ASCII look-alikes, and insignificant space folded.
 *
 * Identifiers (mailboxes, logins: AttributeType.identifier) are folded as RFC 4517 and 4518 prepare
 * caseIgnoreMatch and caseIgnoreIA5Match, with their accents: `JÜRGEN@x` equals `jürgen@x`, never
 * `jurgen@x`. Whatever two identifiers fold to alike, they also fold to alike as names, so an index
 * keyed by the name form holds every identifier that can match.
 *
 * Also the substring matching that works on folded strings, shared by text and phone-number rules.
 */

/** Letters that NFKD leaves alone but that people type without their stroke or as two letters. */
const UNDECOMPOSABLE: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ĸ: 'k',
  ŋ: 'n',
  ς: 'σ',
};
const MARKS = /\p{M}/gu;
/** Format characters (soft hyphen, zero-width joiners, bidi marks) and controls RFC 4518 maps to nothing. */
const INVISIBLE = /[\p{Cf}\p{Cc}]/gu;
const WHITESPACE = /^\s$/u;
const INVISIBLE_CHAR = /^[\p{Cf}\p{Cc}]$/u;
const SPACE = 0x20;
/** What each non-ASCII code point folds to, computed once per code point seen. */
const CODE_POINT_FOLDS = new Map<number, string>();
/** What each non-ASCII code point of an identifier maps to (RFC 4518 2.2), once per code point seen. */
const IDENTIFIER_MAPS = new Map<number, string>();
/**
 * Case folds lower-casing alone misses: the final sigma, which lower-casing one letter never gives
 * back. Simple case folding, not RFC 3454's full folding (`ß` -> `ss`): `straße@` stays apart from
 * `strasse@`, as most backends keep them, so an ASCII identifier sent to a backend as written finds
 * every value dirbridge finds.
 */
const CASE_FOLDS: Readonly<Record<string, string>> = { ς: 'σ' };
const SPACE_RUNS = / {2,}/g;

/** How one kind of text is prepared for comparison: stored values and assertions, and substring parts. */
export interface TextFolding {
  /** A value or an equality assertion: insignificant space trimmed and folded. */
  readonly value: (text: string) => string;
  /** One substring component: leading and trailing space kept (as one space). */
  readonly component: (text: string) => string;
}

/** A substring assertion whose components are already in the form the values are compared in. */
export interface SubstringPattern {
  readonly initial?: string;
  readonly any: readonly string[];
  readonly final?: string;
}

/** Folds a value for comparison: the form stored values and equality assertions are compared in. */
export function foldText(value: string): string {
  return isFoldedAscii(value, true) ? value : foldSlowly(value, true);
}

/**
 * Folds an identifier for comparison (RFC 4518 for caseIgnoreMatch): invisible characters dropped,
 * white space made spaces, case folded, NFKC, insignificant space folded; accents are kept.
 */
export function foldIdentifier(value: string): string {
  return isFoldedAscii(value, true) ? value : foldIdentifierSlowly(value, true);
}

/** Names and other text: accents folded. */
export const NAME_FOLDING: TextFolding = { value: foldText, component: foldComponent };

/** Identifiers: case and space folded, accents kept. */
export const IDENTIFIER_FOLDING: TextFolding = {
  value: foldIdentifier,
  component: (text) => (isFoldedAscii(text, false) ? text : foldIdentifierSlowly(text, false)),
};

/**
 * Folds substring assertion components. Spaces inside and between words stay significant (`anna *`
 * does not find `Annabelle`), but a leading space of the initial component and a trailing space of
 * the final one can never match a trimmed value, so they are dropped.
 */
export function foldSubstrings(
  initial: string | undefined,
  any: readonly string[],
  final: string | undefined,
  folding: TextFolding = NAME_FOLDING,
): SubstringPattern {
  const pattern: { initial?: string; any: string[]; final?: string } = { any: [] };
  const foldedInitial = initial === undefined ? '' : foldPart(initial, folding, (text) => text.trimStart());
  if (foldedInitial !== '') pattern.initial = foldedInitial;
  for (const part of any) {
    const folded = foldPart(part, folding, (text) => text);
    if (folded !== '') pattern.any.push(folded);
  }
  const foldedFinal = final === undefined ? '' : foldPart(final, folding, (text) => text.trimEnd());
  if (foldedFinal !== '') pattern.final = foldedFinal;
  return pattern;
}

/**
 * One component, folded then trimmed as its place requires. A component made only of characters
 * folding maps to nothing (a NUL, other controls, format characters, lone combining marks) is kept
 * as written instead of vanishing: no folded value contains those characters, so `(cn=*\00*)`
 * matches nothing, as on AD, rather than becoming `(cn=*)` and matching everyone.
 */
function foldPart(part: string, folding: TextFolding, trim: (text: string) => string): string {
  const folded = folding.component(part);
  return folded === '' ? part : trim(folded);
}

/**
 * The pattern an index keyed by folded names finds an identifier's substrings assertion by: folded
 * as a name, a looser pattern, with two differences that keep it looser where names drop the marks
 * identifiers keep. A part folding to nothing is dropped rather than kept as written (`*\u0308*`
 * folds to nothing as a name, yet an identifier may contain it); and spaces at the ends of parts
 * are trimmed, as values are (`a \u0308` is `a` as a name, so `a *` would miss it).
 */
export function nameKeysOfIdentifierSubstrings(
  initial: string | undefined,
  any: readonly string[],
  final: string | undefined,
): SubstringPattern {
  const pattern: { initial?: string; any: string[]; final?: string } = { any: [] };
  const foldedInitial = initial === undefined ? '' : foldText(initial);
  if (foldedInitial !== '') pattern.initial = foldedInitial;
  for (const part of any) {
    const folded = foldText(part);
    if (folded !== '') pattern.any.push(folded);
  }
  const foldedFinal = final === undefined ? '' : foldText(final);
  if (foldedFinal !== '') pattern.final = foldedFinal;
  return pattern;
}

/**
 * Whether `value` matches a substring pattern: starts with `initial`, then contains each `any`
 * component in order without overlap, then ends with `final` (RFC 4511 4.5.1.7.2).
 */
export function matchesSubstrings(value: string, pattern: SubstringPattern): boolean {
  let position = 0;
  const { initial, final } = pattern;
  if (initial !== undefined) {
    if (!value.startsWith(initial)) return false;
    position = initial.length;
  }
  for (const part of pattern.any) {
    const found = value.indexOf(part, position);
    if (found < 0) return false;
    position = found + part.length;
  }
  if (final !== undefined) return value.length - final.length >= position && value.endsWith(final);
  return true;
}

/** Folds one substring component: like foldText, but leading and trailing space is kept (as one space). */
function foldComponent(value: string): string {
  return isFoldedAscii(value, false) ? value : foldSlowly(value, false);
}

/**
 * Folds character by character. Built from char codes, so the result is one flat string: the
 * obvious `normalize().replace()` chain leaves a tree of slices that keeps the decomposed two-byte
 * intermediate alive, about 150 bytes per value, which an index of 100,000 names notices.
 */
function foldSlowly(value: string, trim: boolean): string {
  const codes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) {
      if (code >= 0x41 && code <= 0x5a) codes.push(code + 0x20);
      else if (code === SPACE || (code >= 0x09 && code <= 0x0d)) pushSpace(codes, trim);
      else if (code > 0x20 && code < 0x7f) codes.push(code);
      continue;
    }
    const point = value.codePointAt(i)!;
    if (point > 0xffff) i++;
    const folded = foldCodePoint(point);
    for (let j = 0; j < folded.length; j++) {
      const foldedCode = folded.charCodeAt(j);
      if (foldedCode === SPACE) pushSpace(codes, trim);
      else codes.push(foldedCode);
    }
  }
  if (trim && codes[codes.length - 1] === SPACE) codes.pop();
  return fromCharCodes(codes);
}

/**
 * RFC 4518's order: map (invisible characters to nothing, white space to a space, case folded),
 * normalise (NFKC, before and after, so that compatibility forms that decompose to capitals fold
 * too), then insignificant space.
 */
function foldIdentifierSlowly(value: string, trim: boolean): string {
  let mapped = '';
  for (const char of value.normalize('NFKC')) mapped += identifierMap(char);
  const spaced = mapped.normalize('NFKC').replace(SPACE_RUNS, ' ');
  return trim ? spaced.trim() : spaced;
}

function identifierMap(char: string): string {
  const point = char.codePointAt(0)!;
  let mapped = IDENTIFIER_MAPS.get(point);
  if (mapped === undefined) {
    if (WHITESPACE.test(char)) mapped = ' ';
    else if (INVISIBLE_CHAR.test(char)) mapped = '';
    else mapped = char.toLowerCase().replace(/./gsu, (letter) => CASE_FOLDS[letter] ?? letter);
    IDENTIFIER_MAPS.set(point, mapped);
  }
  return mapped;
}

/** One space for a run of whitespace; none at the start when trimming. */
function pushSpace(codes: number[], trim: boolean): void {
  if (codes.length === 0 ? !trim : codes[codes.length - 1] !== SPACE) codes.push(SPACE);
}

/**
 * One code point: compatibility decomposition (`ﬁ` -> `fi`, full-width letters to ASCII) before
 * lower-casing, because decompositions can be capitals (`ℌ` -> `H`); lower-casing can in turn add
 * combining marks (`İ` -> `i̇`), so marks go last; whitespace of any kind becomes a space.
 */
function foldCodePoint(point: number): string {
  let folded = CODE_POINT_FOLDS.get(point);
  if (folded === undefined) {
    const char = String.fromCodePoint(point);
    folded = WHITESPACE.test(char)
      ? ' '
      : char
          .normalize('NFKD')
          .toLowerCase()
          .replace(MARKS, '')
          .replace(INVISIBLE, '')
          .replace(/./gsu, (letter) => UNDECOMPOSABLE[letter] ?? letter);
    CODE_POINT_FOLDS.set(point, folded);
  }
  return folded;
}

function fromCharCodes(codes: readonly number[]): string {
  const CHUNK = 8192;
  if (codes.length <= CHUNK) return String.fromCharCode(...codes);
  let out = '';
  for (let i = 0; i < codes.length; i += CHUNK) out += String.fromCharCode(...codes.slice(i, i + CHUNK));
  return out;
}

/**
 * The fast path: printable ASCII with no capitals and no doubled spaces is already folded, which is
 * most of what a directory holds, so it costs one pass and no allocation. With `trimmed`, a leading
 * or trailing space also disqualifies.
 */
function isFoldedAscii(value: string, trimmed: boolean): boolean {
  let previousWasSpace = trimmed;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x20) {
      if (previousWasSpace) return false;
      previousWasSpace = true;
    } else if (code < 0x21 || code > 0x7e || (code >= 0x41 && code <= 0x5a)) {
      return false;
    } else {
      previousWasSpace = false;
    }
  }
  return !(trimmed && previousWasSpace && value.length > 0);
}
