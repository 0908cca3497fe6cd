/**
 * The users filter of a `graph` source, evaluated here rather than by Graph: `/users/delta` takes no
 * `$filter` but `id eq`, so every user a full load or a change round returns is tested locally, and
 * one who stops matching leaves the replica.
 *
 * Semantics follow Entra ID and OData, as far as an evaluator that does not know each property's
 * type can:
 * - text compares without regard to case (lower-cased on both sides), as the directory does;
 * - a missing or null property: `eq null` is true, `ne null` false; every other comparison and
 *   function is false, except `ne`, which OData defines as the negation of `eq` (`companyName ne
 *   'x'` holds for a user without a company);
 * - logic is two-valued: `not` negates whatever its operand gave, so `not startswith(p,'x')` holds
 *   when p is null (strict OData would make it null and drop the item);
 * - a value of another type than the literal never equals it. Graph would refuse such a filter
 *   outright (`accountEnabled eq 'true'`), knowing the type; here it silently matches nobody;
 * - a date or date-time literal compares with a property's ISO text as an instant;
 * - `any` over a missing collection is false and `all` true, as over an empty one.
 * Properties are read by exact name, then without regard to case, and only the object's own ones
 * (`constructor eq null` is true for every user).
 */
import type { ComparisonOperator, ODataFilter, ODataLiteral, ODataPath } from './odata-filter-tree.js';

export {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  ODataFilterError,
  parseODataFilter,
} from './odata-filter-parser.js';
export type { ComparisonOperator, ODataFilter, ODataLiteral, ODataPath } from './odata-filter-tree.js';

/** Whether a user, as Graph returns its JSON, passes the filter. */
export function matchesODataFilter(filter: ODataFilter, item: Readonly<Record<string, unknown>>): boolean {
  return holds(filter, item, undefined);
}

/**
 * The item's top-level properties the filter reads, each once, in the spelling first written
 * (`onPremisesExtensionAttributes` for `onPremisesExtensionAttributes/extensionAttribute1`): what
 * the source adds to `$select` so that the filter sees them.
 */
export function propertiesOf(filter: ODataFilter): string[] {
  const seen = new Map<string, string>();
  const note = (path: ODataPath): void => {
    const first = path.variable === undefined ? path.properties[0] : undefined;
    if (first !== undefined && !seen.has(first.toLowerCase())) seen.set(first.toLowerCase(), first);
  };
  const visit = (node: ODataFilter): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.operands.forEach(visit);
        return;
      case 'not':
        visit(node.operand);
        return;
      case 'any':
      case 'all':
        note(node.path);
        if (node.body !== undefined) visit(node.body);
        return;
      default:
        note(node.path);
    }
  };
  visit(filter);
  return [...seen.values()];
}

/** The elements lambdas are at, innermost first. */
interface Scope {
  readonly variable: string;
  readonly element: unknown;
  readonly outer: Scope | undefined;
}

function holds(node: ODataFilter, item: object, scope: Scope | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return node.operands.every((operand) => holds(operand, item, scope));
    case 'or':
      return node.operands.some((operand) => holds(operand, item, scope));
    case 'not':
      return !holds(node.operand, item, scope);
    case 'compare':
      return compare(node.op, resolve(node.path, item, scope), node.value);
    case 'in': {
      const actual = resolve(node.path, item, scope);
      return node.values.some((value) => equals(actual, value));
    }
    case 'startswith':
    case 'endswith': {
      const actual = resolve(node.path, item, scope);
      if (typeof actual !== 'string') return false;
      const [text, part] = [fold(actual), fold(node.value)];
      return node.kind === 'startswith' ? text.startsWith(part) : text.endsWith(part);
    }
    case 'any':
    case 'all':
      return lambdaHolds(node, item, scope);
  }
}

function lambdaHolds(
  node: Extract<ODataFilter, { kind: 'any' | 'all' }>,
  item: object,
  scope: Scope | undefined,
): boolean {
  const collection = resolve(node.path, item, scope);
  const elements: readonly unknown[] = Array.isArray(collection) ? collection : [];
  const { variable, body } = node;
  if (variable === undefined || body === undefined) return elements.length > 0;
  const test = (element: unknown): boolean => holds(body, item, { variable, element, outer: scope });
  return node.kind === 'any' ? elements.some(test) : elements.every(test);
}

function resolve(path: ODataPath, item: object, scope: Scope | undefined): unknown {
  let value: unknown = item;
  if (path.variable !== undefined) {
    let bound = scope;
    while (bound !== undefined && bound.variable !== path.variable) bound = bound.outer;
    // The parser only binds a path to a variable of an enclosing lambda, so `bound` is found.
    value = bound?.element;
  }
  for (const property of path.properties) value = member(value, property);
  return value;
}

/** An own property of a plain object, by exact name or else without regard to case. */
function member(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const object = value as Readonly<Record<string, unknown>>;
  if (Object.hasOwn(object, name)) return object[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : object[key];
}

function compare(op: ComparisonOperator, actual: unknown, literal: ODataLiteral): boolean {
  switch (op) {
    case 'eq':
      return equals(actual, literal);
    case 'ne':
      return !equals(actual, literal);
    default: {
      const order = ordering(actual, literal);
      if (order === undefined) return false;
      if (op === 'gt') return order > 0;
      if (op === 'ge') return order >= 0;
      if (op === 'lt') return order < 0;
      return order <= 0;
    }
  }
}

function equals(actual: unknown, literal: ODataLiteral): boolean {
  if (literal.kind === 'null') return actual === null || actual === undefined;
  if (literal.kind === 'boolean') return actual === literal.value;
  return ordering(actual, literal) === 0;
}

/** How the value orders against the literal (<0, 0, >0), or undefined when they do not compare. */
function ordering(actual: unknown, literal: ODataLiteral): number | undefined {
  switch (literal.kind) {
    case 'string':
      return typeof actual === 'string' ? order(fold(actual), fold(literal.value)) : undefined;
    case 'number':
      return typeof actual === 'number' ? order(actual, literal.value) : undefined;
    case 'dateTime': {
      const epochMs = typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
      return Number.isNaN(epochMs) ? undefined : order(epochMs, literal.epochMs);
    }
    default:
      // null and true/false have no order; the parser refuses gt/ge/lt/le with them.
      return undefined;
  }
}

function order<T extends string | number>(left: T, right: T): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function fold(text: string): string {
  return text.toLowerCase();
}
