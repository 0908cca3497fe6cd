/**
 * The presented schema's matching rules (DESIGN.md "Matching rules"): how an assertion is compared
 * with an attribute's values, per MatchingKind, and the extensible-match rules dirbridge supports.
 *
 * Every rule is prepared once per assertion (folded, parsed) and returns a test over an attribute's
 * whole values array, so that per-value work (folding, parsing numbers) is cached per array and done
 * once however many filters look at the same entry. A rule that cannot be prepared (an assertion that
 * is not an integer for integerMatch, an ordering on DNs) yields `undefined`: the filter item is
 * Undefined (RFC 4511 4.5.1.7).
 */
import { Buffer } from 'node:buffer';
import { DnSyntaxError } from '../dn/distinguished-name.js';
import { normalizeDn } from './normalized-dn.js';
import { PhoneNumbers } from './phone-number.js';
import type { AttributeType, MatchingKind, Schema } from './schema.js';
import {
  IDENTIFIER_FOLDING,
  NAME_FOLDING,
  foldSubstrings,
  foldText,
  matchesSubstrings,
  nameKeysOfIdentifierSubstrings,
  type SubstringPattern,
  type TextFolding,
} from './text-fold.js';
import { ValuesMemo } from './values-memo.js';

/** Whether any of an attribute's values satisfies a prepared assertion. */
export type ValuesTest = (values: readonly string[]) => boolean;

export interface SubstringsAssertion {
  readonly initial?: string;
  readonly any: readonly string[];
  readonly final?: string;
}

export type OrderingDirection = 'greaterOrEqual' | 'lessOrEqual';

/** An extensible-match rule (RFC 4511 4.5.1.7.7) that dirbridge evaluates. */
export interface ExtensibleRule {
  readonly oid: string;
  readonly name: string;
  /** Whether the rule applies to an attribute when the filter names none (`(:caseIgnoreMatch:=x)`). */
  appliesTo(type: AttributeType): boolean;
  /** Prepares an assertion value, or undefined when it is not valid for the rule. */
  prepare(assertion: string): ValuesTest | undefined;
}

const OBJECT_IDENTIFIER_MATCH = 'objectidentifiermatch';
const INTEGER = /^\s*([+-]?\d+)\s*$/;
const NUMERIC_OID = /^\d+(?:\.\d+)+$/;

export class MatchingRules {
  readonly phoneNumbers: PhoneNumbers;
  readonly #schema: Schema;
  /** Object class OIDs -> names, so that `(objectClass=2.5.6.6)` finds persons. */
  readonly #objectClassNames = new Map<string, string>();
  readonly #extensible = new Map<string, ExtensibleRule>();
  readonly #folded = new ValuesMemo<readonly string[]>('folded values');
  readonly #identifiers = new ValuesMemo<readonly string[]>('folded identifiers');
  readonly #dns = new WeakMap<readonly string[], readonly (string | undefined)[]>();

  constructor(schema: Schema, options: { readonly defaultCountry: string }) {
    this.#schema = schema;
    this.phoneNumbers = PhoneNumbers.for(options.defaultCountry);
    for (const objectClass of schema.objectClasses()) {
      const name = objectClass.names[0];
      if (name !== undefined) this.#objectClassNames.set(objectClass.oid, name);
    }
    for (const rule of this.#extensibleRules()) {
      this.#extensible.set(rule.oid, rule);
      this.#extensible.set(rule.name.toLowerCase(), rule);
    }
  }

  /** The rule named by an extensible filter (OID or name, any case), or undefined when unsupported. */
  extensibleRule(nameOrOid: string): ExtensibleRule | undefined {
    return this.#extensible.get(nameOrOid.toLowerCase());
  }

  equality(type: AttributeType, assertion: string): ValuesTest | undefined {
    switch (type.matching) {
      case 'text':
        return type.identifier
          ? this.#identifierEquality(IDENTIFIER_FOLDING.value(assertion))
          : this.#textEquality(this.textAssertion(type, assertion));
      case 'telephone':
        return this.#phoneEquality(assertion);
      case 'dn':
        return this.#dnEquality(assertion);
      case 'octet':
        return (values) => values.includes(assertion);
      case 'integer':
        return integerTest(assertion, (value, asserted) => value === asserted);
      case 'boolean':
        return booleanEquality(assertion);
    }
  }

  substrings(type: AttributeType, assertion: SubstringsAssertion): ValuesTest | undefined {
    switch (type.matching) {
      case 'text': {
        const folding = foldingOf(type);
        const pattern = foldSubstrings(assertion.initial, assertion.any, assertion.final, folding);
        return this.#substringsOf(pattern, folding);
      }
      case 'telephone': {
        const { phoneNumbers } = this;
        const prepared = phoneNumbers.substrings(assertion.initial, assertion.any, assertion.final);
        return (values) =>
          phoneNumbers.formsOfValues(values).some((forms) => phoneNumbers.matchesSubstrings(forms, prepared));
      }
      case 'octet': {
        const pattern = exactPattern(assertion);
        return (values) => values.some((value) => matchesSubstrings(value, pattern));
      }
      default:
        // DNs, integers and booleans have no substring rule.
        return undefined;
    }
  }

  ordering(type: AttributeType, assertion: string, direction: OrderingDirection): ValuesTest | undefined {
    const wanted =
      direction === 'greaterOrEqual' ? (order: number) => order >= 0 : (order: number) => order <= 0;
    switch (type.matching) {
      case 'text': {
        const folding = foldingOf(type);
        const folded = folding.value(assertion);
        return (values) =>
          this.#valuesFolded(values, folding).some((value) => wanted(compareStrings(value, folded)));
      }
      case 'telephone': {
        // No telephone ordering rule exists; comparing the normalised digits is the closest meaning.
        const asserted = this.phoneNumbers.formsOf(assertion);
        const key = asserted.e164 ?? asserted.raw;
        return (values) =>
          this.phoneNumbers
            .formsOfValues(values)
            .some((forms) => wanted(compareStrings(forms.e164 ?? forms.raw, key)));
      }
      case 'octet': {
        const bytes = Buffer.from(assertion, 'utf8');
        return (values) => values.some((value) => wanted(Buffer.compare(Buffer.from(value, 'utf8'), bytes)));
      }
      case 'integer':
        return integerTest(assertion, (value, asserted) =>
          wanted(value < asserted ? -1 : value > asserted ? 1 : 0),
        );
      default:
        return undefined;
    }
  }

  /**
   * Approximate match, "approx as contains": phones send `~=` for "contains", so text and numbers
   * match when the folded value (or any digit form) contains the assertion. Other kinds fall back to
   * equality, as RFC 4511 allows.
   */
  approx(type: AttributeType, assertion: string): ValuesTest | undefined {
    if (type.matching === 'text' || type.matching === 'telephone')
      return this.substrings(type, { any: [assertion] });
    return this.equality(type, assertion);
  }

  /**
   * The folded form of a text equality assertion, as the index keys it (OIDs of object classes
   * named): the name form, for identifiers too, whose index keys are their name forms (a superset:
   * identifiers equal as identifiers are equal as names).
   */
  textAssertion(type: AttributeType, assertion: string): string {
    const isOid =
      type.definition.equality?.toLowerCase() === OBJECT_IDENTIFIER_MATCH &&
      NUMERIC_OID.test(assertion.trim());
    return foldText((isOid ? this.#objectClassNames.get(assertion.trim()) : undefined) ?? assertion);
  }

  /**
   * The name-folded pattern an index keyed by folded names looks up a substrings assertion by: a
   * superset of what the attribute's own rule matches.
   */
  keyPattern(
    type: AttributeType,
    initial: string | undefined,
    any: readonly string[],
    final: string | undefined,
  ): SubstringPattern {
    return type.identifier
      ? nameKeysOfIdentifierSubstrings(initial, any, final)
      : foldSubstrings(initial, any, final);
  }

  /** Folded values, cached for as long as the (immutable) values array lives. */
  foldedValues(values: readonly string[]): readonly string[] {
    let folded = this.#folded.get(values);
    if (!folded) {
      folded = values.map(foldText);
      this.#folded.set(values, folded);
    }
    return folded;
  }

  /** Identifier-folded values (accents kept), cached like foldedValues. */
  #identifierValues(values: readonly string[]): readonly string[] {
    let folded = this.#identifiers.get(values);
    if (!folded) {
      folded = values.map(IDENTIFIER_FOLDING.value);
      this.#identifiers.set(values, folded);
    }
    return folded;
  }

  #valuesFolded(values: readonly string[], folding: TextFolding): readonly string[] {
    return folding === IDENTIFIER_FOLDING ? this.#identifierValues(values) : this.foldedValues(values);
  }

  #textEquality(folded: string): ValuesTest {
    return (values) => this.foldedValues(values).includes(folded);
  }

  #identifierEquality(folded: string): ValuesTest {
    return (values) => this.#identifierValues(values).includes(folded);
  }

  #substringsOf(pattern: SubstringPattern, folding: TextFolding): ValuesTest {
    return (values) => this.#valuesFolded(values, folding).some((value) => matchesSubstrings(value, pattern));
  }

  #phoneEquality(assertion: string): ValuesTest {
    const { phoneNumbers } = this;
    const asserted = phoneNumbers.formsOf(assertion);
    return (values) =>
      phoneNumbers.formsOfValues(values).some((forms) => phoneNumbers.equals(forms, asserted));
  }

  #dnEquality(assertion: string): ValuesTest | undefined {
    const normalized = normalizeOrUndefined(assertion, this.#schema);
    if (normalized === undefined) return undefined;
    return (values) => this.#normalizedDns(values).includes(normalized);
  }

  #normalizedDns(values: readonly string[]): readonly (string | undefined)[] {
    let normalized = this.#dns.get(values);
    if (!normalized) {
      normalized = values.map((value) => normalizeOrUndefined(value, this.#schema));
      this.#dns.set(values, normalized);
    }
    return normalized;
  }

  #extensibleRules(): ExtensibleRule[] {
    const text = (type: AttributeType): boolean => type.matching === 'text';
    const kind = (wanted: MatchingKind) => (type: AttributeType) => type.matching === wanted;
    const equalityOf = (matching: MatchingKind) => (assertion: string) =>
      this.equality({ ...STAND_IN, matching }, assertion);
    const substringsBy = (folding: TextFolding) => (assertion: string) => {
      const parsed = parseSubstringAssertion(assertion);
      if (parsed === undefined) return undefined;
      const pattern = foldSubstrings(parsed.initial, parsed.any, parsed.final, folding);
      return this.#substringsOf(pattern, folding);
    };
    // caseIgnoreMatch named in a filter is dirbridge's name rule (accents folded, whatever the
    // attribute); the IA5 rules are RFC 4517's, as every backend applies them to mail: accents kept.
    return [
      rule('2.5.13.2', 'caseIgnoreMatch', text, (a) => this.#textEquality(foldText(a))),
      rule('2.5.13.4', 'caseIgnoreSubstringsMatch', text, substringsBy(NAME_FOLDING)),
      rule('1.3.6.1.4.1.1466.109.114.2', 'caseIgnoreIA5Match', text, (a) =>
        this.#identifierEquality(IDENTIFIER_FOLDING.value(a)),
      ),
      rule(
        '1.3.6.1.4.1.1466.109.114.3',
        'caseIgnoreIA5SubstringsMatch',
        text,
        substringsBy(IDENTIFIER_FOLDING),
      ),
      rule('2.5.13.5', 'caseExactMatch', text, caseExactEquality),
      rule('2.5.13.20', 'telephoneNumberMatch', kind('telephone'), equalityOf('telephone')),
      rule('2.5.13.21', 'telephoneNumberSubstringsMatch', kind('telephone'), (a) => {
        const parsed = parseSubstringAssertion(a);
        return parsed && this.substrings({ ...STAND_IN, matching: 'telephone' }, parsed);
      }),
      rule('2.5.13.1', 'distinguishedNameMatch', kind('dn'), equalityOf('dn')),
      rule('2.5.13.17', 'octetStringMatch', kind('octet'), equalityOf('octet')),
      rule('2.5.13.14', 'integerMatch', kind('integer'), equalityOf('integer')),
      rule('2.5.13.13', 'booleanMatch', kind('boolean'), equalityOf('boolean')),
      rule(
        '2.5.13.0',
        'objectIdentifierMatch',
        (type) => type.definition.equality?.toLowerCase() === OBJECT_IDENTIFIER_MATCH,
        (a) => this.#textEquality(this.textAssertion(OBJECT_CLASS_STAND_IN, a)),
      ),
      // Active Directory's bitwise rules: userAccountControl, groupType, ... (values are signed 32-bit).
      rule('1.2.840.113556.1.4.803', 'integerBitAndMatch', kind('integer'), (a) =>
        integerTest(a, (v, mask) => (v & mask) === mask),
      ),
      rule('1.2.840.113556.1.4.804', 'integerBitOrMatch', kind('integer'), (a) =>
        integerTest(a, (v, mask) => (v & mask) !== 0n),
      ),
    ];
  }
}

/** A minimal attribute type for preparing a rule outside any attribute (extensible match without one). */
const STAND_IN: AttributeType = {
  name: '',
  oid: '',
  matching: 'text',
  operational: false,
  singleValue: false,
  identifier: false,
  definition: { oid: '', names: [], syntax: '' },
};
const OBJECT_CLASS_STAND_IN: AttributeType = {
  ...STAND_IN,
  definition: { ...STAND_IN.definition, equality: 'objectIdentifierMatch' },
};

/** How an attribute's text is folded: identifiers keep their accents. */
function foldingOf(type: AttributeType): TextFolding {
  return type.identifier ? IDENTIFIER_FOLDING : NAME_FOLDING;
}

function rule(
  oid: string,
  name: string,
  appliesTo: (type: AttributeType) => boolean,
  prepare: (assertion: string) => ValuesTest | undefined,
): ExtensibleRule {
  return { oid, name, appliesTo, prepare };
}

/** Prepares an integer assertion; values that are not integers never match. */
function integerTest(
  assertion: string,
  test: (value: bigint, asserted: bigint) => boolean,
): ValuesTest | undefined {
  const asserted = parseInteger(assertion);
  if (asserted === undefined) return undefined;
  return (values) =>
    values.some((value) => {
      const parsed = parseInteger(value);
      return parsed !== undefined && test(parsed, asserted);
    });
}

function parseInteger(value: string): bigint | undefined {
  const match = INTEGER.exec(value);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

function booleanEquality(assertion: string): ValuesTest | undefined {
  const asserted = parseBoolean(assertion);
  if (asserted === undefined) return undefined;
  return (values) => values.some((value) => parseBoolean(value) === asserted);
}

function parseBoolean(value: string): boolean | undefined {
  const upper = value.trim().toUpperCase();
  return upper === 'TRUE' ? true : upper === 'FALSE' ? false : undefined;
}

/** caseExactMatch: spaces folded and compatibility forms unified, but case and accents significant. */
function caseExactEquality(assertion: string): ValuesTest {
  const prepare = (value: string): string => value.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  const asserted = prepare(assertion);
  return (values) => values.some((value) => prepare(value) === asserted);
}

/** An octet-string substring assertion: compared exactly, empty components dropped. */
function exactPattern(assertion: SubstringsAssertion): SubstringPattern {
  return {
    ...(assertion.initial ? { initial: assertion.initial } : {}),
    any: assertion.any.filter((part) => part !== ''),
    ...(assertion.final ? { final: assertion.final } : {}),
  };
}

/**
 * The LDAP string form of a SubstringAssertion (RFC 4517 3.3.30), as an extensible filter carries it
 * for substring rules: components separated by `*`, with `\2A` and `\5C` standing for `*` and `\`.
 */
function parseSubstringAssertion(text: string): SubstringsAssertion | undefined {
  const parts = text.split('*').map((part) => part.replace(/\\2a/gi, '*').replace(/\\5c/gi, '\\'));
  // At least one `*` is required: without it the value is no substring assertion.
  if (parts.length === 1) return undefined;
  const initial = parts[0] ?? '';
  const final = parts[parts.length - 1] ?? '';
  return {
    ...(initial !== '' ? { initial } : {}),
    any: parts.slice(1, -1).filter((part) => part !== ''),
    ...(final !== '' ? { final } : {}),
  };
}

function normalizeOrUndefined(dn: string, schema: Schema): string | undefined {
  try {
    return normalizeDn(dn, schema);
  } catch (error) {
    if (error instanceof DnSyntaxError) return undefined;
    throw error;
  }
}

/** Code-unit order, the order folded keys are sorted in. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
