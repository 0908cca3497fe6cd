/**
 * What a replica index finds for filters, as replica-index-share.test.ts compares it between the thread
 * that owns the index and a worker thread attached to it (replica-index-share-worker.ts).
 */
import { parseFilter } from '../../src/filter/parse.js';
import type { ReplicaIndex } from '../../src/replica/replica-index.js';
import { DONE } from '../../src/replica/slot-stream.js';

/** Per filter: its candidates (null: not narrowed), the slots its stream hands out, and exact. */
export type Answers = readonly {
  readonly candidates: number[] | null;
  readonly stream: number[];
  readonly exact: boolean;
}[];

export function answers(index: ReplicaIndex, filters: readonly string[]): Answers {
  return filters.map((text) => {
    const filter = parseFilter(text);
    const candidates = index.candidates(filter);
    const stream: number[] = [];
    const slots = index.stream(filter);
    for (let slot = slots.next(); slot !== DONE; slot = slots.next()) stream.push(slot);
    return { candidates: candidates ? [...candidates] : null, stream, exact: index.exact(filter) };
  });
}
