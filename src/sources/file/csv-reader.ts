/**
 * Reads a CSV phonebook: the header row names presented attributes (any letter case, aliases
 * allowed; other names are kept as written and can be mapped), each further row is one record.
 * A cell holds several values separated by the multi-value separator. A bad row is reported with its
 * line number and skipped; the good rows are kept.
 */
import { Readable, pipeline } from 'node:stream';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { CsvError, InfoRecord, Options } from 'csv-parse/sync';
import { canonicalFieldName } from './presented-names.js';
import { FileFormatError, addValues } from './parsed-file.js';
import type { ParseProblem, ParsedEntry, ParsedFile } from './parsed-file.js';

export interface CsvOptions {
  /** Separates the values of a multi-valued cell (`|` by default). */
  readonly multiValueSeparator: string;
}

interface Row {
  readonly line: number;
  readonly cells: readonly string[];
}

export function readCsv(text: string, options: CsvOptions): ParsedFile {
  const problems: ParseProblem[] = [];
  const [header, ...rows] = parseRows(text, problems);
  if (!header) throw new FileFormatError(1, NO_HEADER);
  const columns = headerColumns(header, problems);
  const entries = rows.flatMap((row) => toEntry(row, columns, options, problems));
  const fieldNames = fieldNamesOf(columns);
  return { fieldNames, entries, problems: problems.sort((a, b) => a.line - b.line) };
}

/**
 * The rows of a CSV file read piece by piece, as they come from the disk: the header first, then
 * each record's entry, so a large file is never held whole (a replica's load of 100,000 people
 * keeps one row at a time). Problems are added to `problems` as they are found; a file without a
 * header throws FileFormatError.
 */
export async function* streamCsv(
  text: AsyncIterable<string>,
  options: CsvOptions,
  problems: ParseProblem[],
): AsyncGenerator<CsvItem> {
  const state = { lastLine: 0 };
  const parser = parseStream({ ...rowOptions(state, problems), info: true });
  // pipeline, not pipe: a file that fails to read part way must end the parse with its error.
  pipeline(Readable.from(oneNewlineForm(text)), parser, () => undefined);
  let columns: (string | undefined)[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: InfoRecord }>) {
    state.lastLine = info.lines;
    const row = { line: startLine(record, info.lines), cells: record };
    if (!columns) {
      columns = headerColumns(row, problems);
      yield { kind: 'header', fieldNames: fieldNamesOf(columns) };
      continue;
    }
    for (const entry of toEntry(row, columns, options, problems)) yield { kind: 'entry', entry };
  }
  if (!columns) throw new FileFormatError(1, NO_HEADER);
}

export type CsvItem =
  | { readonly kind: 'header'; readonly fieldNames: readonly string[] }
  | { readonly kind: 'entry'; readonly entry: ParsedEntry };

const NO_HEADER = 'no header row: the first line must name the columns (cn,mail,...)';

/** All rows with the line each starts on; rows csv-parse cannot read become problems. */
function parseRows(text: string, problems: ParseProblem[]): Row[] {
  const rows: Row[] = [];
  const state = { lastLine: 0 };
  // One newline form: csv-parse counts a CRLF inside quotes as two lines, which would skew line numbers.
  parse(text.replace(/\r\n?/g, '\n'), {
    ...rowOptions(state, problems),
    on_record: (cells: string[], info: InfoRecord) => {
      rows.push({ line: startLine(cells, info.lines), cells });
      state.lastLine = info.lines;
      return null; // collected here, with their line numbers
    },
  });
  return rows;
}

/** What both readers ask of csv-parse; skipped rows become problems with their line. */
function rowOptions(state: { lastLine: number }, problems: ParseProblem[]): Options {
  return {
    bom: true,
    relax_column_count: true, // counted below, so a short row is reported rather than fatal
    relax_quotes: true, // a stray quote inside an unquoted cell is kept as written
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      problems.push({ line: state.lastLine + 1, message: skipMessage(error) });
      if (typeof error?.lines === 'number') state.lastLine = error.lines;
      return undefined;
    },
  };
}

/** CRLF and CR as LF, across chunk boundaries (a chunk may end between CR and LF). */
async function* oneNewlineForm(text: AsyncIterable<string>): AsyncGenerator<string> {
  let pendingCr = false;
  for await (const chunk of text) {
    let piece: string = pendingCr ? `\r${chunk}` : chunk;
    pendingCr = piece.endsWith('\r');
    if (pendingCr) piece = piece.slice(0, -1);
    if (piece !== '') yield piece.replace(/\r\n?/g, '\n');
  }
  if (pendingCr) yield '\n';
}

function fieldNamesOf(columns: readonly (string | undefined)[]): string[] {
  return [...new Set(columns.filter((column) => column !== undefined))];
}

function skipMessage(error: CsvError | undefined): string {
  if (error?.code === 'CSV_QUOTE_NOT_CLOSED')
    return 'a quoted cell is never closed; the rest of the file is skipped';
  return `unreadable row skipped: ${error?.message ?? 'unknown error'}`;
}

/** csv-parse counts the line a record ends on; quoted cells may span several lines. */
function startLine(cells: readonly string[], endLine: number): number {
  const breaks = cells.reduce((count, cell) => count + (cell.match(/\n/g)?.length ?? 0), 0);
  return endLine - breaks;
}

/** Canonical column names; `undefined` for a column without a name, whose values are ignored. */
function headerColumns(header: Row, problems: ParseProblem[]): (string | undefined)[] {
  return header.cells.map((cell, index) => {
    const name = cell.trim();
    if (name !== '') return canonicalFieldName(name);
    problems.push({
      line: header.line,
      message: `column ${index + 1} has no name in the header; its values are ignored`,
    });
    return undefined;
  });
}

function toEntry(
  row: Row,
  columns: readonly (string | undefined)[],
  options: CsvOptions,
  problems: ParseProblem[],
): ParsedEntry[] {
  if (row.cells.every((cell) => cell.trim() === '')) return []; // e.g. the ",,,," rows spreadsheets leave
  if (row.cells.length !== columns.length) {
    const values = `${row.cells.length} value${row.cells.length === 1 ? '' : 's'}`;
    const message = `${values} where the header has ${columns.length} columns; row skipped`;
    problems.push({ line: row.line, message });
    return [];
  }
  const fields: Record<string, string[]> = {};
  row.cells.forEach((cell, index) => {
    const column = columns[index];
    if (column !== undefined) addValues(fields, column, splitValues(cell, options.multiValueSeparator));
  });
  return [{ line: row.line, fields }];
}

/** `' a | b ||'` -> `['a', 'b']`: values trimmed, empty ones dropped. */
export function splitValues(cell: string, separator: string): string[] {
  return cell
    .split(separator)
    .map((value) => value.trim())
    .filter((value) => value !== '');
}
