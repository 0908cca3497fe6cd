/**
 * Turns parsed entries into SourceRecords: each gets a stable id and, when the file says so, a kind.
 *
 * Id rule (first that applies):
 * 1. `idField` from config: that field's value (LDIF: `dn` means the DN). A record without it is skipped.
 * 2. A field named `id` (any case), else `entryUUID`: its value. In a CSV the column decides for the
 *    whole file (an empty cell skips the row); in LDIF each record falls back to its DN.
 * 3. CSV without such a column: `mail:<first mail, lower-cased>`, else `row:<hash of the row>`.
 * Ids from 1 and 2 (and DNs) must be unique: a repeat is skipped. Ids derived in 3 are only as stable
 * as the data they come from, and repeats get `#2`, `#3` in file order; give the file an `id` column
 * for ids that survive edits and reordering.
 *
 * Kind rule: an `objectClass` value `contact` makes a contact, `user` a user (contact wins if both);
 * otherwise the source's configured kind (`users`, `contacts`), or none for `both`.
 */
import { createHash } from 'node:crypto';
import type { SourceKind, SourceRecord } from '../source.js';
import { FileFormatError } from './parsed-file.js';
import type { ParseProblem, ParsedEntry, ParsedFile } from './parsed-file.js';

export interface IdentityOptions {
  readonly format: 'csv' | 'ldif';
  readonly kind: SourceKind;
  readonly idField?: string;
}

export interface IdentifiedRecords {
  readonly records: readonly SourceRecord[];
  readonly problems: readonly ParseProblem[];
}

/** How a record's id is found: from named fields (strict) or derived from its content. */
interface IdRule {
  /** Fields tried in order; the DN stands in as `dn` for LDIF. */
  readonly fields: readonly string[];
  /** What a record without any of `fields` gets: skipped, its DN, or an id derived from its content. */
  readonly otherwise: 'skip' | 'dn' | 'derive';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function identify(parsed: ParsedFile, options: IdentityOptions): IdentifiedRecords {
  const identifier = new RecordIdentifier(parsed.fieldNames, options);
  const records: SourceRecord[] = [];
  for (const entry of parsed.entries) {
    const record = identifier.identify(entry);
    if (record) records.push(record);
  }
  return { records, problems: identifier.problems };
}

/**
 * Gives the entries of one parse their ids, one entry at a time (a streamed file is never held
 * whole): skips and reports entries without an id or with one seen before.
 */
export class RecordIdentifier {
  readonly problems: ParseProblem[] = [];
  readonly #rule: IdRule;
  readonly #firstLineById = new Map<string, number>();

  /** Throws FileFormatError when `idField` names no column. */
  constructor(
    fieldNames: readonly string[],
    private readonly options: IdentityOptions,
  ) {
    this.#rule = idRule(fieldNames, options);
  }

  identify(entry: ParsedEntry): SourceRecord | undefined {
    const rule = this.#rule;
    const found = recordId(entry, rule);
    if (found === undefined) {
      this.problems.push({
        line: entry.line,
        message: `no id (${rule.fields.join(' or ')} is empty); record skipped`,
      });
      return undefined;
    }
    const id = found.derived ? disambiguate(found.id, this.#firstLineById) : found.id;
    const first = this.#firstLineById.get(id);
    if (first !== undefined) {
      this.problems.push({
        line: entry.line,
        message: `duplicate id '${id}' (first on line ${first}); record skipped`,
      });
      return undefined;
    }
    this.#firstLineById.set(id, entry.line);
    return toRecord(id, entry, this.options.kind);
  }
}

function idRule(fieldNames: readonly string[], { format, idField }: IdentityOptions): IdRule {
  if (idField !== undefined) {
    const known = format === 'ldif' || idField.toLowerCase() === 'dn' || hasField(fieldNames, idField);
    if (!known)
      throw new FileFormatError(
        1,
        `idField '${idField}' is not a column (columns: ${fieldNames.join(', ')})`,
      );
    return { fields: [idField], otherwise: 'skip' };
  }
  if (format === 'ldif') return { fields: ['id', 'entryUUID'], otherwise: 'dn' };
  const column = ['id', 'entryUUID'].find((name) => hasField(fieldNames, name));
  return column ? { fields: [column], otherwise: 'skip' } : { fields: [], otherwise: 'derive' };
}

function hasField(fieldNames: readonly string[], name: string): boolean {
  return fieldNames.some((field) => field.toLowerCase() === name.toLowerCase());
}

function recordId(entry: ParsedEntry, rule: IdRule): { id: string; derived: boolean } | undefined {
  for (const field of rule.fields) {
    const value = field.toLowerCase() === 'dn' ? entry.dn : firstValue(entry, field);
    if (value !== undefined && value !== '') return { id: value, derived: false };
  }
  if (rule.otherwise === 'dn' && entry.dn !== undefined) return { id: entry.dn, derived: false };
  if (rule.otherwise !== 'derive') return undefined;
  const mail = firstValue(entry, 'mail');
  return {
    id: mail === undefined ? `row:${contentHash(entry)}` : `mail:${mail.toLowerCase()}`,
    derived: true,
  };
}

function firstValue(entry: ParsedEntry, field: string): string | undefined {
  const lower = field.toLowerCase();
  const key = Object.keys(entry.fields).find((name) => name.toLowerCase() === lower);
  return key === undefined ? undefined : entry.fields[key]?.[0];
}

/** A hash of the row's fields, independent of column order. */
function contentHash(entry: ParsedEntry): string {
  const canonical = JSON.stringify(
    Object.entries(entry.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function disambiguate(id: string, taken: ReadonlyMap<string, number>): string {
  if (!taken.has(id)) return id;
  let n = 2;
  while (taken.has(`${id}#${n}`)) n++;
  return `${id}#${n}`;
}

function toRecord(id: string, entry: ParsedEntry, sourceKind: SourceKind): SourceRecord {
  const uuid = firstValue(entry, 'entryUUID');
  const kind = recordKind(entry, sourceKind);
  return {
    id,
    ...(uuid !== undefined && UUID.test(uuid) ? { uuid: uuid.toLowerCase() } : {}),
    ...(kind ? { kind } : {}),
    fields: entry.fields,
  };
}

function recordKind(entry: ParsedEntry, sourceKind: SourceKind): 'user' | 'contact' | undefined {
  const classes = (entry.fields.objectClass ?? []).map((value) => value.toLowerCase());
  if (classes.includes('contact')) return 'contact';
  if (classes.includes('user')) return 'user';
  if (sourceKind === 'users') return 'user';
  return sourceKind === 'contacts' ? 'contact' : undefined;
}
