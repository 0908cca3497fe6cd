/** What a reader (CSV or LDIF) gives the file source: entries in file order and the rows it skipped. */

export interface ParsedEntry {
  /** 1-based line where the entry starts, for error messages. */
  readonly line: number;
  /** LDIF only: the entry's DN as written. */
  readonly dn?: string;
  /** Canonical field name -> values (trimmed, empties dropped). */
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

/** A row or value the reader skipped; the rest of the file is still served. */
export interface ParseProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedFile {
  /** Field names in the order the file declares them (CSV header, LDIF first appearance). */
  readonly fieldNames: readonly string[];
  readonly entries: readonly ParsedEntry[];
  readonly problems: readonly ParseProblem[];
}

/** The file as a whole cannot be used (no header row, not LDIF): nothing in it is served. */
export class FileFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'FileFormatError';
  }
}

/** Appends values to a field, creating it on first use (a field may come from several columns). */
export function addValues(fields: Record<string, string[]>, name: string, values: readonly string[]): void {
  if (values.length === 0) return;
  const existing = fields[name];
  if (existing) existing.push(...values);
  else fields[name] = [...values];
}
