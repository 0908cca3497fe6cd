/**
 * Each source's field map as the status page shows it: which source field(s) fill each presented
 * attribute, and for a replica how many of its entries hold it. Counting walks the whole copy (names
 * only, see MountedSource.fillCounts), so a count is kept for a minute and shared by the page loads
 * that come meanwhile: reloading the page does not walk 100,000 entries each time. A live source's
 * entries are not held, so its map is shown without counts.
 */

/** What the page reads of a source's field map (src/mapping/field-map.ts). */
export interface FieldMapView {
  /** The map's explicit entries (default map and config). */
  explicitEntries(): readonly { readonly attribute: string; readonly fields: readonly string[] }[];
  /** The fields behind an attribute, empty when nothing fills it (derived ones, say). */
  fieldsFor(attribute: string): readonly string[];
  /** Undefined under the identity map, where a field named like an attribute fills it. */
  nativeFields(): readonly string[] | undefined;
}

export interface MappedSource {
  readonly name: string;
  readonly mode: string;
  readonly map: FieldMapView;
  /** A replica's entries counted by attribute (lower-cased names); undefined for a live source. */
  fillCounts(
    signal: AbortSignal,
  ): Promise<{ readonly entries: number; readonly counts: ReadonlyMap<string, number> } | undefined>;
}

export interface FieldRow {
  readonly attribute: string;
  /** First choice first; one field for an identity-mapped attribute (its namesake). */
  readonly fields: readonly string[];
  /** Entries holding the attribute; undefined when not counted (live source). */
  readonly filled?: number;
}

export interface SourceFieldMap {
  readonly source: string;
  readonly mode: string;
  /** Whether fields named like presented attributes fill them (the file source's default). */
  readonly identity: boolean;
  readonly rows: readonly FieldRow[];
  /** Of a replica: how many entries were counted, and when. */
  readonly counted?: { readonly entries: number; readonly at: Date };
  /** Why there are no counts (a live source, a count that failed). */
  readonly note?: string;
}

type Counted = { readonly entries: number; readonly counts: ReadonlyMap<string, number>; readonly at: Date };

const NEVER = new AbortController().signal;

/** How long a count is shown before the next page load counts again. */
export const COUNT_TTL_MS = 60_000;

export class FieldFillCounts {
  readonly #cached = new Map<
    string,
    { readonly at: number; readonly counting: Promise<Counted | undefined> }
  >();

  constructor(
    private readonly sources: readonly MappedSource[],
    private readonly now: () => number = Date.now,
  ) {}

  async maps(): Promise<SourceFieldMap[]> {
    return Promise.all(this.sources.map((source) => this.#map(source)));
  }

  async #map(source: MappedSource): Promise<SourceFieldMap> {
    const identity = source.map.nativeFields() === undefined;
    const base = { source: source.name, mode: source.mode, identity };
    let counted: Counted | undefined;
    try {
      counted = await this.#count(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ...base, rows: rows(source.map, undefined), note: `entries not counted: ${reason}` };
    }
    if (!counted) {
      return {
        ...base,
        rows: rows(source.map, undefined),
        note: 'a live source: counts need a copy (a replica)',
      };
    }
    return {
      ...base,
      rows: rows(source.map, counted.counts),
      counted: { entries: counted.entries, at: counted.at },
    };
  }

  /** The source's count, a fresh one or one under way; a failed count is not kept. */
  #count(source: MappedSource): Promise<Counted | undefined> {
    const now = this.now();
    const cached = this.#cached.get(source.name);
    if (cached && now - cached.at < COUNT_TTL_MS) return cached.counting;
    // Counted for whoever asks within the minute: a page load that goes away does not stop it.
    const counting = source.fillCounts(NEVER).then((result) => result && { ...result, at: new Date(now) });
    this.#cached.set(source.name, { at: now, counting });
    counting.catch(() => this.#cached.delete(source.name));
    return counting;
  }
}

/**
 * The map's explicit entries in its order; then, under the identity map, each other attribute the
 * entries hold that a field of the same name fills (not the ones the directory derives).
 */
function rows(map: FieldMapView, counts: ReadonlyMap<string, number> | undefined): FieldRow[] {
  const filled = (attribute: string): { filled?: number } =>
    counts ? { filled: counts.get(attribute.toLowerCase()) ?? 0 } : {};
  const explicit = map.explicitEntries().map(({ attribute, fields }) => ({
    attribute,
    fields,
    ...filled(attribute),
  }));
  if (map.nativeFields() !== undefined || !counts) return explicit;
  const named = new Set(explicit.map((row) => row.attribute.toLowerCase()));
  const byName: FieldRow[] = [];
  for (const [key, count] of counts) {
    if (named.has(key)) continue;
    const fields = map.fieldsFor(key);
    if (fields.length === 0) continue;
    byName.push({ attribute: fields[0]!, fields, filled: count });
  }
  byName.sort((a, b) => a.attribute.localeCompare(b.attribute));
  return [...explicit, ...byName];
}
