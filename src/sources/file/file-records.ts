/**
 * A file's records as they come off the disk: a CSV file is decoded and parsed piece by piece, so a
 * replica loading 100,000 people never holds the file, its rows and its records at once; an LDIF
 * file is read whole (its records refer back to earlier lines). Problems with single rows are
 * collected and the rows skipped; a file that cannot be read, decoded or parsed as a whole throws
 * a SourceError naming it, part way through if that is where it breaks.
 */
import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { SourceError, type SourceRecord } from '../source.js';
import { streamCsv } from './csv-reader.js';
import type { FileSourceSettings } from './file-settings.js';
import { DECODER_LABELS, decodeErrorText, loadFileSnapshot, readErrorText } from './file-snapshot.js';
import type { ParseProblem } from './parsed-file.js';
import { RecordIdentifier } from './record-identity.js';

export async function* fileRecords(
  settings: FileSourceSettings,
  problems: ParseProblem[],
): AsyncGenerator<SourceRecord> {
  if (settings.format !== 'csv') {
    const snapshot = await loadFileSnapshot(settings);
    problems.push(...snapshot.problems);
    yield* snapshot.records;
    return;
  }
  const found: ParseProblem[] = [];
  let identifier: RecordIdentifier | undefined;
  try {
    for await (const item of streamCsv(decodedChunks(settings), settings, found)) {
      if (item.kind === 'header') identifier = new RecordIdentifier(item.fieldNames, settings);
      else {
        const record = identifier!.identify(item.entry);
        if (record) yield record;
      }
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceError(settings.name, `${settings.path}: ${reason}`, { cause: error });
  }
  problems.push(...[...found, ...(identifier?.problems ?? [])].sort((a, b) => a.line - b.line));
}

/** The file's text in pieces; throws a SourceError naming the file when it cannot be read or decoded. */
async function* decodedChunks(settings: FileSourceSettings): AsyncGenerator<string> {
  const decoder = new TextDecoder(DECODER_LABELS[settings.encoding], { fatal: true });
  const stream = createReadStream(settings.path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield decode(decoder, settings, chunk, true);
    yield decode(decoder, settings, undefined, false);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(settings.name, readErrorText(settings.path, error), { cause: error });
  } finally {
    stream.destroy();
  }
}

function decode(
  decoder: TextDecoder,
  settings: FileSourceSettings,
  chunk: Buffer | undefined,
  more: boolean,
): string {
  try {
    return decoder.decode(chunk, { stream: more });
  } catch (error) {
    throw new SourceError(settings.name, `${settings.path}: ${decodeErrorText(settings.encoding)}`, {
      cause: error,
    });
  }
}
