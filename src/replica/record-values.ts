/**
 * Values that many entries share (a department, a title, an office, a city, the object classes),
 * held once: a record refers to them by a small integer instead of repeating their text. Which
 * attributes are worth it is learnt, not configured: the first occurrences of each attribute are
 * sampled, and only an attribute whose values repeat is interned from then on (names, numbers and
 * mail addresses, all different, are never put in the dictionary). The dictionary is bounded, and
 * ids never change while the store lives (a snapshot saves the list).
 */

/** Occurrences sampled per attribute before deciding. */
const SAMPLE = 256;
/** An attribute is interned when its sample holds at most this many distinct values. */
const REPEATED = 64;
/** Values per interned attribute, and values in all, beyond which values stay inline. */
const PER_ATTRIBUTE = 4096;
const TOTAL = 65_536;
/** Values this short cost less inline than a reference; values this long are rarely shared. */
const SHORTEST = 3;
const LONGEST = 128;

interface Policy {
  /** Still sampling: the distinct values seen, and how many occurrences. */
  sample?: Set<string>;
  seen: number;
  interned: boolean;
  /** Values this attribute added to the dictionary. */
  added: number;
}

export class RecordValues {
  readonly #values: string[] = [];
  readonly #ids = new Map<string, number>();
  readonly #policies: (Policy | undefined)[] = [];
  /** Each value's UTF-8 bytes, made on first use: an answer encoded from a record copies them. */
  readonly #bytes: (Buffer | undefined)[] = [];

  constructor(values: readonly string[] = []) {
    for (const value of values) this.#add(value);
  }

  /** The id to store for a value of the attribute `nameId`, or undefined to store it inline. */
  idOf(nameId: number, value: string): number | undefined {
    const known = this.#ids.get(value);
    if (known !== undefined) return known;
    if (value.length < SHORTEST || value.length > LONGEST) return undefined;
    const policy = (this.#policies[nameId] ??= { sample: new Set(), seen: 0, interned: false, added: 0 });
    if (policy.sample) {
      policy.sample.add(value);
      if (++policy.seen < SAMPLE) return undefined;
      policy.interned = policy.sample.size <= REPEATED;
      policy.sample = undefined;
    }
    if (!policy.interned || policy.added >= PER_ATTRIBUTE || this.#values.length >= TOTAL) return undefined;
    policy.added++;
    return this.#add(value);
  }

  /** Appends values another thread's dictionary added, in its order (a StoreReader's copy). */
  extend(values: readonly string[]): void {
    for (const value of values) this.#add(value);
  }

  valueOf(id: number): string {
    return this.#values[id]!;
  }

  /** A value's UTF-8 bytes (ids never change, so they are made once). */
  bytesOf(id: number): Buffer {
    return (this.#bytes[id] ??= Buffer.from(this.#values[id]!, 'utf8'));
  }

  get all(): readonly string[] {
    return this.#values;
  }

  #add(value: string): number {
    const id = this.#values.length;
    this.#values.push(value);
    this.#ids.set(value, id);
    return id;
  }
}
