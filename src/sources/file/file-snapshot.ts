/**
 * One loaded copy of a file: read, decoded, parsed into records with ids, and described field by
 * field. Loading is all or nothing at the file level; bad rows are skipped and listed.
 */
import { readFile } from 'node:fs/promises';
import { SourceError } from '../source.js';
import type { FieldInfo, SourceRecord } from '../source.js';
import { readCsv } from './csv-reader.js';
import type { FileEncoding, FileSourceSettings } from './file-settings.js';
import { readLdif } from './ldif-reader.js';
import type { ParseProblem } from './parsed-file.js';
import { presentedName } from './presented-names.js';
import { identify } from './record-identity.js';

export interface FileSnapshot {
  readonly records: readonly SourceRecord[];
  readonly byId: ReadonlyMap<string, SourceRecord>;
  readonly fields: readonly FieldInfo[];
  /** Rows or values skipped, with their line numbers. */
  readonly problems: readonly ParseProblem[];
  readonly bytes: number;
  readonly loadedAt: Date;
}

/** TextDecoder labels; `latin1` is read as Windows-1252, its superset that Excel writes. */
export const DECODER_LABELS: Readonly<Record<FileEncoding, string>> = {
  utf8: 'utf-8',
  utf16le: 'utf-16le',
  latin1: 'windows-1252',
};

/** Reads and parses the file; throws a SourceError naming the file when nothing can be served. */
export async function loadFileSnapshot(settings: FileSourceSettings): Promise<FileSnapshot> {
  const bytes = await readSourceFile(settings);
  try {
    return parseFile(bytes, settings);
  } catch (error) {
    throw new SourceError(settings.name, `${settings.path}: ${errorText(error)}`, { cause: error });
  }
}

/** Parses bytes already read; throws (a plain Error) when the file as a whole is unusable. */
export function parseFile(bytes: Buffer, settings: FileSourceSettings): FileSnapshot {
  const text = decode(bytes, settings.encoding);
  const parsed =
    settings.format === 'ldif'
      ? readLdif(text)
      : readCsv(text, { multiValueSeparator: settings.multiValueSeparator });
  const { records, problems } = identify(parsed, settings);
  return {
    records,
    byId: new Map(records.map((record) => [record.id, record])),
    fields: fieldInfo(parsed.fieldNames, records),
    problems: [...parsed.problems, ...problems].sort((a, b) => a.line - b.line),
    bytes: bytes.length,
    loadedAt: new Date(),
  };
}

function decode(bytes: Buffer, encoding: FileEncoding): string {
  try {
    // The decoder drops a byte order mark.
    return new TextDecoder(DECODER_LABELS[encoding], { fatal: true }).decode(bytes);
  } catch {
    throw new Error(decodeErrorText(encoding));
  }
}

/** Why a file could not be decoded, and what to set when it is the usual Excel export. */
export function decodeErrorText(encoding: FileEncoding): string {
  const hint =
    encoding === 'utf8' ? '; set `encoding: latin1` for files saved as Windows "ANSI" (e.g. by Excel)' : '';
  return `not valid ${encoding} text${hint}`;
}

/** Every field the file declares, with how many records hold it and what it presents. */
function fieldInfo(names: readonly string[], records: readonly SourceRecord[]): FieldInfo[] {
  return names.map((name) => {
    const count = records.reduce((n, record) => n + (record.fields[name]?.length ? 1 : 0), 0);
    const presented = presentedName(name);
    const description = presented
      ? (presented.description ?? `presented as ${presented.name}`)
      : 'not a presented attribute: map it (map: { attribute: field }) to present it';
    return { name, description, count };
  });
}

export async function readSourceFile(settings: FileSourceSettings): Promise<Buffer> {
  try {
    return await readFile(settings.path);
  } catch (error) {
    throw new SourceError(settings.name, readErrorText(settings.path, error), { cause: error });
  }
}

export function readErrorText(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `${path}: file not found`;
  if (code === 'EACCES') return `${path}: permission denied`;
  return `${path}: cannot read: ${errorText(error)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
