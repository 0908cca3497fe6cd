/**
 * The one place that decides whether an entry matches a filter (DESIGN.md "Planning a search"):
 * whatever a source could push down, results are the same because every entry passes through here.
 *
 * Three-valued logic (RFC 4511 4.5.1.7): an attribute the schema does not know, an unsupported
 * extensible rule or an assertion that is invalid for its rule make a filter item Undefined, which
 * is not TRUE under `!` either. A filter is compiled once per search into closures, with its
 * assertions folded and parsed up front, so evaluating it against thousands of entries costs only
 * the comparisons. The search's scope is compiled in: what the caller may not see, and its budget.
 */
import type { Filter } from '../filter/ast.js';
import { parseDn } from '../dn/distinguished-name.js';
import type { Entry } from '../schema/entry.js';
import { EvaluationBudget } from './evaluation-budget.js';
import { MatchingRules, type ExtensibleRule, type ValuesTest } from '../schema/matching-rules.js';
import type { AttributeType, Schema } from '../schema/schema.js';

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

/**
 * What one caller's search may see and spend: conditions on withheld attributes are Undefined (as if
 * the schema did not know them), an extensible match without an attribute skips them, and every
 * filter item tested counts against the budget.
 */
export interface EvaluationScope {
  /** Lower-cased canonical names of attributes the caller may not see. */
  readonly withheld?: ReadonlySet<string>;
  readonly budget?: EvaluationBudget;
}

const NOTHING_WITHHELD: ReadonlySet<string> = new Set();

export class FilterEvaluator {
  readonly rules: MatchingRules;
  /** Filters compiled without a scope (nothing withheld, no budget), for as long as each filter lives. */
  readonly #compiled = new WeakMap<Filter, Compiled>();
  readonly #unscoped = EvaluationBudget.unlimited();
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
    return this.#unscopedCompiled(filter)(entry) === TRUE;
  }

  /** The three-valued result, for diagnostics and tests. */
  evaluate(filter: Filter, entry: Entry): FilterResult {
    return RESULT_NAMES[this.#unscopedCompiled(filter)(entry)]!;
  }

  /**
   * A predicate for one search, applied to every entry it meets: what the caller may not see is
   * invisible to every filter form, and each entry's evaluation is charged to the budget, which
   * throws adminLimitExceeded once spent.
   */
  predicate(filter: Filter, scope: EvaluationScope = {}): (entry: Entry) => boolean {
    const budget = scope.budget ?? EvaluationBudget.unlimited();
    const compiled = new Compilation(this, scope.withheld ?? NOTHING_WITHHELD, budget).compile(filter);
    return (entry) => {
      const result = compiled(entry);
      budget.check();
      return result === TRUE;
    };
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

  /** The attribute type a filter names, if the schema knows it. */
  attributeType(name: string): AttributeType | undefined {
    return this.schema.attribute(name);
  }

  /** The values in the entry's DN, grouped by canonical attribute name (lower-cased). */
  dnValuesOf(entry: Entry): ReadonlyMap<string, readonly string[]> {
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

  #unscopedCompiled(filter: Filter): Compiled {
    let compiled = this.#compiled.get(filter);
    if (!compiled) {
      compiled = new Compilation(this, NOTHING_WITHHELD, this.#unscoped).compile(filter);
      this.#compiled.set(filter, compiled);
    }
    return compiled;
  }
}

/**
 * One filter turned into closures for one scope. Every leaf adds one to the budget each time it
 * runs (an increment, so the hot path stays a handful of comparisons), and the attribute-less
 * extensible match adds one per attribute it visits.
 */
class Compilation {
  readonly #rules: MatchingRules;

  constructor(
    private readonly evaluator: FilterEvaluator,
    private readonly withheld: ReadonlySet<string>,
    private readonly budget: EvaluationBudget,
  ) {
    this.#rules = evaluator.rules;
  }

  compile(filter: Filter): Compiled {
    switch (filter.type) {
      case 'and':
        return all(filter.filters.map((child) => this.compile(child)));
      case 'or':
        return some(filter.filters.map((child) => this.compile(child)));
      case 'not':
        return negate(this.compile(filter.filter));
      case 'present':
        return this.#present(filter.attribute);
      case 'equality':
        return this.#item(filter.attribute, (type) => this.#rules.equality(type, filter.value));
      case 'substrings':
        return this.#item(filter.attribute, (type) => this.#rules.substrings(type, filter));
      case 'greaterOrEqual':
      case 'lessOrEqual':
        return this.#item(filter.attribute, (type) => this.#rules.ordering(type, filter.value, filter.type));
      case 'approx':
        return this.#item(filter.attribute, (type) => this.#rules.approx(type, filter.value));
      case 'extensible':
        return this.#extensible(filter);
    }
  }

  /** The attribute a filter item names, unless the schema does not know it or the caller may not see it. */
  #visibleType(attribute: string): AttributeType | undefined {
    const type = this.evaluator.attributeType(attribute);
    return type && !this.withheld.has(type.name.toLowerCase()) ? type : undefined;
  }

  #present(attribute: string): Compiled {
    const type = this.#visibleType(attribute);
    if (!type) return ALWAYS_UNDEFINED;
    const key = type.name.toLowerCase();
    const budget = this.budget;
    return (entry) => {
      budget.used++;
      return entry.attributes.has(key) ? TRUE : FALSE;
    };
  }

  /** A filter item on one attribute: Undefined when the attribute is unknown, withheld or the assertion invalid. */
  #item(attribute: string, prepare: (type: AttributeType) => ValuesTest | undefined): Compiled {
    const type = this.#visibleType(attribute);
    const test = type && prepare(type);
    if (!type || !test) return ALWAYS_UNDEFINED;
    const key = type.name.toLowerCase();
    const budget = this.budget;
    return (entry) => {
      budget.used++;
      const values = entry.attributes.get(key)?.values;
      return values !== undefined && test(values) ? TRUE : FALSE;
    };
  }

  /** RFC 4511 4.5.1.7.7: a rule and/or an attribute, optionally also tested on the entry's DN. */
  #extensible(filter: Extract<Filter, { type: 'extensible' }>): Compiled {
    let rule: ExtensibleRule | undefined;
    if (filter.matchingRule !== undefined) {
      rule = this.#rules.extensibleRule(filter.matchingRule);
      if (!rule) return ALWAYS_UNDEFINED;
    }
    if (filter.attribute !== undefined) {
      const type = this.#visibleType(filter.attribute);
      // A rule that does not apply to the attribute's syntax makes the item Undefined.
      if (!type || (rule && !rule.appliesTo(type))) return ALWAYS_UNDEFINED;
      const test = rule ? rule.prepare(filter.value) : this.#rules.equality(type, filter.value);
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
    const budget = this.budget;
    return (entry) => {
      budget.used++;
      const values = entry.attributes.get(key)?.values;
      if (values !== undefined && test(values)) return TRUE;
      const dnValues = dnAttributes ? this.evaluator.dnValuesOf(entry).get(key) : undefined;
      return dnValues !== undefined && test(dnValues) ? TRUE : FALSE;
    };
  }

  /**
   * A rule with no attribute: tried on every attribute of the entry it applies to that the caller
   * may see. A withheld attribute is skipped before its values are looked at, so no guess about a
   * password can match (`(:octetStringMatch:=<guess>)` would otherwise be a password oracle).
   */
  #extensibleAnywhere(rule: ExtensibleRule, test: ValuesTest, dnAttributes: boolean): Compiled {
    const applies = (name: string): boolean => {
      const type = this.evaluator.attributeType(name);
      return type !== undefined && !this.withheld.has(type.name.toLowerCase()) && rule.appliesTo(type);
    };
    const budget = this.budget;
    return (entry) => {
      for (const [name, attribute] of entry.attributes) {
        budget.used++;
        if (applies(name) && test(attribute.values)) return TRUE;
      }
      if (!dnAttributes) return FALSE;
      for (const [name, values] of this.evaluator.dnValuesOf(entry)) {
        budget.used++;
        if (applies(name) && test(values)) return TRUE;
      }
      return FALSE;
    };
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
