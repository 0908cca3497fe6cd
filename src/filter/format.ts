/**
 * Filter -> RFC 4515 string form, every value through escapeFilterValue. Iterative, so a filter of
 * any depth formats without recursion. parseFilter(formatFilter(f)) equals f.
 */
import type { Filter } from './ast.js';
import { escapeFilterValue } from './escape.js';

const SET_OPERATOR = { and: '&', or: '|', not: '!' } as const;
const COMPARISON = { equality: '=', approx: '~=', greaterOrEqual: '>=', lessOrEqual: '<=' } as const;

export function formatFilter(filter: Filter): string {
  let out = '';
  // Filters still to write, and ')' strings that close a set once its children are written.
  const work: (Filter | ')')[] = [filter];
  while (work.length > 0) {
    const item = work.pop()!;
    if (item === ')') {
      out += ')';
      continue;
    }
    switch (item.type) {
      case 'and':
      case 'or':
        out += `(${SET_OPERATOR[item.type]}`;
        work.push(')');
        for (let i = item.filters.length - 1; i >= 0; i--) work.push(item.filters[i]!);
        break;
      case 'not':
        out += '(!';
        work.push(')', item.filter);
        break;
      default:
        out += formatItem(item);
    }
  }
  return out;
}

type Item = Exclude<Filter, { type: 'and' | 'or' | 'not' }>;

function formatItem(item: Item): string {
  switch (item.type) {
    case 'present':
      return `(${item.attribute}=*)`;
    case 'substrings': {
      const any = item.any.map((part) => `${escapeFilterValue(part)}*`).join('');
      const initial = item.initial === undefined ? '' : escapeFilterValue(item.initial);
      const final = item.final === undefined ? '' : escapeFilterValue(item.final);
      return `(${item.attribute}=${initial}*${any}${final})`;
    }
    case 'extensible': {
      const dn = item.dnAttributes ? ':dn' : '';
      const rule = item.matchingRule === undefined ? '' : `:${item.matchingRule}`;
      return `(${item.attribute ?? ''}${dn}${rule}:=${escapeFilterValue(item.value)})`;
    }
    case 'equality':
    case 'approx':
    case 'greaterOrEqual':
    case 'lessOrEqual':
      return `(${item.attribute}${COMPARISON[item.type]}${escapeFilterValue(item.value)})`;
  }
}
