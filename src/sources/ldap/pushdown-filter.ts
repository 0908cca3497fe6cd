/**
 * Pushdown for LDAP backends: turns a native-name filter into one the backend can run that selects
 * a SUPERSET of what dirbridge's own matching rules select (DESIGN.md "Planning a search"). The
 * directory's evaluator decides afterwards, so whatever the backend cannot be trusted to match the
 * way dirbridge does is widened:
 *
 * - text: the backend's caseIgnore rules do not fold accents (`(sn=muller*)` misses `Müller`), so
 *   every character that some accented or special letter folds to, every non-ASCII character and
 *   every space becomes a wildcard; what is left is pushed down as a substrings pattern;
 * - identifiers (the fields a query names in `exactFields`: those that fill only presented
 *   attributes dirbridge compares with their accents, such as `mail`): the backend compares them as
 *   dirbridge does, so they go down as written (`(mail=Anna.Mueller@Example.com)` stays that
 *   equality, which the backend's index answers); only non-ASCII characters and spaces become
 *   wildcards, since a backend may normalise those differently;
 * - telephone numbers: backends keep separators and mix national and international forms, so a
 *   condition with digits becomes the digits of its national significant number with wildcards
 *   between them (`+49 30 1234-0001` -> `*3*0*1*2*3*4*0*0*0*1*`), which every written form contains;
 * - ordering, approximate and extensible conditions and negations are dropped (widened away).
 *
 * The letter and digit logic is kept here on purpose: sources must not import `directory/`.
 */
import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Filter } from '../../filter/ast.js';

export interface PushdownOptions {
  /** Native attributes holding telephone numbers (compared without regard to case). */
  readonly phoneFields: readonly string[];
  /** ISO 3166 country national numbers are read in (`DE`: `030 1234` is `+49 30 1234`). */
  readonly defaultCountry: string;
  /**
   * Backend limits (Domino: only name and mail attributes are indexed, and a leading wildcard is
   * dropped, so `*br*` runs as `br*`): conditions on other attributes are not pushed down, and a
   * substrings condition goes down as its start only (`br*`), or not at all when it has none.
   */
  readonly limits?: {
    readonly attributes: readonly string[];
    readonly prefixOnly: boolean;
  };
}

const NO_FIELDS: readonly string[] = [];

/** A translator for one source: its phone fields and number prefixes worked out once. */
export class PushdownFilter {
  readonly #phoneFields: ReadonlySet<string>;
  /** Digits that may precede the national significant number: IDD + calling code + trunk prefix. */
  readonly #numberPrefix: string;
  /** Lower-cased attributes that may go down; undefined: any. */
  readonly #pushable: ReadonlySet<string> | undefined;
  readonly #prefixOnly: boolean;
  #exact: { readonly fields: readonly string[]; readonly set: ReadonlySet<string> } | undefined;

  constructor(options: PushdownOptions) {
    this.#phoneFields = new Set(options.phoneFields.map((field) => field.toLowerCase()));
    this.#numberPrefix = numberPrefixOf(options.defaultCountry);
    this.#pushable = options.limits && new Set(options.limits.attributes.map((a) => a.toLowerCase()));
    this.#prefixOnly = options.limits?.prefixOnly ?? false;
  }

  /**
   * The widened filter, or undefined when nothing of it can be pushed down ("everything").
   * `exactFields`: native fields whose conditions may go down as written (SourceQuery.exactFields).
   */
  translate(filter: Filter, exactFields: readonly string[] = NO_FIELDS): Filter | undefined {
    return this.#pushed(filter, this.#exactSet(exactFields));
  }

  /**
   * Whether a widened filter looks one identifier up: a single equality on an exact field, which
   * finds an entry or a few.
   */
  isLookup(widened: Filter, exactFields: readonly string[] = NO_FIELDS): boolean {
    return widened.type === 'equality' && this.#exactSet(exactFields).has(widened.attribute.toLowerCase());
  }

  /** The lower-cased set of exact fields, kept for the array a mount hands every query. */
  #exactSet(fields: readonly string[]): ReadonlySet<string> {
    if (this.#exact?.fields !== fields) {
      this.#exact = { fields, set: new Set(fields.map((field) => field.toLowerCase())) };
    }
    return this.#exact.set;
  }

  #pushed(filter: Filter, exact: ReadonlySet<string>): Filter | undefined {
    if (this.#pushable && 'attribute' in filter && filter.attribute !== undefined) {
      if (!this.#pushable.has(filter.attribute.toLowerCase())) return undefined;
    }
    const translated = this.#translate(filter, exact);
    return this.#prefixOnly && translated?.type === 'substrings' ? prefixOf(translated) : translated;
  }

  #translate(filter: Filter, exact: ReadonlySet<string>): Filter | undefined {
    switch (filter.type) {
      case 'and': {
        const parts = filter.filters.map((f) => this.#pushed(f, exact)).filter((f) => f !== undefined);
        if (parts.length === 0) return undefined;
        return parts.length === 1 ? parts[0] : { type: 'and', filters: parts };
      }
      case 'or': {
        const parts: Filter[] = [];
        for (const child of filter.filters) {
          const part = this.#pushed(child, exact);
          if (part === undefined) return undefined;
          parts.push(part);
        }
        if (parts.length === 0) return filter; // (|) matches nothing: already as narrow as it gets
        return parts.length === 1 ? parts[0] : { type: 'or', filters: parts };
      }
      case 'present':
        return filter;
      case 'equality': {
        const { attribute, value } = filter;
        if (this.#phoneFields.has(attribute.toLowerCase())) return this.#number(attribute, [value]);
        if (!exact.has(attribute.toLowerCase()))
          return widenText(attribute, value, undefined, [], undefined, isKept);
        return widenText(attribute, nfc(value), undefined, [], undefined, isKeptInIdentifier);
      }
      case 'substrings': {
        const { attribute, initial, any, final } = filter;
        if (this.#phoneFields.has(attribute.toLowerCase()))
          return this.#number(attribute, [initial ?? '', ...any, final ?? '']);
        if (!exact.has(attribute.toLowerCase()))
          return widenText(attribute, undefined, initial, any, final, isKept);
        const [first, last] = [initial && nfc(initial), final && nfc(final)];
        return widenText(attribute, undefined, first, any.map(nfc), last, isKeptInIdentifier);
      }
      case 'not':
      case 'extensible':
      case 'greaterOrEqual':
      case 'lessOrEqual':
      case 'approx':
        return undefined;
    }
  }

  /**
   * A number condition: the digits of all its parts, in order, less any leading digits that could be
   * international prefix, calling code or trunk prefix. What is left is contained, in order, in
   * every written form of every number that matches, so it goes down with wildcards between digits.
   * A condition without digits (`*abc*` on a phone field) is not pushed down.
   */
  #number(attribute: string, parts: readonly string[]): Filter | undefined {
    const digits = nationalDigits(parts.join('').replace(/\D/g, ''), this.#numberPrefix);
    if (digits === '') return undefined;
    return { type: 'substrings', attribute, any: digits.split('') };
  }
}

/** A substrings condition cut down to its start: `br*x*` as `br*`; none without a start. */
function prefixOf(filter: Extract<Filter, { type: 'substrings' }>): Filter | undefined {
  if (filter.initial === undefined || filter.initial === '') return undefined;
  if (filter.any.length === 0 && filter.final === undefined) return filter;
  return { type: 'substrings', attribute: filter.attribute, initial: filter.initial, any: [] };
}

/**
 * The digits after the longest leading run that is a subsequence of `prefix` (for Germany
 * `00490`: `00`, `49`, `0049`, `490`, `0`...). Taking off too much is always safe (what is left is
 * still contained in the value); taking off too little is not, so the run is taken greedily.
 */
export function nationalDigits(digits: string, prefix: string): string {
  let used = 0;
  let at = 0;
  while (at < digits.length) {
    const found = prefix.indexOf(digits[at]!, used);
    if (found < 0) break;
    used = found + 1;
    at++;
  }
  return digits.slice(at);
}

/** International call prefix, calling code and trunk prefix of a country, as one digit string. */
export function numberPrefixOf(defaultCountry: string): string {
  const country = defaultCountry.toUpperCase();
  if (!isSupportedCountry(country)) throw new Error(`unknown default country "${defaultCountry}"`);
  const code = country;
  return `${IDD_PREFIX[code] ?? '00'}${getCountryCallingCode(code)}${TRUNK_PREFIX[code] ?? '0'}`;
}

/**
 * Countries whose international or trunk prefix is not `00`/`0`. A wrong guess only costs
 * narrowness (more digits taken off) as long as the real prefix digits are in the string.
 */
const IDD_PREFIX: Partial<Record<CountryCode, string>> = { US: '011', CA: '011', JP: '010', AU: '0011' };
const TRUNK_PREFIX: Partial<Record<CountryCode, string>> = { US: '1', CA: '1', IT: '', RU: '8', HU: '06' };

/**
 * ASCII letters some other letter folds to (Latin-1 Supplement and Latin Extended-A without their
 * marks, plus letters with no decomposition: ß -> ss, ø -> o, æ -> ae, œ -> oe, ł -> l, đ/ð -> d,
 * þ -> th, ı -> i, ħ -> h, ŧ -> t, ĸ -> k, ŋ -> n). A stored value may hold an accented form where
 * the assertion has one of these, so none of them can be pushed down as written.
 */
export const ACCENTABLE_LETTERS: ReadonlySet<string> = accentableLetters();

function accentableLetters(): Set<string> {
  const letters = new Set<string>('sshoaeoeldddthihtkn');
  for (let code = 0xc0; code <= 0x17f; code++) {
    const char = String.fromCodePoint(code);
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (base === char.toLowerCase()) continue;
    for (const letter of base) if (letter >= 'a' && letter <= 'z') letters.add(letter);
  }
  return letters;
}

/**
 * An identifier's assertion with its accents precomposed (NFC): `u` + U+0308 is `ü`, which becomes a
 * wildcard, where the `u` alone would go down and miss the backend's `jürgen`.
 */
function nfc(text: string): string {
  // Most identifiers (mail addresses, logins) are ASCII, which NFC leaves as it is: normalize()
  // costs a lookup in ICU's tables all the same.
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return text.normalize('NFC');
  return text;
}

/** Whether a character can go down as written: printable ASCII that no other character folds to. */
function isKept(char: string): boolean {
  return isKeptInIdentifier(char) && !ACCENTABLE_LETTERS.has(char.toLowerCase());
}

/**
 * Whether a character of an identifier can go down as written: printable ASCII but space, which
 * every backend compares as dirbridge does (case aside, which they ignore too). Other characters a
 * backend may normalise otherwise (`ü` precomposed or not, `ß` against `ss`), and spaces it may
 * not fold, so they become wildcards.
 */
function isKeptInIdentifier(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code > 0x20 && code < 0x7f;
}

/** Whether every character of `text` is `kept` (by code point, without an array of them). */
function allKept(text: string, kept: (char: string) => boolean): boolean {
  for (const char of text) if (!kept(char)) return false;
  return true;
}

/**
 * A text condition with every character that cannot go down as written (not `kept`) turned into a
 * wildcard. Equality is `value` (anchored at both ends); substrings keep their anchors where the
 * first or last character survives. Nothing left means no restriction (undefined); nothing widened
 * keeps an equality an equality (attributes without a substrings rule still match it).
 */
function widenText(
  attribute: string,
  value: string | undefined,
  initial: string | undefined,
  any: readonly string[],
  final: string | undefined,
  kept: (char: string) => boolean,
): Filter | undefined {
  if (value !== undefined && allKept(value, kept)) return { type: 'equality', attribute, value };
  const whole = value === undefined ? [initial ?? '', ...any, final ?? ''] : [value];
  const anchoredStart = value !== undefined || (initial !== undefined && initial !== '');
  const anchoredEnd = value !== undefined || (final !== undefined && final !== '');
  // Runs of kept characters, component by component; a component boundary is a wildcard too.
  const runs: string[] = [];
  let startCut = !anchoredStart;
  let endCut = !anchoredEnd;
  whole.forEach((component, index) => {
    let run = '';
    const chars = Array.from(component);
    chars.forEach((char, at) => {
      if (kept(char)) {
        run += char;
        return;
      }
      if (index === 0 && at === 0) startCut = true;
      if (index === whole.length - 1 && at === chars.length - 1) endCut = true;
      if (run !== '') runs.push(run);
      run = '';
    });
    if (run !== '') runs.push(run);
  });
  if (runs.length === 0) return undefined;
  const first = whole[0] ?? '';
  const last = whole[whole.length - 1] ?? '';
  // An empty first or last component (substrings without initial or final) is not anchored.
  if (first === '') startCut = true;
  if (last === '') endCut = true;
  const parts = [...runs];
  const pattern: { initial?: string; any: string[]; final?: string } = { any: [] };
  if (!startCut) pattern.initial = parts.shift()!;
  if (!endCut && parts.length > 0) pattern.final = parts.pop()!;
  pattern.any = parts;
  if (pattern.initial === undefined && pattern.final === undefined && pattern.any.length === 0)
    return undefined;
  return { type: 'substrings', attribute, ...pattern };
}
