/** An append-only list of uint32 that grows by doubling. */
export class GrowableIds {
  #data = new Uint32Array(16);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new Uint32Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  get length(): number {
    return this.#length;
  }

  last(): number | undefined {
    return this.#length === 0 ? undefined : this.#data[this.#length - 1];
  }

  view(): Uint32Array {
    return this.#data.subarray(0, this.#length);
  }

  toArray(): Uint32Array {
    return this.#data.slice(0, this.#length);
  }
}
