/**
 * What an index knows about one attribute: the slots whose entries hold it, and its keys (numbers:
 * their canonical digit forms, read up front; text: folded values, built on the first search that
 * needs them, from the entries where they are stored).
 */
import type { EntryAttribute } from '../schema/entry.js';
import type { PhoneNumbers } from '../schema/phone-number.js';
import type { AttributeType } from '../schema/schema.js';
import { foldText } from '../schema/text-fold.js';
import { GrowableIds } from './growable-ids.js';
import { ALL_REACH } from './key-reach.js';
import { addPhoneKeys } from './phone-keys.js';
import type { PhoneReadings } from './phone-readings.js';
import { inShared } from './shared-arrays.js';
import { filterIds, union, type Ids } from './sorted-ids.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { SnapshotWriter } from './snapshot-writer.js';
import { TermIndex, type TermShare } from './term-index.js';
import { TermsBuilder } from './terms-builder.js';

/** The attributes of the entry in a slot, for text keys built on first use; undefined when free. */
export type SlotReader = (slot: number) => ReadonlyMap<string, EntryAttribute> | undefined;

/** An attribute's part of an index as another thread attaches to it (AttributeIndex.share). */
export interface AttributeShare {
  /** The attribute's name, lower case. */
  readonly key: string;
  readonly present: Ids;
  readonly callingCodes: readonly string[];
  /** Its keys, when built. */
  readonly terms?: TermShare;
}

export class AttributeIndex {
  #terms: TermIndex | undefined;
  #pending: TermsBuilder | undefined;

  constructor(
    readonly type: AttributeType,
    /** The slots whose entries hold the attribute, ascending. */
    readonly present: Ids,
    terms: TermsBuilder | TermIndex | undefined,
    private readonly read: SlotReader,
    /** The calling codes of the numbers held (telephone attributes). */
    readonly callingCodes: ReadonlySet<string>,
  ) {
    if (terms instanceof TermIndex) this.#terms = terms;
    else this.#pending = terms;
  }

  get key(): string {
    return this.type.name.toLowerCase();
  }

  /** The keys, for text and telephone attributes. */
  terms(): TermIndex | undefined {
    if (this.#terms || !this.#pending) return this.#terms;
    const builder = this.#pending;
    this.#pending = undefined;
    const key = this.key;
    for (const slot of this.present) {
      for (const value of this.read(slot)?.get(key)?.values ?? [])
        builder.add(foldText(value), slot, ALL_REACH);
    }
    return (this.#terms = builder.build(false));
  }

  /** What another thread attaches to: the slot list and keys in shared memory, as they are. */
  share(): AttributeShare {
    const terms = this.#terms?.share();
    return {
      key: this.key,
      present: inShared(this.present),
      callingCodes: [...this.callingCodes],
      ...(terms ? { terms } : {}),
    };
  }

  /**
   * The attribute `share` describes, in this thread. A text attribute whose keys the owner had
   * not built when it shared (built on a search's first use: not the prepared phonebook names) is
   * built here, from this thread's reader, on first use in this thread: a copy per thread, of the
   * attributes few searches ask about.
   */
  static attach(share: AttributeShare, type: AttributeType, read: SlotReader): AttributeIndex {
    const terms = share.terms
      ? TermIndex.attach(share.terms)
      : type.matching === 'text'
        ? new TermsBuilder()
        : undefined;
    return new AttributeIndex(type, share.present, terms, read, new Set(share.callingCodes));
  }

  /** The keys if they have been built, without building them. */
  builtTerms(): TermIndex | undefined {
    return this.#terms;
  }

  /** Who holds the attribute (unless everyone in `all` does), its calling codes and its built keys. */
  async saveTo(writer: SnapshotWriter, all: Ids): Promise<void> {
    const everyone = this.present === all || this.present.length === all.length;
    await writer.u32((everyone ? 1 : 0) | (this.#terms ? 2 : 0));
    if (!everyone) await writer.u32s(this.present);
    await writer.strings([...this.callingCodes]);
    await this.#terms?.saveTo(writer);
  }

  static async loadFrom(
    reader: SnapshotReader,
    type: AttributeType,
    all: Ids,
    read: SlotReader,
    slotCount: number,
  ): Promise<AttributeIndex> {
    const flags = await reader.u32();
    const present = flags & 1 ? all : await reader.u32s(true);
    const callingCodes = new Set(await reader.strings());
    const terms =
      flags & 2
        ? await TermIndex.loadFrom(reader, slotCount)
        : type.matching === 'text'
          ? new TermsBuilder()
          : undefined;
    return new AttributeIndex(type, present, terms, read, callingCodes);
  }

  /**
   * This attribute as it is once `newer` (an index of changed slots) is laid over it: the slots
   * `keep` refuses (changed or deleted since this index was built) drop out, `newer`'s come in. Keys
   * are merged as they are, sorted lists with their slots, so no number is read again; text keys
   * not built here yet stay unbuilt.
   */
  mergedWith(newer: AttributeIndex | undefined, keep: (slot: number) => boolean): AttributeIndex {
    const present = inShared(union(filterIds(this.present, keep), newer?.present ?? new Uint32Array(0)));
    const callingCodes = new Set([...this.callingCodes, ...(newer?.callingCodes ?? [])]);
    const mine = this.#terms;
    if (this.type.matching === 'text' && !mine) {
      return new AttributeIndex(this.type, present, new TermsBuilder(), this.read, callingCodes);
    }
    const theirs = newer?.terms();
    const terms =
      mine && theirs ? TermIndex.merge(mine, theirs, keep) : mine && TermIndex.merge(mine, undefined, keep);
    return new AttributeIndex(this.type, present, terms, this.read, callingCodes);
  }
}

/**
 * Collects one attribute during the pass over the entries: who holds it, and for numbers their keys
 * (reading numbers is the slow part, and phones search them on every call, so it is done up front).
 */
export class AttributeIndexBuilder {
  readonly #present = new GrowableIds();
  readonly #numbers: TermsBuilder | undefined;
  readonly #callingCodes = new Set<string>();

  constructor(readonly type: AttributeType) {
    this.#numbers = type.matching === 'telephone' ? new TermsBuilder() : undefined;
  }

  add(
    slot: number,
    key: string,
    values: readonly string[],
    phones: PhoneNumbers,
    readings: PhoneReadings | undefined,
  ): void {
    if (this.#present.last() !== slot) this.#present.push(slot);
    if (!this.#numbers) return;
    // The forms themselves are not kept (they would cost more memory than the entries), but what
    // libphonenumber read is, so that a search testing these numbers need not parse them again.
    const read = values.map((value) => phones.read(value));
    for (const forms of read) {
      if (forms.callingCode !== undefined) this.#callingCodes.add(forms.callingCode);
      addPhoneKeys(this.#numbers, forms, slot);
    }
    readings?.note(slot, key, read);
  }

  build(read: SlotReader, everyone: Ids): AttributeIndex {
    const terms =
      this.#numbers?.build(true) ?? (this.type.matching === 'text' ? new TermsBuilder() : undefined);
    const present = this.#present.length === everyone.length ? everyone : inShared(this.#present.view());
    return new AttributeIndex(this.type, present, terms, read, this.#callingCodes);
  }
}
