/**
 * A short-lived cache of a live source's answers (DESIGN.md "Live and replica sources"), so the same
 * phone lookup on every key press, or a caller-ID lookup repeated by every phone that rings, goes to
 * the backend once. Only small, complete answers are kept: a PBX import is never cached, and neither
 * is an answer that failed or was cut short, so a backend error is never served from here.
 */
import { LRUCache } from 'lru-cache';
import type { SourceRecord } from '../sources/source.js';

export interface ResultCacheSettings {
  /** How many distinct queries are kept; 0 turns the cache off. */
  readonly size: number;
  /** Seconds an answer is kept. */
  readonly ttl: number;
  /** Answers with more records than this are not kept. */
  readonly maxRecords: number;
}

export const DEFAULT_RESULT_CACHE: ResultCacheSettings = { size: 1000, ttl: 30, maxRecords: 200 };

export class ResultCache {
  readonly #answers: LRUCache<string, readonly SourceRecord[]> | undefined;

  constructor(readonly settings: ResultCacheSettings = DEFAULT_RESULT_CACHE) {
    this.#answers =
      settings.size > 0 && settings.ttl > 0
        ? new LRUCache({ max: settings.size, ttl: settings.ttl * 1000 })
        : undefined;
  }

  /** Searches answered from the cache, and looked up in vain, since start (for metrics). */
  hits = 0;
  misses = 0;

  /** Whether answers are kept at all (size and ttl above 0). */
  get enabled(): boolean {
    return this.#answers !== undefined;
  }

  get(key: string): readonly SourceRecord[] | undefined {
    if (!this.#answers) return undefined;
    const answer = this.#answers.get(key);
    if (answer) this.hits++;
    else this.misses++;
    return answer;
  }

  /**
   * Streams `records` through, keeping them for `key` only when the stream ends normally with at most
   * `maxRecords` records. An error or an early stop by the consumer leaves nothing behind.
   */
  async *through(key: string, records: AsyncIterable<SourceRecord>): AsyncIterable<SourceRecord> {
    const answers = this.#answers;
    if (!answers) {
      yield* records;
      return;
    }
    let kept: SourceRecord[] | undefined = [];
    for await (const record of records) {
      if (kept && kept.length < this.settings.maxRecords) kept.push(record);
      else kept = undefined;
      yield record;
    }
    if (kept) answers.set(key, kept);
  }
}
