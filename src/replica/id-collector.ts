import type { Ids } from './sorted-ids.js';

/**
 * Unions entry ids without duplicates. A stamp per entry marks what the current union holds, so
 * adding is O(1) and nothing is cleared between unions; large unions are read back in order from the
 * stamps, small ones are sorted.
 */
export class IdCollector {
  readonly #stamps: Uint32Array;
  #epoch = 0;
  #ids: number[] = [];

  constructor(size: number) {
    this.#stamps = new Uint32Array(size);
  }

  begin(): this {
    if (this.#epoch === 0xffffffff) {
      this.#stamps.fill(0);
      this.#epoch = 0;
    }
    this.#epoch++;
    this.#ids = [];
    return this;
  }

  add(id: number): void {
    if (this.#stamps[id] === this.#epoch) return;
    this.#stamps[id] = this.#epoch;
    this.#ids.push(id);
  }

  addAll(ids: Ids): void {
    for (const id of ids) this.add(id);
  }

  addRange(ids: Uint32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.add(ids[i]!);
  }

  finish(): Ids {
    const ids = this.#ids;
    this.#ids = [];
    if (ids.length * 8 < this.#stamps.length) return Uint32Array.from(ids).sort();
    const out = new Uint32Array(ids.length);
    let count = 0;
    for (let id = 0; id < this.#stamps.length; id++) if (this.#stamps[id] === this.#epoch) out[count++] = id;
    return out;
  }
}
