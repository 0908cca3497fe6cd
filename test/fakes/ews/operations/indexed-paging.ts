/**
 * IndexedPageItemView / IndexedPageFolderView paging: MaxEntriesReturned entries from Offset,
 * counted from the Beginning or the End. A page never exceeds the server's limit; asking for more
 * gives a partial page with IncludesLastItemInRange="false" (Exchange 2010 SP1+), so a client must
 * loop on it. The RootFolder attributes come in the fixtures' order.
 */
import { attribute, type XmlElement } from '../soap/xml-node.js';

export interface Page<T> {
  readonly entries: readonly T[];
  readonly nextOffset: number;
  readonly total: number;
  readonly includesLastItemInRange: boolean;
}

export function indexedPage<T>(all: readonly T[], view: XmlElement | undefined, limit: number): Page<T> {
  const requested = Number(attribute(view, 'MaxEntriesReturned') ?? limit);
  const size = Math.min(Number.isFinite(requested) && requested > 0 ? requested : limit, limit);
  const offset = Math.max(0, Number(attribute(view, 'Offset') ?? 0) || 0);
  const total = all.length;
  if (attribute(view, 'BasePoint') === 'End') {
    const end = Math.max(0, total - offset);
    const start = Math.max(0, end - size);
    return {
      entries: all.slice(start, end),
      nextOffset: offset + (end - start),
      total,
      includesLastItemInRange: start === 0,
    };
  }
  const end = Math.min(total, offset + size);
  const start = Math.min(offset, total);
  return { entries: all.slice(start, end), nextOffset: end, total, includesLastItemInRange: end >= total };
}

export function rootFolderXml(page: Page<unknown>, containerElement: string, content: string): string {
  const container =
    content === '' ? `<t:${containerElement}/>` : `<t:${containerElement}>${content}</t:${containerElement}>`;
  return (
    `<m:RootFolder IndexedPagingOffset="${page.nextOffset}" TotalItemsInView="${page.total}"` +
    ` IncludesLastItemInRange="${page.includesLastItemInRange}">${container}</m:RootFolder>`
  );
}
