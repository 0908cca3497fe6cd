/**
 * Reads LDIF content records (RFC 2849): `dn:` first, then `attr: value` or `attr:: base64` lines,
 * long lines folded onto continuation lines that start with one space, `#` comments, an optional
 * `version: 1`, records separated by blank lines. Change records (`changetype:`) describe edits, not
 * a phonebook, and are rejected. Attribute options (`cn;lang-de`) are dropped: values merge under the
 * base name. A bad record or value is reported with its line number; the rest is kept.
 */
import { canonicalFieldName } from './presented-names.js';
import { FileFormatError, addValues } from './parsed-file.js';
import type { ParseProblem, ParsedEntry, ParsedFile } from './parsed-file.js';

/** One unfolded line and the physical line it started on. */
interface LogicalLine {
  readonly line: number;
  readonly text: string;
}

interface AttributeLine {
  readonly name: string;
  readonly value: string;
}

const ATTRIBUTE_LINE = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)((?:;[A-Za-z0-9-]+)*):(:|<)?[ ]*(.*)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readLdif(text: string): ParsedFile {
  const problems: ParseProblem[] = [];
  const records = splitRecords(unfold(text, problems));
  skipVersion(records);
  const entries = records.flatMap((record) => toEntry(record, problems));
  const fieldNames = [...new Set(entries.flatMap((entry) => Object.keys(entry.fields)))];
  return { fieldNames, entries, problems: problems.sort((a, b) => a.line - b.line) };
}

/** Joins continuation lines onto the line they continue and drops comments (folded ones too). */
function unfold(text: string, problems: ParseProblem[]): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let current: { line: number; text: string } | undefined;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((physical, index) => {
      if (physical.startsWith(' ')) {
        if (current && current.text !== '') current.text += physical.slice(1);
        else
          problems.push({
            line: index + 1,
            message: 'continuation line (starting with a space) follows no line; ignored',
          });
        return;
      }
      current = { line: index + 1, text: physical };
      lines.push(current);
    });
  return lines.filter((line) => !line.text.startsWith('#'));
}

/** Groups lines into records at blank lines. */
function splitRecords(lines: readonly LogicalLine[]): LogicalLine[][] {
  const records: LogicalLine[][] = [];
  let record: LogicalLine[] = [];
  for (const line of lines) {
    if (line.text !== '') {
      record.push(line);
      continue;
    }
    if (record.length > 0) records.push(record);
    record = [];
  }
  if (record.length > 0) records.push(record);
  return records;
}

/** Consumes a leading `version: 1`, which may stand alone or directly precede the first `dn:`. */
function skipVersion(records: LogicalLine[][]): void {
  const first = records[0]?.[0];
  if (!first || !/^version:/i.test(first.text)) return;
  const version = first.text.slice('version:'.length).trim();
  if (version !== '1')
    throw new FileFormatError(first.line, `unsupported LDIF version '${version}' (only 1 exists)`);
  records[0]!.shift();
  if (records[0]!.length === 0) records.shift();
}

function toEntry(record: readonly LogicalLine[], problems: ParseProblem[]): ParsedEntry[] {
  const [dnLine, ...rest] = record;
  if (!dnLine) return [];
  const dn = parseLine(dnLine, problems);
  if (dn?.name.toLowerCase() !== 'dn') {
    problems.push({ line: dnLine.line, message: 'a record must start with `dn:`; record skipped' });
    return [];
  }
  const fields: Record<string, string[]> = {};
  for (const line of rest) {
    const attribute = parseLine(line, problems);
    if (!attribute) continue;
    const name = attribute.name.toLowerCase();
    if (name === 'changetype' || name === 'control') {
      const message = `change records (${attribute.name}: ${attribute.value}) are not supported, only content records; the record at line ${dnLine.line} is skipped`;
      problems.push({ line: line.line, message });
      return [];
    }
    if (name === 'dn')
      problems.push({
        line: line.line,
        message: 'second `dn:` in one record (a blank line missing?); ignored',
      });
    else
      addValues(fields, canonicalFieldName(attribute.name), attribute.value === '' ? [] : [attribute.value]);
  }
  return [{ line: dnLine.line, dn: dn.value, fields }];
}

/** One `name: value` line, with base64 decoded; undefined (and a problem) when it cannot be used. */
function parseLine({ line, text }: LogicalLine, problems: ParseProblem[]): AttributeLine | undefined {
  const match = ATTRIBUTE_LINE.exec(text);
  if (!match) {
    problems.push({
      line,
      message: `not an \`attribute: value\` line: ${JSON.stringify(text.slice(0, 60))}`,
    });
    return undefined;
  }
  const [, name = '', , marker, raw = ''] = match;
  if (marker === '<') {
    problems.push({ line, message: `${name}: values read from a URL are not supported; value skipped` });
    return undefined;
  }
  const value = marker === ':' ? decodeBase64(raw, name, line, problems) : raw;
  return value === undefined ? undefined : { name, value: value.trim() };
}

function decodeBase64(raw: string, name: string, line: number, problems: ParseProblem[]): string | undefined {
  const compact = raw.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    problems.push({ line, message: `${name}: invalid base64 value; value skipped` });
    return undefined;
  }
  try {
    return utf8.decode(Buffer.from(compact, 'base64'));
  } catch {
    problems.push({ line, message: `${name}: binary value (not UTF-8 text) skipped` });
    return undefined;
  }
}
