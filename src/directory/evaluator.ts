/**
 * The one place that decides whether an entry matches a filter (DESIGN.md "Planning a search"):
 * whatever a source could push down, results are the same because every entry passes through here.
 *
 * Three-valued logic (RFC 4511 4.5.1.7): an attribute the schema does not know, an unsupported
 * extensible rule or an assertion that is invalid for its rule make a filter item Undefined, which
 * is not TRUE under `!` either. A filter is compiled once into closures, with its assertions folded
 * and parsed up front, and the compiled form is kept for as long as the filter object lives, so
 * evaluating it against thousands of entries costs only the comparisons.
 */
import type { Filter } from '../filter/ast.js';
import { parseDn } from './dn.js';
import type { Entry } from './entry.js';
import { MatchingRules, type ExtensibleRule, type ValuesTest } from './matching-rules.js';
import type { AttributeType, Schema } from './schema.js';

export type CompareResult = 'true' | 'false' | 'noSuchAttribute' | 'undefinedAttributeType';
export type FilterResult = 'true' | 'false' | 'undefined';

/** Three-valued results as small integers: the hot path compares them, it does not allocate. */
const FALSE = 0;
const TRUE = 1;
const UNDEFINED = 2;
type Tri = typeof FALSE | typeof TRUE | typeof UNDEFINED;
type Compiled = (entry: Entry) => Tri;

const ALWAYS_UNDEFINED: Compiled = () => UNDEFINED;
const RESULT_NAMES: readonly FilterResult[] = ['false', 'true', 'undefined'];

export class FilterEvaluator {
  readonly rules: MatchingRules;
  readonly #compiled = new WeakMap<Filter, Compiled>();
  /** An entry's DN values by attribute, for `dnAttributes`. */
  readonly #dnValues = new WeakMap<Entry, ReadonlyMap<string, readonly string[]>>();

  constructor(
    private readonly schema: Schema,
    options: { readonly defaultCountry: string },
  ) {
    this.rules = new MatchingRules(schema, options);
  }

  /** Whether the filter is TRUE for the entry (FALSE and Undefined both mean "not returned"). */
  matches(filter: Filter, entry: Entry): boolean {
    return this.#compiledFor(filter)(entry) === TRUE;
  }

  /** The three-valued result, for diagnostics and tests. */
  evaluate(filter: Filter, entry: Entry): FilterResult {
    return RESULT_NAMES[this.#compiledFor(filter)(entry)]!;
  }

  /** A predicate for one filter, to be applied to many entries. */
  compile(filter: Filter): (entry: Entry) => boolean {
    const compiled = this.#compiledFor(filter);
    return (entry) => compiled(entry) === TRUE;
  }

  /** The compare operation (RFC 4511 4.10): the attribute's equality rule against the entry's values. */
  compare(entry: Entry, attribute: string, value: string): CompareResult {
    const type = this.schema.attribute(attribute);
    if (!type) return 'undefinedAttributeType';
    const values = valuesOf(entry, type);
    if (!values) return 'noSuchAttribute';
    const test = this.rules.equality(type, value);
    return test?.(values) ? 'true' : 'false';
  }

  #compiledFor(filter: Filter): Compiled {
    let compiled = this.#compiled.get(filter);
    if (!compiled) {
      compiled = this.#compile(filter);
      this.#compiled.set(filter, compiled);
    }
    return compiled;
  }

  #compile(filter: Filter): Compiled {
    switch (filter.type) {
      case 'and':
        return all(filter.filters.map((child) => this.#compile(child)));
      case 'or':
        return some(filter.filters.map((child) => this.#compile(child)));
      case 'not':
        return negate(this.#compile(filter.filter));
      case 'present':
        return this.#present(filter.attribute);
      case 'equality':
        return this.#item(filter.attribute, (type) => this.rules.equality(type, filter.value));
      case 'substrings':
        return this.#item(filter.attribute, (type) => this.rules.substrings(type, filter));
      case 'greaterOrEqual':
      case 'lessOrEqual':
        return this.#item(filter.attribute, (type) => this.rules.ordering(type, filter.value, filter.type));
      case 'approx':
        return this.#item(filter.attribute, (type) => this.rules.approx(type, filter.value));
      case 'extensible':
        return this.#extensible(filter);
    }
  }

  #present(attribute: string): Compiled {
    const type = this.schema.attribute(attribute);
    if (!type) return ALWAYS_UNDEFINED;
    const key = type.name.toLowerCase();
    return (entry) => (entry.attributes.has(key) ? TRUE : FALSE);
  }

  /** A filter item on one attribute: Undefined when the attribute is unknown or the assertion invalid. */
  #item(attribute: string, prepare: (type: AttributeType) => ValuesTest | undefined): Compiled {
    const type = this.schema.attribute(attribute);
    const test = type && prepare(type);
    if (!type || !test) return ALWAYS_UNDEFINED;
    const key = type.name.toLowerCase();
    return (entry) => {
      const values = entry.attributes.get(key)?.values;
      return values !== undefined && test(values) ? TRUE : FALSE;
    };
  }

  /** RFC 4511 4.5.1.7.7: a rule and/or an attribute, optionally also tested on the entry's DN. */
  #extensible(filter: Extract<Filter, { type: 'extensible' }>): Compiled {
    let rule: ExtensibleRule | undefined;
    if (filter.matchingRule !== undefined) {
      rule = this.rules.extensibleRule(filter.matchingRule);
      if (!rule) return ALWAYS_UNDEFINED;
    }
    if (filter.attribute !== undefined) {
      const type = this.schema.attribute(filter.attribute);
      if (!type) return ALWAYS_UNDEFINED;
      const test = rule ? rule.prepare(filter.value) : this.rules.equality(type, filter.value);
      if (!test) return ALWAYS_UNDEFINED;
      return this.#extensibleOn(type, test, filter.dnAttributes);
    }
    // Neither a rule nor an attribute is a protocol error; the decoder should not let it through.
    if (!rule) return ALWAYS_UNDEFINED;
    const test = rule.prepare(filter.value);
    if (!test) return ALWAYS_UNDEFINED;
    return this.#extensibleAnywhere(rule, test, filter.dnAttributes);
  }

  #extensibleOn(type: AttributeType, test: ValuesTest, dnAttributes: boolean): Compiled {
    const key = type.name.toLowerCase();
    return (entry) => {
      const values = entry.attributes.get(key)?.values;
      if (values !== undefined && test(values)) return TRUE;
      const dnValues = dnAttributes ? this.#dnValuesOf(entry).get(key) : undefined;
      return dnValues !== undefined && test(dnValues) ? TRUE : FALSE;
    };
  }

  /** A rule with no attribute: tried on every attribute of the entry it applies to. */
  #extensibleAnywhere(rule: ExtensibleRule, test: ValuesTest, dnAttributes: boolean): Compiled {
    const applies = (name: string): boolean => {
      const type = this.schema.attribute(name);
      return type !== undefined && rule.appliesTo(type);
    };
    return (entry) => {
      for (const [name, attribute] of entry.attributes)
        if (applies(name) && test(attribute.values)) return TRUE;
      if (dnAttributes)
        for (const [name, values] of this.#dnValuesOf(entry)) if (applies(name) && test(values)) return TRUE;
      return FALSE;
    };
  }

  /** The values in the entry's DN, grouped by canonical attribute name (lower-cased). */
  #dnValuesOf(entry: Entry): ReadonlyMap<string, readonly string[]> {
    let byType = this.#dnValues.get(entry);
    if (!byType) {
      const grouped = new Map<string, string[]>();
      for (const ava of parseDnLeniently(entry.dn).flat()) {
        const key = this.schema.canonicalName(ava.type).toLowerCase();
        const values = grouped.get(key);
        if (values) values.push(ava.value);
        else grouped.set(key, [ava.value]);
      }
      byType = grouped;
      this.#dnValues.set(entry, byType);
    }
    return byType;
  }
}

function valuesOf(entry: Entry, type: AttributeType): readonly string[] | undefined {
  return entry.attributes.get(type.name.toLowerCase())?.values;
}

/** AND: FALSE if any child is FALSE, else Undefined if any is Undefined, else TRUE (`(&)` is TRUE). */
function all(children: readonly Compiled[]): Compiled {
  if (children.length === 1) return children[0]!;
  return (entry) => {
    let result: Tri = TRUE;
    for (const child of children) {
      const value = child(entry);
      if (value === FALSE) return FALSE;
      if (value === UNDEFINED) result = UNDEFINED;
    }
    return result;
  };
}

/** OR: TRUE if any child is TRUE, else Undefined if any is Undefined, else FALSE (`(|)` is FALSE). */
function some(children: readonly Compiled[]): Compiled {
  if (children.length === 1) return children[0]!;
  return (entry) => {
    let result: Tri = FALSE;
    for (const child of children) {
      const value = child(entry);
      if (value === TRUE) return TRUE;
      if (value === UNDEFINED) result = UNDEFINED;
    }
    return result;
  };
}

/** NOT: swaps TRUE and FALSE; Undefined stays Undefined. */
function negate(child: Compiled): Compiled {
  return (entry) => {
    const value = child(entry);
    return value === UNDEFINED ? UNDEFINED : value === TRUE ? FALSE : TRUE;
  };
}

/** Entry DNs come from the directory itself; one that does not parse simply has no DN values. */
function parseDnLeniently(dn: string): ReturnType<typeof parseDn> {
  try {
    return parseDn(dn);
  } catch {
    return [];
  }
}
