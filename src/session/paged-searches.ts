/**
 * Paged searches in progress on one connection (RFC 2696). A cookie is random and only means
 * something to the connection that issued it, so a cookie from elsewhere is simply unknown. Each
 * state keeps the directory's stream suspended between pages, so the next page resumes where the
 * last stopped without re-running the search, and holds the hits read ahead (the rest of a run, or
 * the next run) that tell whether another page follows.
 */
import { randomBytes } from 'node:crypto';
import type { SearchHit } from '../directory/directory.js';
import type { EvaluationBudget } from '../directory/evaluation-budget.js';
import type { PresentedView } from '../view/presented-view.js';

/** How many paged searches one connection may hold open; the oldest is dropped beyond it. */
const MAX_OPEN_PER_CONNECTION = 16;

export class PagedSearch {
  /** The run of hits being sent: a page that ends inside it leaves the rest for the next. */
  #run: readonly SearchHit[] = [];
  #at = 0;
  /** Entries sent so far, for the client's overall sizeLimit. */
  sent = 0;
  constructor(
    readonly fingerprint: string,
    /** The directory's hits, a run at a time (PreparedSearch.hitBatches). */
    readonly runs: AsyncGenerator<readonly SearchHit[]>,
    /** Aborting it stops the search's sources. */
    readonly controller: AbortController,
    /** The filter work the search may do, given afresh for each page. */
    readonly budget: EvaluationBudget,
    /** The first page's view: later pages name attributes as it did. */
    readonly view?: PresentedView,
  ) {}

  /** The next hit already read, or undefined when the next run has to be read first (`read`). */
  take(): SearchHit | undefined {
    return this.#at < this.#run.length ? this.#run[this.#at++] : undefined;
  }

  /** Whether a hit is read and not yet sent: then another page follows. */
  get holding(): boolean {
    return this.#at < this.#run.length;
  }

  /** Reads the next run of hits; false once the search has none left. */
  async read(): Promise<boolean> {
    for (;;) {
      const result = await this.runs.next();
      if (result.done === true) return false;
      if (result.value.length === 0) continue;
      this.#run = result.value;
      this.#at = 0;
      return true;
    }
  }

  /** Stops the underlying search and lets its sources clean up. */
  close(): void {
    this.controller.abort(new Error('paged search closed'));
    this.#run = [];
    void this.runs.return(undefined).catch(() => undefined);
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
