/**
 * Number-aware matching of telephone numbers (DESIGN.md "Matching rules"): `+49 30 1234567-12`,
 * `0049301234567 12`, `030/1234567-12` and `030 1234567-12` are one number, and a phone typing `0301`
 * or `456712` finds it. libphonenumber-js (with its full "max" metadata) reads the numbers; this file
 * decides which readings to trust and which digit strings a stored value is known by (its keys), and
 * translates assertions for an index that stores one canonical key per number (canonicalPatterns).
 *
 * The "max" metadata matters: with "min" metadata validity is only a length check, under which an
 * internal extension such as `1234` is a valid German number (+49 1234).
 */
import {
  Metadata,
  getCountryCallingCode,
  getExampleNumber,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { ValuesMemo } from './values-memo.js';
import { foldSubstrings, foldText, matchesSubstrings, type SubstringPattern } from './text-fold.js';

/** What a stored or asserted telephone value is known by. */
export interface PhoneForms {
  /** The dial characters as written (digits, `*`, `#`): all an unparsable value (`1234`, `*21#`) is known by. */
  readonly raw: string;
  /** The E.164 digits without `+` (extension digits appended), when the value reads as a full number. */
  readonly e164: string | undefined;
  /**
   * Every distinct digit string the value is known by, E.164 first: E.164, national significant
   * number, national dialling form and the raw digits (each also without the extension, if it has
   * one). A substring assertion matches when any of them matches.
   */
  readonly keys: readonly string[];
  /**
   * The keys an assertion written with a leading `+` is anchored to: the E.164 forms, or for an
   * unparsed value written with `+` its digits; none for other unparsed values.
   */
  readonly international: readonly string[];
  /** The calling code, when the value reads as a full number. */
  readonly callingCode: string | undefined;
  /**
   * The one digit string an index needs to store (two with an extension): the E.164 forms, or the
   * raw digits. Assertions are translated to find through these what matches any key
   * (see canonicalPatterns and canonicalKeysEqualTo).
   */
  readonly canonical: readonly string[];
  /** The folded text, for assertions that hold no digits at all. */
  readonly text: string;
  /** What libphonenumber read, when the value is a full number: `formsWith` gives these forms again from it. */
  readonly reading: PhoneReading | undefined;
}

/**
 * What libphonenumber made of a value that reads as a full number: all the value's forms need
 * besides the value itself. A replica keeps it with its entries, so a stored number is parsed once.
 */
export interface PhoneReading {
  readonly callingCode: string;
  readonly nationalNumber: string;
  /** The extension's digits; '' for none. */
  readonly ext: string;
}

/** A substring assertion over digit strings, tried against every key or only the international ones. */
export interface DigitPattern extends SubstringPattern {
  readonly scope: 'keys' | 'international';
  /**
   * The final component is the whole key, not just its end: a final component alone anchored to
   * the start (`*+4930123`, `*0049301234567`) is a whole number. An index finds it by its key
   * (canonicalWholeKeys).
   */
  readonly whole?: true;
}

export type PhoneSubstringsAssertion =
  | { readonly kind: 'digits'; readonly patterns: readonly DigitPattern[] }
  | { readonly kind: 'text'; readonly pattern: SubstringPattern };

/** Written between the digits of a number and ignored in assertions. */
const SEPARATOR = /^[\s\-/().]$/u;
const NON_DIAL = /[^0-9*#]/g;
const NON_DIGIT = /\D/g;
const HAS_DIGIT = /\d/;
const FEATURE_CODE = /[*#]/;
/**
 * Digits written without `+`, international or trunk prefix can only be a full number if they start
 * with a country code, and then there are more than this many: anything shorter is an extension.
 */
const LONGEST_EXTENSION = 6;
/** Cached readings: values are compared far more often than they change. */
const CACHE_LIMIT = 50_000;
/** Values arrays whose forms' source is kept (see PhoneNumbers.provide). */
const PROVIDED = 64;

export class PhoneNumbers {
  static readonly #shared = new Map<string, PhoneNumbers>();

  readonly defaultCountry: CountryCode;
  readonly #callingCode: string;
  /** Matches the default country's international call prefix (`00` in Germany, `011` in the US). */
  readonly #iddPrefix: RegExp;
  /** The prefix national numbers are dialled with in the default country (`0` in Germany, none in the US). */
  readonly #nationalPrefix: string;
  readonly #byValue = new Map<string, PhoneForms>();
  readonly #byValues = new ValuesMemo<readonly PhoneForms[]>('phone forms');
  /**
   * The values arrays lately told where their forms come from (`provide`), in a ring: the arrays
   * a replica hands out live for one test, right after they are decoded, so the newest few are all
   * a test asks for. Kept beside the arrays rather than on them, as `#byValues` keeps its memo: a
   * property added to each fresh array was a hidden-class change per array, and looking it up
   * across so many shapes cost more than making the forms (11 % of a number-suffix search).
   */
  readonly #providedValues = new Array<readonly string[] | undefined>(PROVIDED).fill(undefined);
  readonly #providedSources = new Array<(() => readonly PhoneForms[]) | undefined>(PROVIDED).fill(undefined);
  readonly #providedForms = new Array<readonly PhoneForms[] | undefined>(PROVIDED).fill(undefined);
  #providedNext = 0;

  constructor(defaultCountry: string) {
    const country = defaultCountry.toUpperCase();
    if (!isSupportedCountry(country)) throw new Error(`unknown default country "${defaultCountry}"`);
    this.defaultCountry = country;
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country);
    this.#iddPrefix = new RegExp(`^(?:${metadata.numberingPlan?.IDDPrefix() ?? '00'})`);
    this.#callingCode = getCountryCallingCode(country);
    this.#nationalPrefix = nationalPrefixOf(country);
  }

  /** One instance per default country, so the evaluator and the index share their caches. */
  static for(defaultCountry: string): PhoneNumbers {
    const key = defaultCountry.toUpperCase();
    let shared = PhoneNumbers.#shared.get(key);
    if (!shared) {
      shared = new PhoneNumbers(key);
      PhoneNumbers.#shared.set(key, shared);
    }
    return shared;
  }

  /** The forms of one value, cached by value (bounded: the cache is dropped when it fills up). */
  formsOf(value: string): PhoneForms {
    let forms = this.#byValue.get(value);
    if (!forms) {
      forms = this.read(value);
      if (this.#byValue.size >= CACHE_LIMIT) this.#byValue.clear();
      this.#byValue.set(value, forms);
    }
    return forms;
  }

  /**
   * The forms of an attribute's values: as provided, while the array is among the newest told
   * (`provide`); else cached for as long as the (immutable) values array lives.
   */
  formsOfValues(values: readonly string[]): readonly PhoneForms[] {
    const provided = this.#providedValues;
    for (let n = 0, i = this.#providedNext; n < PROVIDED; n++) {
      i = (i === 0 ? PROVIDED : i) - 1;
      if (provided[i] === values) return (this.#providedForms[i] ??= this.#providedSources[i]!());
    }
    let forms = this.#byValues.get(values);
    if (!forms) {
      forms = values.map((value) => this.formsOf(value));
      this.#byValues.set(values, forms);
    }
    return forms;
  }

  /** Reads a value without any cache (for bulk work such as building an index). */
  read(value: string): PhoneForms {
    const raw = flat(value.replace(NON_DIAL, ''));
    const number =
      HAS_DIGIT.test(raw) && this.#mayBeNumber(value, raw) ? this.#trustedParse(value, raw) : undefined;
    const reading = number && {
      callingCode: number.countryCallingCode,
      nationalNumber: number.nationalNumber,
      ext: number.ext ?? '',
    };
    return this.#forms(value, raw, reading, flat);
  }

  /**
   * The forms `read` gives a value, from the reading it gave (`forms.reading`): no parsing. They
   * live for one search, so their strings are not flattened (only what an index keeps need be).
   */
  formsWith(value: string, reading: PhoneReading | undefined): PhoneForms {
    return this.#forms(value, undefined, reading, asIs);
  }

  /**
   * Says how to get the forms of an attribute's values without reading them (from their readings,
   * see `formsWith`), should a filter test them right away. The forms are made on the first test;
   * an array tested once PROVIDED others have been provided since is read as any other.
   */
  provide(values: readonly string[], forms: () => readonly PhoneForms[]): void {
    const i = this.#providedNext;
    this.#providedValues[i] = values;
    this.#providedSources[i] = forms;
    this.#providedForms[i] = undefined;
    this.#providedNext = i + 1 === PROVIDED ? 0 : i + 1;
  }

  /** `raw`: the value's dial characters, when they are at hand (else made if needed). */
  #forms(value: string, raw: string | undefined, reading: PhoneReading | undefined, kept: Keep): PhoneForms {
    // The dial characters hold a digit exactly when the value does.
    if (reading !== undefined && HAS_DIGIT.test(value)) return this.#numberForms(value, reading, raw, kept);
    const dial = raw ?? value.replace(NON_DIAL, '');
    const text = foldText(value);
    if (!HAS_DIGIT.test(dial)) return unparsedForms(dial, [], [], text);
    const keys = [dial];
    return unparsedForms(dial, keys, writtenWithPlus(value) ? keys : [], text);
  }

  /**
   * telephoneNumberMatch, number-aware: two full numbers are equal when their E.164 forms are; a
   * value that is not a full number (an extension) equals what has the same digits, or a full number
   * known by those digits (`30123456712` equals `+49 30 1234567-12`). Values without digits compare as text.
   */
  equals(a: PhoneForms, b: PhoneForms): boolean {
    if (a.e164 !== undefined && b.e164 !== undefined) return a.e164 === b.e164;
    if (a.raw === '' || b.raw === '') return a.raw === b.raw && a.text === b.text;
    if (a.e164 === undefined && b.e164 === undefined) return a.raw === b.raw;
    return a.e164 === undefined ? b.keys.includes(a.raw) : a.keys.includes(b.raw);
  }

  /**
   * Prepares a substring assertion. Separators are dropped from the components, which then match
   * any key of a value. A `+` in front of the first component anchors it to the start of the E.164
   * form (`*+4930*` means "numbers in Berlin"); a leading international call prefix (`004930`) may
   * mean the same, so that reading is tried as well. Without any digit, the assertion is folded text.
   */
  substrings(
    initial: string | undefined,
    any: readonly string[],
    final: string | undefined,
  ): PhoneSubstringsAssertion {
    const components = [initial, ...any, final].filter((c): c is string => c !== undefined);
    if (!components.some((c) => HAS_DIGIT.test(c)))
      return { kind: 'text', pattern: foldSubstrings(initial, any, final) };
    const cleaned = (component: string | undefined): string | undefined => {
      const dial = component?.replace(NON_DIAL, '');
      return dial === '' ? undefined : dial;
    };
    const plain: DigitPattern = {
      scope: 'keys',
      ...optional('initial', cleaned(initial)),
      any: any.map(cleaned).filter((c): c is string => c !== undefined),
      ...optional('final', cleaned(final)),
    };
    const first = [initial, ...any, final].find((c) => c !== undefined && cleaned(c) !== undefined);
    if (first !== undefined && writtenWithPlus(first)) return { kind: 'digits', patterns: [anchored(plain)] };
    const leading = plain.initial ?? plain.any[0] ?? plain.final ?? '';
    const idd = this.#iddPrefix.exec(leading)?.[0];
    // Just `00` (a phone's first key presses) anchors nothing: then every full number matches. As
    // a final component alone it would be the whole number, and none is empty.
    const onlyFinal = plain.initial === undefined && plain.any.length === 0;
    if (idd === undefined || (onlyFinal && leading === idd)) return { kind: 'digits', patterns: [plain] };
    return { kind: 'digits', patterns: [plain, anchored(plain, idd.length)] };
  }

  /**
   * Equality lookups for an index of canonical keys: every value equal to `asserted` holds one of
   * these. A number is known by its national significant and national dialling forms too, which
   * are its E.164 form after a calling code (one of `callingCodes`, those the index holds) or after
   * the national prefix (`0301234567` is `49` + `301234567`).
   */
  canonicalKeysEqualTo(asserted: PhoneForms, callingCodes: Iterable<string>): string[] {
    // A number: the E.164 form of its equals, or the raw digits of an extension equal to one of its forms.
    if (asserted.e164 !== undefined) return [...asserted.keys];
    const raw = asserted.raw;
    const keys = [raw];
    for (const code of callingCodes) keys.push(code + raw);
    const national = this.#afterNationalPrefix(raw);
    if (national !== undefined) keys.push(this.#callingCode + national);
    return distinct(...keys);
  }

  /**
   * Patterns over canonical keys that together find at least every value a prepared assertion
   * matches (an index re-checks what they find). A pattern anchored to the national significant
   * number is moved behind each calling code; one that may start in the national prefix of a
   * national dialling form (`0301*`, `*0301*`) behind the default calling code. Unanchored matches
   * inside those forms are matches inside the E.164 form, which ends with them. Whole numbers
   * are left to canonicalWholeKeys.
   */
  canonicalPatterns(
    assertion: PhoneSubstringsAssertion & { kind: 'digits' },
    callingCodes: Iterable<string>,
  ): SubstringPattern[] {
    const codes = [...callingCodes];
    return assertion.patterns.flatMap((pattern) =>
      pattern.scope !== 'international'
        ? [pattern, ...this.#throughCallingCodes(pattern, codes)]
        : pattern.whole
          ? []
          : [pattern],
    );
  }

  /**
   * The canonical keys a prepared assertion finds as whole numbers (`*0049301234567`: the key
   * 49301234567), for an index to look up exactly: as a pattern its start names a whole country,
   * its end one number in a hundred.
   */
  canonicalWholeKeys(assertion: PhoneSubstringsAssertion & { kind: 'digits' }): string[] {
    return assertion.patterns.flatMap((pattern) => (pattern.whole ? [pattern.final!] : []));
  }

  /**
   * Whether every canonical key canonicalPatterns' patterns match belongs to a value the assertion
   * matches: when they are the assertion's own patterns over all of a value's keys (a canonical key
   * is one of them), none moved behind a calling code or the national prefix and none a whole
   * number. `*4567` and `*123*` are; `0301*`, `*0301*`, `*+4930*` and `*004930*` are not.
   */
  canonicalPatternsExact(
    assertion: PhoneSubstringsAssertion & { kind: 'digits' },
    callingCodes: Iterable<string>,
  ): boolean {
    const codes = [...callingCodes];
    return assertion.patterns.every(
      (pattern) => pattern.scope === 'keys' && this.#throughCallingCodes(pattern, codes).length === 0,
    );
  }

  #throughCallingCodes(pattern: SubstringPattern, codes: readonly string[]): SubstringPattern[] {
    const { initial, any, final } = pattern;
    const prefix = this.#nationalPrefix;
    const home = this.#callingCode;
    const rest = { any, ...optional('final', final) };
    if (initial !== undefined) {
      const alternatives: SubstringPattern[] = codes.map((code) => ({ initial: code + initial, ...rest }));
      const national = this.#afterNationalPrefix(initial);
      if (national !== undefined) alternatives.push({ initial: home + national, ...rest });
      else if (prefix.startsWith(initial)) alternatives.push({ initial: home, any: [] });
      return alternatives;
    }
    // Unanchored: the first component may begin inside the national prefix.
    if (prefix === '') return [];
    const first = any[0];
    if (first === undefined) return final === undefined ? [] : this.#finalThroughPrefix(final);
    const after = { any: any.slice(1), ...optional('final', final) };
    const alternatives: SubstringPattern[] = [];
    for (let start = 0; start < prefix.length; start++) {
      const tail = prefix.slice(start);
      if (first.startsWith(tail)) alternatives.push({ initial: home + first.slice(tail.length), ...after });
      else if (tail.startsWith(first)) alternatives.push({ initial: home, any: [] });
    }
    return alternatives;
  }

  /**
   * A final component alone that begins inside the national prefix of a national dialling form
   * (`*0301234567`, or `*0405` ending `040 5`) spans that whole form: the number's E.164 form is the
   * calling code and the rest, and so ends with it. Anchoring it to the start instead (as for a
   * middle component) would name every number whose E.164 form begins so (`49405…`: all of Hamburg).
   * One that lies inside the prefix would leave no national number at all.
   */
  #finalThroughPrefix(final: string): SubstringPattern[] {
    const prefix = this.#nationalPrefix;
    const alternatives: SubstringPattern[] = [];
    for (let start = 0; start < prefix.length; start++) {
      const tail = prefix.slice(start);
      if (final.startsWith(tail))
        alternatives.push({ any: [], final: this.#callingCode + final.slice(tail.length) });
    }
    return alternatives;
  }

  /** The digits after the default country's national prefix, if they start with it. */
  #afterNationalPrefix(digits: string): string | undefined {
    const prefix = this.#nationalPrefix;
    return prefix !== '' && digits.startsWith(prefix) ? digits.slice(prefix.length) : undefined;
  }

  /** Whether a value matches a prepared substring assertion. */
  matchesSubstrings(forms: PhoneForms, assertion: PhoneSubstringsAssertion): boolean {
    if (assertion.kind === 'text') return matchesSubstrings(forms.text, assertion.pattern);
    for (const pattern of assertion.patterns) {
      const keys = pattern.scope === 'international' ? forms.international : forms.keys;
      if (pattern.whole) {
        if (keys.includes(pattern.final!)) return true;
      } else for (const key of keys) if (matchesSubstrings(key, pattern)) return true;
    }
    return false;
  }

  /**
   * Parses a value and keeps the reading only when it is trustworthy: a prefix (international,
   * country code or trunk `0`) was recognised and taken off and the length is possible, or the number
   * is valid and written exactly as it is dialled nationally (`(212) 555-0100` in the US). Everything
   * else, notably bare extensions such as `1234` or `30123` (which German metadata would happily read
   * as Berlin numbers), stays unparsed.
   */
  #trustedParse(value: string, raw: string): PhoneNumber | undefined {
    const number = parsePhoneNumberFromString(value, { defaultCountry: this.defaultCountry, extract: false });
    if (!number) return undefined;
    const digits = raw.replace(NON_DIGIT, '');
    const significant = number.nationalNumber.length + (number.ext?.length ?? 0);
    if (digits.length > significant) return number.isPossible() ? number : undefined;
    const national = this.#nationalDigits(number.countryCallingCode, number.nationalNumber);
    return number.isValid() && national === digits ? number : undefined;
  }

  /** What follows the `+` or international prefix of an unparsed value written that way (`+4930`). */
  /**
   * A cheap test before the library (about 10 µs a call) is asked: feature codes (`*21#`) and short
   * digit strings written without any prefix (extensions) are never full numbers.
   */
  #mayBeNumber(value: string, raw: string): boolean {
    if (FEATURE_CODE.test(raw)) return false;
    if (raw.length > LONGEST_EXTENSION || writtenWithPlus(value)) return true;
    return this.#iddPrefix.test(raw) || (this.#nationalPrefix !== '' && raw.startsWith(this.#nationalPrefix));
  }

  /**
   * The forms of a number libphonenumber has read. The digits as written are left out: whatever
   * they match, one of these matches too, or the assertion reading of `+` and `00` takes over.
   */
  #numberForms(value: string, number: PhoneReading, raw: string | undefined, kept: Keep): PhoneForms {
    const { ext, callingCode } = number;
    const nsn = kept(number.nationalNumber);
    const e164 = kept(`${callingCode}${nsn}`);
    const national = kept(this.#nationalDigits(callingCode, nsn));
    // E.164 never equals the others (a calling code never starts with the national prefix).
    const plain = national === nsn ? [e164, nsn] : [e164, nsn, national];
    if (ext === '') {
      const international = [e164];
      return new NumberForms(value, raw, e164, callingCode, plain, international, number);
    }
    const longest = kept(e164 + ext);
    const withExt = kept(nsn + ext);
    const nationalExt = kept(national + ext);
    const keys = nationalExt === withExt ? [longest, withExt] : [longest, withExt, nationalExt];
    // `+49 30 1234567 ext. 12` is also found by the number without its extension.
    const international = [longest, e164];
    return new NumberForms(value, raw, longest, callingCode, [...keys, ...plain], international, number);
  }

  /**
   * The digits dialled within the default country (`030123456712`): its national prefix and the
   * national significant number. Built rather than formatted (formatNational costs as much as a
   * parse); numbers of other countries are dialled internationally, so theirs is the bare NSN.
   */
  #nationalDigits(callingCode: string, nationalNumber: string): string {
    return callingCode === this.#callingCode ? this.#nationalPrefix + nationalNumber : nationalNumber;
  }
}

/**
 * The forms of a value that reads as a full number. Its dial characters and folded text are made
 * when first asked for: a search testing numbers by their digits, as phones do, needs neither.
 */
class NumberForms implements PhoneForms {
  readonly #value: string;
  #raw: string | undefined;
  #text: string | undefined;

  constructor(
    value: string,
    raw: string | undefined,
    readonly e164: string,
    readonly callingCode: string,
    readonly keys: readonly string[],
    readonly international: readonly string[],
    readonly reading: PhoneReading,
  ) {
    this.#value = value;
    this.#raw = raw;
  }

  get canonical(): readonly string[] {
    return this.international;
  }

  get raw(): string {
    return (this.#raw ??= this.#value.replace(NON_DIAL, ''));
  }

  get text(): string {
    return (this.#text ??= foldText(this.#value));
  }
}

/** Built literally, not by spreading: this runs for every number of a replica. */
function unparsedForms(
  raw: string,
  keys: readonly string[],
  international: readonly string[],
  text: string,
): PhoneForms {
  return {
    raw,
    e164: undefined,
    callingCode: undefined,
    keys,
    international,
    canonical: keys,
    text,
    reading: undefined,
  };
}

/** Whether the first character that is not a separator is `+`. */
function writtenWithPlus(value: string): boolean {
  for (const char of value) if (!SEPARATOR.test(char)) return char === '+';
  return false;
}

/**
 * A flat copy of a string. Concatenations and regex replacements give trees of string pieces that
 * are slower to read (the index reads its keys a lot) and bigger than the string they spell.
 */
function flat(text: string): string {
  const codes = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return String.fromCharCode(...codes);
}

/** How the strings of forms are kept: flat (an index keeps them) or as they come (one search uses them). */
type Keep = (text: string) => string;

function asIs(text: string): string {
  return text;
}

function distinct(...keys: string[]): string[] {
  return keys.filter((key, i) => keys.indexOf(key) === i);
}

/** The national prefix of a country, read off the national format of its example number. */
function nationalPrefixOf(country: CountryCode): string {
  const example = getExampleNumber(country, examples);
  if (!example) return '';
  const dialled = example.formatNational().replace(NON_DIGIT, '');
  return dialled.endsWith(example.nationalNumber) ? dialled.slice(0, -example.nationalNumber.length) : '';
}

/**
 * A pattern anchored to the start of the international forms: its first component, after
 * `skip` leading digits (an international call prefix), becomes the initial one.
 */
function anchored(pattern: DigitPattern, skip = 0): DigitPattern {
  const { initial, final } = pattern;
  if (initial !== undefined)
    return {
      scope: 'international',
      ...optional('initial', initial.slice(skip)),
      any: pattern.any,
      ...optional('final', final),
    };
  const [first, ...rest] = pattern.any;
  if (first !== undefined)
    return {
      scope: 'international',
      ...optional('initial', first.slice(skip)),
      any: rest,
      ...optional('final', final),
    };
  // Anchored at the start and, being final, at the end: the whole number (`*0077` is not `+77…`).
  const whole = final?.slice(skip);
  return whole === undefined || whole === ''
    ? { scope: 'international', any: [] }
    : { scope: 'international', any: [], final: whole, whole: true };
}

/** `{ [key]: value }` when there is a value, for optional properties under exact typing. */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
