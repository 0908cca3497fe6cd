/**
 * Folding for names and text (DESIGN.md "Matching rules"): what makes `muller` find `Müller` and
 * `anna  MÜLLER ` equal `Anna Müller`. A simplified RFC 4518 string preparation: case folded,
 * compatibility-decomposed with combining marks dropped, letters that have no decomposition mapped
 * to their ASCII look-alikes, and insignificant space folded.
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
const UNDECOMPOSABLE_PATTERN = new RegExp(`[${Object.keys(UNDECOMPOSABLE).join('')}]`, 'gu');
const MARKS = /\p{M}+/gu;
/** Format characters (soft hyphen, zero-width joiners, bidi marks) and controls RFC 4518 maps to nothing. */
const INVISIBLE = /(?:(?!\s)[\p{Cf}\p{Cc}])+/gu;
const SPACE_RUNS = /\s+/gu;

/** A substring assertion whose components are already in the form the values are compared in. */
export interface SubstringPattern {
  readonly initial?: string;
  readonly any: readonly string[];
  readonly final?: string;
}

/** Folds a value for comparison: the form stored values and equality assertions are compared in. */
export function foldText(value: string): string {
  if (isFoldedAscii(value, true)) return value;
  return foldSpaces(foldCharacters(value)).trim();
}

/**
 * Folds substring assertion components. Spaces inside and between words stay significant (`anna *`
 * does not find `Annabelle`), but a leading space of the initial component and a trailing space of
 * the final one can never match a trimmed value, so they are dropped.
 */
export function foldSubstrings(
  initial: string | undefined,
  any: readonly string[],
  final: string | undefined,
): SubstringPattern {
  const pattern: { initial?: string; any: string[]; final?: string } = { any: [] };
  const foldedInitial = initial === undefined ? '' : foldComponent(initial).trimStart();
  if (foldedInitial !== '') pattern.initial = foldedInitial;
  for (const part of any) {
    const folded = foldComponent(part);
    if (folded !== '') pattern.any.push(folded);
  }
  const foldedFinal = final === undefined ? '' : foldComponent(final).trimEnd();
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
  if (isFoldedAscii(value, false)) return value;
  return foldSpaces(foldCharacters(value));
}

/** Case, accents and look-alike letters; whitespace is left to foldSpaces. */
function foldCharacters(value: string): string {
  if (isAscii(value)) return value.toLowerCase();
  // NFKD before lower-casing: compatibility forms such as `ℌ` decompose to capitals. Lower-casing can
  // in turn produce combining marks (`İ` -> `i̇`), so marks are removed after both.
  return value
    .normalize('NFKD')
    .toLowerCase()
    .replace(MARKS, '')
    .replace(UNDECOMPOSABLE_PATTERN, (letter) => UNDECOMPOSABLE[letter] ?? letter);
}

function foldSpaces(value: string): string {
  // Invisible characters go first, so that `a \u00ad b` does not leave two spaces behind.
  return value.replace(INVISIBLE, '').replace(SPACE_RUNS, ' ');
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

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}
