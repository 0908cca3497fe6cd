/**
 * Graph's paged answers: a listing followed by `@odata.nextLink`, and a delta round followed by
 * `@odata.nextLink` to the `@odata.deltaLink` the next round starts from.
 */
import { SourceError } from '../source.js';
import type { GraphApi, GraphJson, GraphRequestOptions } from './graph-api.js';
import type { GraphItem } from './graph-collections.js';

/** The objects of a page's `value`. */
export function itemsOf(page: GraphJson): GraphItem[] {
  const value = page.value;
  return Array.isArray(value)
    ? value.filter((item): item is GraphItem => typeof item === 'object' && item !== null)
    : [];
}

/** Every item of a listing, page by page. */
export async function* listed(
  api: GraphApi,
  start: string,
  options: GraphRequestOptions,
  signal: AbortSignal,
): AsyncGenerator<GraphItem> {
  let link: string | undefined = start;
  while (link !== undefined) {
    const page = await api.get(link, options, signal);
    yield* itemsOf(page);
    const next = page['@odata.nextLink'];
    link = typeof next === 'string' ? next : undefined;
  }
}

/**
 * One delta round from `start` (a first request or a saved deltaLink): each page's items, then the
 * deltaLink the next round starts from (the generator's return value). `what` names the collection
 * in the error for a page with neither link.
 */
export async function* deltaRound(
  api: GraphApi,
  source: string,
  what: string,
  start: string,
  options: GraphRequestOptions,
  signal: AbortSignal,
): AsyncGenerator<GraphItem, string> {
  let link = start;
  for (;;) {
    const page = await api.get(link, options, signal);
    yield* itemsOf(page);
    const next = page['@odata.nextLink'];
    if (typeof next === 'string') {
      link = next;
      continue;
    }
    const delta = page['@odata.deltaLink'];
    if (typeof delta === 'string') return delta;
    throw new SourceError(source, `Graph ended a delta page of ${what} with neither a next nor a delta link`);
  }
}
