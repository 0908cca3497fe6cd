/**
 * An entry of the replica read where it is stored: its attribute map decodes an attribute's values
 * only when something asks for them (a filter testing `cn` decodes `cn`, not the description), and
 * keeps what it decoded for as long as the view lives (one search's use of it).
 */
import type { AttributeChoice, AttributeSink, Entry, EntryAttribute } from '../schema/entry.js';
import { RecordReader, writeRecordAttributes } from './entry-record.js';
import type { RecordNames } from './record-names.js';
import type { RecordValues } from './record-values.js';

/**
 * Told of each attribute a view decodes, with the slot and record it was read from (the store's
 * phone readings hand the matching rules the numbers' forms this way).
 */
export interface DecodeListener {
  attach(slot: number, record: number, key: string, values: readonly string[]): void;
}

/** Where a view was read from, for its DecodeListener. */
interface ViewSource {
  readonly slot: number;
  readonly record: number;
  readonly listener: DecodeListener;
}

export class StoredEntry implements Entry {
  #attributes: StoredAttributes | undefined;
  #dn: string | undefined;

  constructor(
    private readonly uuid: string,
    /** Makes the DN of a UUID: called once, on first use of `dn`. */
    private readonly dnOf: (uuid: string) => string,
    private readonly bytes: Buffer,
    /** Where the record starts in `bytes`. */
    private readonly offset: number,
    private readonly names: RecordNames,
    private readonly values: RecordValues,
    /** Told of what the view decodes, with the slot it was read from. */
    private readonly listener: DecodeListener | undefined,
    private readonly slot: number,
    /** Entry.stamp: the record's arena and place in it (EntryStore). */
    readonly stamp?: number,
  ) {}

  /**
   * Made on first use: an entry found exactly by the index whose answer is kept encoded is sent
   * without a look at its attributes (one object per entry then, not three).
   */
  get attributes(): ReadonlyMap<string, EntryAttribute> {
    if (this.#attributes) return this.#attributes;
    const { listener } = this;
    const source = listener && { slot: this.slot, record: this.offset + 1, listener };
    return (this.#attributes = new StoredAttributes(
      this.bytes,
      this.offset,
      this.names,
      this.values,
      source,
    ));
  }

  /** The chosen attributes straight from the record's bytes (Entry.writeAttributes). */
  writeAttributes(choice: AttributeChoice, sink: AttributeSink): void {
    writeRecordAttributes(this.bytes, this.offset, this.names, this.values, choice, sink);
  }

  /**
   * Made on first use: a search reads every candidate, most of which its filter then rejects, and
   * only the hits are sent with their DN (building every candidate's DN, with the check that its
   * UUID needs no escaping, was ~2% of a type-ahead's time).
   */
  get dn(): string {
    return (this.#dn ??= this.dnOf(this.uuid));
  }
}

/** The attribute section of one record as a read-only map from lower-cased name to attribute. */
class StoredAttributes implements ReadonlyMap<string, EntryAttribute> {
  /** Per group: its lower-cased name, and where its values start; read on first use. */
  #keys: string[] | undefined;
  #starts: number[] | undefined;
  /** Made on the first decode: an entry whose answer is kept encoded may never decode one. */
  #decoded: Map<string, EntryAttribute> | undefined;

  constructor(
    private readonly bytes: Buffer,
    private readonly offset: number,
    private readonly names: RecordNames,
    private readonly shared: RecordValues,
    private readonly source: ViewSource | undefined,
  ) {}

  get size(): number {
    return this.#groupKeys().length;
  }

  has(key: string): boolean {
    return this.#groupKeys().includes(key);
  }

  get(key: string): EntryAttribute | undefined {
    const cached = this.#decoded?.get(key);
    if (cached) return cached;
    const index = this.#groupKeys().indexOf(key);
    return index < 0 ? undefined : this.#decode(index);
  }

  forEach(
    callback: (value: EntryAttribute, key: string, map: ReadonlyMap<string, EntryAttribute>) => void,
  ): void {
    const keys = this.#groupKeys();
    for (let i = 0; i < keys.length; i++) callback(this.#decodedAt(i), keys[i]!, this);
  }

  *entries(): MapIterator<[string, EntryAttribute]> {
    const keys = this.#groupKeys();
    for (let i = 0; i < keys.length; i++) yield [keys[i]!, this.#decodedAt(i)];
  }

  *keys(): MapIterator<string> {
    yield* this.#groupKeys();
  }

  *values(): MapIterator<EntryAttribute> {
    const keys = this.#groupKeys();
    for (let i = 0; i < keys.length; i++) yield this.#decodedAt(i);
  }

  [Symbol.iterator](): MapIterator<[string, EntryAttribute]> {
    return this.entries();
  }

  #decodedAt(index: number): EntryAttribute {
    return this.#decoded?.get(this.#keys![index]!) ?? this.#decode(index);
  }

  #decode(index: number): EntryAttribute {
    const key = this.#keys![index]!;
    const reader = new RecordReader(this.bytes, this.#starts![index]!, this.shared);
    const nameId = reader.varint();
    const attribute: EntryAttribute = { name: this.names.nameOf(nameId), values: reader.strings() };
    (this.#decoded ??= new Map()).set(key, attribute);
    const source = this.source;
    source?.listener.attach(source.slot, source.record, key, attribute.values);
    return attribute;
  }

  /** Walks the group headers once, skipping the values. */
  #groupKeys(): string[] {
    if (this.#keys) return this.#keys;
    const reader = new RecordReader(this.bytes, this.offset, this.shared);
    const count = reader.varint();
    const keys = new Array<string>(count);
    const starts = new Array<number>(count);
    for (let g = 0; g < count; g++) {
      starts[g] = reader.position;
      keys[g] = this.names.keyOf(reader.varint());
      reader.skipStrings();
    }
    this.#starts = starts;
    return (this.#keys = keys);
  }
}
