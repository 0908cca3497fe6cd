/**
 * A worker thread for replica-index-share.test.ts: attaches a StoreReader and a ReplicaIndex to the
 * store and index it is sent (ReplicaIndex.share: nothing copied but the stale slots and the
 * store's dictionaries), and answers each question with what its index finds for the filters.
 */
import { parentPort } from 'node:worker_threads';
import type { SlotReader } from '../../src/replica/attribute-index.js';
import { ReplicaIndex, type ReplicaIndexShare } from '../../src/replica/replica-index.js';
import { StoreReader, type StoreShare } from '../../src/replica/store-reader.js';
import { MatchingRules } from '../../src/schema/matching-rules.js';
import { Schema } from '../../src/schema/schema.js';
import { answers, type Answers } from './index-answers.js';

/** The store and index to attach to, or later shares of them. */
interface Shares {
  readonly store: StoreShare;
  readonly index: ReplicaIndexShare;
  readonly prepare: readonly string[];
}

export type Request =
  | ({ readonly kind: 'attach' } & Shares)
  | ({ readonly kind: 'update' } & Shares)
  | { readonly kind: 'ask'; readonly filters: readonly string[] };

const schema = Schema.load();
const rules = new MatchingRules(schema, { defaultCountry: 'DE' });
let reader: StoreReader | undefined;
let index: ReplicaIndex | undefined;
const port = parentPort!;

port.on('message', (request: Request) => {
  let reply: Answers = [];
  if (request.kind === 'attach') {
    const store = new StoreReader(request.store, (uuid) => `entryUUID=${uuid}`);
    const read: SlotReader = (slot) => store.entry(slot)?.attributes;
    reader = store;
    index = ReplicaIndex.attach({ schema, rules, read, prepare: request.prepare }, request.index);
  } else if (request.kind === 'update') {
    reader!.update(request.store);
    index!.update(request.index);
  } else reply = answers(index!, request.filters);
  port.postMessage(reply);
});
