/**
 * CSV for `export --format csv`, in the shape the file source reads back (src/sources/file/csv-reader.ts):
 * a header row of presented attribute names, one row per entry, the values of a multi-valued
 * attribute joined with `|` (the file source's default `multiValueSeparator`), cells quoted as
 * RFC 4180 asks. `entryUUID` leads, so that the re-imported entries keep their UUIDs (the file source
 * takes an `entryUUID` column as each record's id and UUID).
 */

export interface CsvEntry {
  readonly attributes: readonly { readonly type: string; readonly values: readonly string[] }[];
}

export const MULTI_VALUE_SEPARATOR = '|';

/** The columns for a set of entries: `entryUUID` first, then attributes in the order first seen. */
export function csvColumns(entries: readonly CsvEntry[]): string[] {
  const seen = new Map<string, string>();
  for (const entry of entries)
    for (const { type } of entry.attributes)
      if (!seen.has(type.toLowerCase())) seen.set(type.toLowerCase(), type);
  const uuid = seen.get('entryuuid');
  seen.delete('entryuuid');
  return [...(uuid === undefined ? [] : [uuid]), ...seen.values()];
}

export function csvHeader(columns: readonly string[]): string {
  return csvLine(columns);
}

export function csvRow(columns: readonly string[], entry: CsvEntry): string {
  const byType = new Map(entry.attributes.map((a) => [a.type.toLowerCase(), a.values]));
  return csvLine(
    columns.map((column) => (byType.get(column.toLowerCase()) ?? []).join(MULTI_VALUE_SEPARATOR)),
  );
}

/** Values that contain the separator come back as several values: the export warns about them. */
export function splitsOnReimport(entry: CsvEntry): number {
  let count = 0;
  for (const { values } of entry.attributes)
    for (const value of values) if (value.includes(MULTI_VALUE_SEPARATOR)) count++;
  return count;
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
