/**
 * Splits an OData `$filter` into tokens for odata-filter-parser.ts. Scanning is one pass over the
 * characters with no regular expression; the few regular expressions that classify a literal
 * (number, date, GUID) are anchored and have no nested repetition, so no input makes them backtrack.
 *
 * Unquoted literals are read as Graph writes them: numbers (`-12`, `2.5`, `1e3`), dates
 * (`2024-01-31`), date-times with an offset (`2024-01-31T08:00:00Z`) and GUIDs
 * (`6fd2c87f-b296-42f0-b197-1e91e994b900`, as `assignedLicenses/any(x:x/skuId eq …)` needs).
 */

import type { ODataLiteral } from './odata-filter-tree.js';

export type Punctuation = '(' | ')' | ',' | ':' | '/';

/** `at` is the 0-based index of the token's first character. */
export type Token =
  | { readonly type: 'name'; readonly text: string; readonly at: number }
  | { readonly type: 'literal'; readonly value: ODataLiteral; readonly text: string; readonly at: number }
  | { readonly type: 'punctuation'; readonly text: Punctuation; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

/**
 * A filter that cannot be read. `position` is 1-based (the first character is 1), like the line
 * and column of a config problem, since this message ends up in one: `at 14: expected ')'`.
 */
export class ODataFilterError extends Error {
  override readonly name = 'ODataFilterError';

  constructor(
    readonly position: number,
    readonly detail: string,
  ) {
    super(`at ${position}: ${detail}`);
  }
}

/** An error at a 0-based index. */
export function failAt(index: number, detail: string): ODataFilterError {
  return new ODataFilterError(index + 1, detail);
}

const PUNCTUATION = new Set<string>(['(', ')', ',', ':', '/']);
const WHITESPACE = new Set<string>([' ', '\t', '\n', '\r']);

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,12})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (WHITESPACE.has(char)) {
      at++;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ type: 'punctuation', text: char as Punctuation, at });
      at++;
    } else if (char === "'") {
      const [value, next] = readString(text, at);
      tokens.push({ type: 'literal', value: { kind: 'string', value }, text: text.slice(at, next), at });
      at = next;
    } else if (isDigit(char) || (char === '-' && isDigit(text[at + 1]))) {
      const end = scan(text, at, isBareLiteralChar);
      tokens.push(bareLiteral(text.slice(at, end), at));
      at = end;
    } else if (isNameStart(char)) {
      const nameEnd = scan(text, at, isNameChar);
      // A name cannot hold '-': this is a GUID that starts with a letter (`e3e0c8a2-…`), or a typo.
      const end = text[nameEnd] === '-' ? scan(text, at, isBareLiteralChar) : nameEnd;
      tokens.push(end === nameEnd ? { type: 'name', text: text.slice(at, end), at } : guid(text, at, end));
      at = end;
    } else {
      throw failAt(at, `unexpected character '${char}'`);
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

/** An OData string: single quotes, with `''` standing for one quote inside. Returns [value, end]. */
function readString(text: string, start: number): [string, number] {
  const parts: string[] = [];
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote < 0) throw failAt(start, 'the string that starts here has no closing quote');
    parts.push(text.slice(from, quote));
    if (text[quote + 1] !== "'") return [parts.join(''), quote + 1];
    parts.push("'");
    from = quote + 2;
  }
}

function bareLiteral(text: string, at: number): Token {
  if (NUMBER.test(text)) {
    const value = Number(text);
    if (!Number.isFinite(value)) throw failAt(at, `the number '${clip(text)}' is too large`);
    return { type: 'literal', value: { kind: 'number', value }, text, at };
  }
  if (GUID.test(text)) return { type: 'literal', value: { kind: 'string', value: text }, text, at };
  const epochMs = instant(text);
  if (epochMs === undefined) {
    throw failAt(
      at,
      `'${clip(text)}' is not a number, a date (2024-01-31), a date-time with an offset or a GUID`,
    );
  }
  return { type: 'literal', value: { kind: 'dateTime', value: text, epochMs }, text, at };
}

function guid(text: string, start: number, end: number): Token {
  const written = text.slice(start, end);
  if (!GUID.test(written)) throw failAt(start, `'${clip(written)}' is neither a property name nor a GUID`);
  return { type: 'literal', value: { kind: 'string', value: written }, text: written, at: start };
}

/**
 * Epoch milliseconds of a date (midnight UTC) or a date-time with an offset, or undefined if the
 * text is neither or names a day that does not exist (Date.parse would roll 2024-02-30 over to March).
 */
function instant(text: string): number | undefined {
  const parts = DATE.exec(text) ?? DATE_TIME.exec(text);
  if (parts === null) return undefined;
  const [year, month, day, hour = '0', minute = '0', second = '0', offsetHour = '0', offsetMinute = '0'] =
    parts.slice(1).map((part: string | undefined) => part ?? '0');
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const valid =
    inRange(month, 1, 12) &&
    inRange(day, 1, daysInMonth) &&
    inRange(hour, 0, 23) &&
    inRange(minute, 0, 59) &&
    inRange(second, 0, 59) &&
    inRange(offsetHour, 0, 23) &&
    inRange(offsetMinute, 0, 59);
  const epochMs = Date.parse(text);
  return valid && !Number.isNaN(epochMs) ? epochMs : undefined;
}

function inRange(digits: string | undefined, low: number, high: number): boolean {
  const value = Number(digits);
  return value >= low && value <= high;
}

function scan(text: string, start: number, accepts: (char: string) => boolean): number {
  let end = start + 1;
  while (end < text.length && accepts(text[end]!)) end++;
  return end;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isNameStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_';
}

function isNameChar(char: string): boolean {
  return isNameStart(char) || isDigit(char);
}

/** Characters of an unquoted literal: digits, letters (e, T, Z, hex), `.`, `:`, `+` and `-`. */
function isBareLiteralChar(char: string): boolean {
  return isNameChar(char) || char === '.' || char === ':' || char === '+' || char === '-';
}

/** Echoed input is cut short, so a hostile filter cannot make a huge error message. */
export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
