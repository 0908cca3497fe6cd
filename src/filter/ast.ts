/**
 * A search filter as RFC 4511 defines it, independent of the wire and of any source.
 * Attribute names are kept as written; values are the decoded UTF-8 assertion values.
 */
export type Filter =
  | { readonly type: 'and'; readonly filters: readonly Filter[] }
  | { readonly type: 'or'; readonly filters: readonly Filter[] }
  | { readonly type: 'not'; readonly filter: Filter }
  | { readonly type: 'equality'; readonly attribute: string; readonly value: string }
  | {
      readonly type: 'substrings';
      readonly attribute: string;
      readonly initial?: string;
      readonly any: readonly string[];
      readonly final?: string;
    }
  | { readonly type: 'greaterOrEqual'; readonly attribute: string; readonly value: string }
  | { readonly type: 'lessOrEqual'; readonly attribute: string; readonly value: string }
  | { readonly type: 'present'; readonly attribute: string }
  | { readonly type: 'approx'; readonly attribute: string; readonly value: string }
  | {
      readonly type: 'extensible';
      readonly matchingRule?: string;
      readonly attribute?: string;
      readonly value: string;
      readonly dnAttributes: boolean;
    };

export type FilterType = Filter['type'];

/** `(objectClass=*)`: what a search with no better filter means. */
export const MATCH_ALL: Filter = { type: 'present', attribute: 'objectClass' };
