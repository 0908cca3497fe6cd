/**
 * What the commands that read the config share: the `--config` option, loading the config with the
 * source types this program knows, a logger for tools (warnings only: what a command prints is its
 * output, not a log), the directory built without a listener, and writing output with backpressure.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, Option } from 'commander';
import { buildDirectory } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { Directory } from '../directory/directory.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { sourceTypes } from '../sources/registry.js';
import { UsageError } from './command-error.js';

export const DEFAULT_CONFIG = 'config/default.yaml';

export interface ConfigOptions {
  readonly config: string;
}

export function configOption(): Option {
  return new Option('-c, --config <file>', 'the config file').default(DEFAULT_CONFIG);
}

export function loadCommandConfig(file: string): Promise<Config> {
  return loadConfig(file, { sourceTypes: sourceTypes() });
}

/** Warnings (a bad row, a slow backend) and errors on stderr, unless the config asks for less. */
export function toolLogger(config: Config): Logger {
  const quieter = ['error', 'fatal', 'silent'].includes(config.log.level);
  return createLogger(quieter ? config.log.level : 'warn');
}

/** Runs `work` on the configured directory (every replica loaded), then closes it. */
export async function withDirectory<T>(
  config: Config,
  work: (directory: Directory) => Promise<T>,
): Promise<T> {
  const directory = await buildDirectory(config, toolLogger(config), new AbortController().signal);
  try {
    return await work(directory);
  } finally {
    await directory.close();
  }
}

/** The configured sources, or the one `--source` names. */
export function selectSources(
  config: Config,
  name: string | undefined,
): { readonly sourceConfig: Config['sources'][number]; readonly where: string }[] {
  const all = config.sources.map((sourceConfig, index) => ({ sourceConfig, where: `sources[${index}]` }));
  if (name === undefined) return all;
  const chosen = all.filter(({ sourceConfig }) => sourceConfig.name.toLowerCase() === name.toLowerCase());
  if (chosen.length === 0) {
    const known = config.sources.map((s) => s.name).join(', ');
    throw new UsageError(`${config.file} has no source named "${name}" (sources: ${known})`);
  }
  return chosen;
}

/** Writes and waits when the stream asks to: an export of many entries must not pile up in memory. */
export async function write(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return;
  if (stream.destroyed) throw stream.errored ?? new Error('the output was closed');
  await once(stream, 'drain'); // rejects if the stream fails meanwhile
}

/** Parses a non-negative whole number option (`--size-limit 0`); commander reports a bad one. */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number');
  return Number(value);
}
