/**
 * Paged searches in progress on one connection (RFC 2696). A cookie is random and only means
 * something to the connection that issued it, so a cookie from elsewhere is simply unknown. Each
 * state keeps the directory's stream suspended between pages, so the next page resumes where the
 * last stopped without re-running the search, and holds one entry read ahead to know whether
 * another page follows.
 */
import { randomBytes } from 'node:crypto';
import type { SearchHit } from '../directory/directory.js';
import type { EvaluationBudget } from '../directory/evaluation-budget.js';
import type { PresentedView } from '../view/presented-view.js';

/** How many paged searches one connection may hold open; the oldest is dropped beyond it. */
const MAX_OPEN_PER_CONNECTION = 16;

export class PagedSearch {
  /** A hit read past the end of the previous page. */
  lookahead: SearchHit | undefined;
  /** Entries sent so far, for the client's overall sizeLimit. */
  sent = 0;
  constructor(
    readonly fingerprint: string,
    readonly hits: AsyncGenerator<SearchHit>,
    /** Aborting it stops the search's sources. */
    readonly controller: AbortController,
    /** The filter work the search may do, given afresh for each page. */
    readonly budget: EvaluationBudget,
    /** The first page's view: later pages name attributes as it did. */
    readonly view?: PresentedView,
  ) {}

  /** Stops the underlying search and lets its sources clean up. */
  close(): void {
    this.controller.abort(new Error('paged search closed'));
    void this.hits.return(undefined).catch(() => undefined);
  }
}

export class PagedSearches {
  readonly #open = new Map<string, PagedSearch>();

  /** Stores a search between pages and returns the cookie for the next page. */
  park(search: PagedSearch): Uint8Array {
    if (this.#open.size >= MAX_OPEN_PER_CONNECTION) {
      const [oldest] = this.#open.keys();
      if (oldest !== undefined) this.release(oldest);
    }
    const cookie = randomBytes(16);
    this.#open.set(cookie.toString('hex'), search);
    return cookie;
  }

  /** Takes a parked search out by its cookie (undefined for a cookie this connection never issued). */
  take(cookie: Uint8Array): PagedSearch | undefined {
    const key = Buffer.from(cookie).toString('hex');
    const search = this.#open.get(key);
    this.#open.delete(key);
    return search;
  }

  release(key: string): void {
    this.#open.get(key)?.close();
    this.#open.delete(key);
  }

  closeAll(): void {
    for (const search of this.#open.values()) search.close();
    this.#open.clear();
  }
}
