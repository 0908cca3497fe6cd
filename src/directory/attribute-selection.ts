/**
 * Which attributes a search returns (RFC 4511 4.5.1.8): `*` all user attributes, `+` all operational
 * ones (RFC 3673), `1.1` none, names in any case returned under the schema's canonical name. Decided
 * once per search; applying it to an entry is one pass over the entry's attributes.
 */
import type { AttributeChoice, Entry } from '../schema/entry.js';
import type { Schema } from '../schema/schema.js';

export interface SelectedAttribute {
  readonly type: string;
  readonly values: readonly string[];
}

/** Operational attributes the directory computes for an entry only when asked. */
export interface ComputedAttributes {
  entryDN?: string;
  structuralObjectClass?: string;
  hasSubordinates?: boolean;
  subschemaSubentry?: string;
}

/** The names a caller's view shows presented attributes under (src/view/presented-view.ts). */
export interface AttributeRenaming {
  client(presentedName: string): string | undefined;
}

const COMPUTED = ['entryDN', 'structuralObjectClass', 'hasSubordinates', 'subschemaSubentry'] as const;

export class AttributeSelection {
  readonly #allUser: boolean;
  readonly #allOperational: boolean;
  /** Lower-cased canonical names asked for by name. */
  readonly #named = new Set<string>();
  readonly #typesOnly: boolean;
  /** Per-search memo of the schema lookup, which would otherwise run for every attribute of every entry. */
  readonly #operational = new Map<string, boolean>();
  #wantsComputed: boolean | undefined;
  /** The choice made last, for the renaming it was made for (one per search: its caller's view). */
  #choice: SelectionChoice | undefined;

  constructor(
    requested: readonly string[],
    typesOnly: boolean,
    private readonly schema: Schema,
    /** Lower-cased names never returned (sensitive attributes the caller may not read). */
    private readonly withheld: ReadonlySet<string> = new Set(),
  ) {
    const list = requested.filter((name) => name !== '1.1');
    this.#allUser = requested.length === 0 || list.includes('*');
    this.#allOperational = list.includes('+');
    for (const name of list) this.#named.add(schema.canonicalName(name).toLowerCase());
    this.#typesOnly = typesOnly;
  }

  /**
   * The attributes of an entry to return. The root DSE's attributes are all operational, but
   * clients and browsers expect `*` as well as `+` to show them (as AD and 389-ds do).
   */
  select(entry: Entry, computed: ComputedAttributes = {}, rootDse = false): SelectedAttribute[] {
    const out: SelectedAttribute[] = [];
    // Keys first, values only of what is wanted: a replica's entry decodes a value when it is read.
    for (const key of entry.attributes.keys()) {
      const wanted = rootDse
        ? !this.withheld.has(key) && (this.#named.has(key) || this.#allUser || this.#allOperational)
        : this.shows(key);
      if (!wanted) continue;
      const attribute = entry.attributes.get(key)!;
      out.push(this.#shape(attribute.name, attribute.values));
    }
    for (const name of COMPUTED) {
      const value = computed[name];
      if (value === undefined || !this.#wants(name.toLowerCase(), true)) continue;
      out.push(this.#shape(name, [typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : value]));
    }
    return out;
  }

  /**
   * The attributes asked for by name (lower-cased canonical names, withheld ones included), or
   * undefined when every user attribute is wanted (`*`, or none named).
   */
  get named(): ReadonlySet<string> | undefined {
    return this.#allUser ? undefined : this.#named;
  }

  /**
   * This selection as an entry held as bytes applies it (Entry.writeAttributes): the same
   * attributes `select` returns, less the computed ones, under the names `renaming` gives them.
   */
  choice(renaming?: AttributeRenaming): AttributeChoice {
    let choice = this.#choice;
    if (choice === undefined || choice.renaming !== renaming)
      this.#choice = choice = new SelectionChoice(this, renaming);
    return choice;
  }

  /** Whether a stored attribute (by its lower-cased key) is returned; the root DSE aside. */
  shows(key: string): boolean {
    return !this.withheld.has(key) && this.#wants(key, this.#isOperational(key));
  }

  get typesOnly(): boolean {
    return this.#typesOnly;
  }

  /** Whether any computed attribute is wanted, so callers skip computing them otherwise (asked per hit). */
  get wantsComputed(): boolean {
    return (this.#wantsComputed ??=
      this.#allOperational || COMPUTED.some((name) => this.#named.has(name.toLowerCase())));
  }

  #isOperational(key: string): boolean {
    let operational = this.#operational.get(key);
    if (operational === undefined) {
      operational = this.schema.attribute(key)?.operational ?? false;
      this.#operational.set(key, operational);
    }
    return operational;
  }

  #wants(key: string, operational: boolean): boolean {
    if (this.#named.has(key)) return true;
    return operational ? this.#allOperational : this.#allUser;
  }

  #shape(type: string, values: readonly string[]): SelectedAttribute {
    return { type, values: this.#typesOnly ? [] : values };
  }
}

/**
 * A selection with a caller's names, asked once per attribute of every entry an export sends: its
 * answer for each key is kept (one lookup per attribute instead of three or four).
 */
class SelectionChoice implements AttributeChoice {
  readonly values: boolean;
  /** Key -> the type shown, or null when the attribute is not returned. */
  readonly #types = new Map<string, string | null>();

  constructor(
    private readonly selection: AttributeSelection,
    readonly renaming: AttributeRenaming | undefined,
  ) {
    this.values = !selection.typesOnly;
  }

  typeOf(key: string, name: string): string | undefined {
    let type = this.#types.get(key);
    if (type === undefined) {
      type = this.selection.shows(key) ? (this.renaming?.client(name) ?? name) : null;
      this.#types.set(key, type);
    }
    return type ?? undefined;
  }
}
