/**
 * A worker thread for store-reader.test.ts: attaches a StoreReader to the store it is sent, and
 * answers each request with the entries of the slots asked for, read in this thread.
 */
import { parentPort } from 'node:worker_threads';
import { StoreReader, type StoreShare } from '../../src/replica/store-reader.js';

export type Request =
  | { readonly kind: 'attach' | 'update'; readonly share: StoreShare }
  | { readonly kind: 'read'; readonly slots: readonly number[] };

/** Per slot asked: its DN and attributes as [name, values] pairs, or null when it reads nothing. */
export type Answer = readonly ({ readonly dn: string; readonly attributes: [string, string[]][] } | null)[];

let reader: StoreReader | undefined;
const port = parentPort!;

port.on('message', (request: Request) => {
  if (request.kind === 'attach') reader = new StoreReader(request.share, (uuid) => `entryUUID=${uuid}`);
  else if (request.kind === 'update') reader!.update(request.share);
  const slots = request.kind === 'read' ? request.slots : [];
  const answer: Answer = slots.map((slot) => {
    const entry = reader!.entry(slot);
    if (!entry || reader!.generationOf(slot) > reader!.frees) return null;
    const attributes: [string, string[]][] = [];
    entry.attributes.forEach((attribute) => attributes.push([attribute.name, [...attribute.values]]));
    return { dn: entry.dn, attributes };
  });
  port.postMessage(answer);
});
