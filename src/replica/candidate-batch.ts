import type { Entry } from '../schema/entry.js';

/**
 * Entries a replica offers for a filter, one batch of them. `matched`: its index found each of them
 * exactly (SlotIndex.exact) and none was rewritten since, so each matches the filter and the
 * directory need not test it again (a name prefix spent a third of its time re-reading the names
 * its index had just matched). Without it, the entries are candidates, tested one by one.
 */
export type CandidateBatch = readonly Entry[] & { readonly matched?: true };
