/**
 * `dirbridge export`: every entry of every source, as the directory presents it, in LDIF or in the
 * CSV the file source reads (so an export can be served again as a file source, or handed to a PBX
 * import). Passwords a source may carry are withheld, as from any reader without the grant.
 */
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import type { Directory, SearchHit } from '../directory/directory.js';
import { DirectoryError } from '../directory/directory-error.js';
import { MATCH_ALL } from '../filter/ast.js';
import { CommandError, type Finish } from './command-error.js';
import {
  configOption,
  loadCommandConfig,
  withDirectory,
  write,
  type ConfigOptions,
} from './command-setup.js';
import { csvColumns, csvHeader, csvRow, MULTI_VALUE_SEPARATOR, splitsOnReimport } from './csv-writer.js';
import { openOutput } from './export-output.js';
import { LDIF_VERSION, ldifEntry } from './ldif-writer.js';
import { progressBar, type Progress } from './progress-bar.js';

export type ExportFormat = 'ldif' | 'csv';

export interface ExportOptions extends ConfigOptions {
  readonly format: ExportFormat;
  readonly output?: string;
}

export function exportCommand(finish: Finish): Command {
  return new Command('export')
    .summary('write every entry as LDIF or CSV')
    .description(
      'Writes every entry of every source, as the directory presents it, with its entryUUID. ' +
        'The CSV (header row of attribute names, several values joined with "|") is what the file ' +
        'source reads, so an export can be served again as a file source.',
    )
    .addOption(configOption())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['ldif', 'csv']).default('ldif'))
    .option(
      '-o, --output <file>',
      'write to this file (created when the export is complete) instead of stdout',
    )
    .addHelpText('after', '\nExit status: 0 done, 1 a source or the output failed, 2 usage error.')
    .action(async (options: ExportOptions) => finish(await exportEntries(options)));
}

export async function exportEntries(
  options: ExportOptions,
  stdout: Writable = process.stdout,
  stderr: Writable & { isTTY?: boolean } = process.stderr,
): Promise<number> {
  const config = await loadCommandConfig(options.config);
  const progress = progressBar('export', stderr);
  progress.note('loading the sources...');
  let written: Written;
  try {
    written = await withDirectory(config, (directory) => exportTo(directory, options, stdout, progress));
  } catch (error) {
    progress.done();
    throw error;
  }
  progress.done(`exported ${written.count} entries to ${options.output ?? 'standard output'}`);
  if (written.splitting > 0) {
    stderr.write(
      `dirbridge: ${written.splitting} values contain "${MULTI_VALUE_SEPARATOR}" and will read back as several values\n`,
    );
  }
  return 0;
}

/** The export proper, into its output; on failure nothing is left where the output would be. */
async function exportTo(
  directory: Directory,
  options: ExportOptions,
  stdout: Writable,
  progress: Progress,
): Promise<Written> {
  const output = openOutput(options.output, stdout);
  progress.expect(expectedEntries(directory));
  try {
    const written = await writeEntries(directory, options.format, output.stream, progress);
    await output.commit();
    return written;
  } catch (error) {
    await output.abandon();
    throw error instanceof DirectoryError ? new CommandError(error.message, { cause: error }) : error;
  }
}

interface Written {
  readonly count: number;
  /** Values that would split on re-import (CSV only). */
  readonly splitting: number;
}

/** How many entries the replicas hold, when every source is one (live sources cannot tell). */
function expectedEntries(directory: Directory): number | undefined {
  let total = 0;
  for (const mount of directory.mounts) {
    if (mount.entryCount === undefined) return undefined;
    total += mount.entryCount;
  }
  return total;
}

async function writeEntries(
  directory: Directory,
  format: ExportFormat,
  out: Writable,
  progress: Progress,
): Promise<Written> {
  if (format === 'ldif') {
    await write(out, LDIF_VERSION);
    let count = 0;
    for await (const hit of everyEntry(directory)) {
      await write(out, ldifEntry(hit.dn, hit.attributes));
      progress.tick();
      count++;
    }
    return { count, splitting: 0 };
  }
  // The header names every column, so the whole set is read before the first row is written.
  const hits: SearchHit[] = [];
  for await (const hit of everyEntry(directory)) {
    hits.push(hit);
    progress.tick();
  }
  const columns = csvColumns(hits);
  await write(out, csvHeader(columns));
  let splitting = 0;
  for (const hit of hits) {
    await write(out, csvRow(columns, hit));
    splitting += splitsOnReimport(hit);
  }
  return { count: hits.length, splitting };
}

/** The entries of each source in config order: what is below each mount, not the mounts themselves. */
async function* everyEntry(directory: Directory): AsyncGenerator<SearchHit> {
  const signal = new AbortController().signal;
  for (const mount of directory.mounts) {
    const base = directory.namespace.mountDn(mount.name);
    const request = {
      base,
      scope: 'one' as const,
      filter: MATCH_ALL,
      attributes: ['*', 'entryUUID'],
      typesOnly: false,
    };
    yield* directory.search(request, signal);
  }
}
