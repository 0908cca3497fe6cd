import { ALL_REACH } from './key-reach.js';
import { GrowableIds } from './growable-ids.js';
import { KeyTable } from './key-table.js';
import { sharedUint32s, sharedUint8s } from './shared-arrays.js';
import { TermIndex } from './term-index.js';

/**
 * Collects (key, entry) pairs in entry order, then lays them out sorted (see TermIndex), in shared
 * memory: what is built here is what other threads read (SlotIndex.share).
 */
export class TermsBuilder {
  readonly #ids = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #lastEntry: number[] = [];
  readonly #reach: number[] = [];
  readonly #pairKeys = new GrowableIds();
  readonly #pairEntries = new GrowableIds();

  add(key: string, entry: number, reach: number): void {
    let k = this.#ids.get(key);
    if (k === undefined) {
      k = this.#keys.length;
      this.#ids.set(key, k);
      this.#keys.push(key);
      this.#lastEntry.push(-1);
      this.#reach.push(0);
    }
    this.#reach[k]! |= reach;
    if (this.#lastEntry[k] === entry) return;
    this.#lastEntry[k] = entry;
    this.#pairKeys.push(k);
    this.#pairEntries.push(entry);
  }

  build(suffixes: boolean): TermIndex {
    const keys = [...this.#keys].sort();
    const remap = new Uint32Array(keys.length);
    for (let k = 0; k < keys.length; k++) remap[this.#ids.get(keys[k]!)!] = k;
    const { offsets, postings } = this.#layOut(remap, keys.length);
    let reach: Uint8Array | undefined;
    if (this.#reach.some((flags) => flags !== ALL_REACH)) {
      reach = sharedUint8s(keys.length);
      this.#reach.forEach((flags, k) => (reach![remap[k]!] = flags));
    }
    return new TermIndex(KeyTable.of(keys), offsets, postings, reach, suffixes);
  }

  /** Counting sort of the pairs by sorted key id; pairs were added in entry order, so postings ascend. */
  #layOut(remap: Uint32Array, keyCount: number): { offsets: Uint32Array; postings: Uint32Array } {
    const pairKeys = this.#pairKeys.view();
    const pairEntries = this.#pairEntries.view();
    const offsets = sharedUint32s(keyCount + 1);
    for (const k of pairKeys) offsets[remap[k]! + 1]!++;
    for (let k = 0; k < keyCount; k++) offsets[k + 1]! += offsets[k]!;
    const cursor = offsets.slice(0, keyCount);
    const postings = sharedUint32s(pairKeys.length);
    for (let i = 0; i < pairKeys.length; i++) postings[cursor[remap[pairKeys[i]!]!]!++] = pairEntries[i]!;
    return { offsets, postings };
  }
}
