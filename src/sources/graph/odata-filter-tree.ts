/**
 * A users filter as odata-filter-parser.ts reads it and odata-filter.ts evaluates it. Paths are
 * bound at parse time: one that starts with a lambda variable says so, so evaluation never has to
 * guess whether `x` is a variable or a property.
 */

/** A value written in the filter. A GUID is kept as text: it compares as text, case-insensitively. */
export type ODataLiteral =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** `epochMs` is the instant; `value` the text as written, for messages. */
  | { readonly kind: 'dateTime'; readonly value: string; readonly epochMs: number };

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * What a path starts from: a lambda variable (`x` in `any(x:x/skuId eq …)`) when `variable` is set,
 * otherwise the item; then the properties walked in turn.
 */
export interface ODataPath {
  readonly variable?: string;
  readonly properties: readonly string[];
}

export type ODataFilter =
  | { readonly kind: 'and' | 'or'; readonly operands: readonly ODataFilter[] }
  | { readonly kind: 'not'; readonly operand: ODataFilter }
  | {
      readonly kind: 'compare';
      readonly op: ComparisonOperator;
      readonly path: ODataPath;
      readonly value: ODataLiteral;
    }
  | { readonly kind: 'in'; readonly path: ODataPath; readonly values: readonly ODataLiteral[] }
  | { readonly kind: 'startswith' | 'endswith'; readonly path: ODataPath; readonly value: string }
  /** Without `variable` and `body` (written `any()`): true when the collection has an element. */
  | {
      readonly kind: 'any' | 'all';
      readonly path: ODataPath;
      readonly variable?: string;
      readonly body?: ODataFilter;
    };
