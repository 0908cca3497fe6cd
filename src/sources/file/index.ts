/** The file source type: a CSV or LDIF phonebook on disk, served from memory. */
import type { SourceConfig } from '../../config/types.js';
import { fileSourceSettings } from './file-settings.js';
import { FileSource } from './file-source.js';
import type { FileSourceLogger } from './file-source.js';
import type { FileWatcherOptions } from './file-watcher.js';

export interface FileSourceContext {
  readonly logger?: FileSourceLogger;
  /** Timing of the watch that reloads a changed file (tests shorten it). */
  readonly watch?: FileWatcherOptions;
}

/** Builds a file source from its config (settings defaulted and checked; nothing is read yet). */
export function createFileSource(config: SourceConfig, context: FileSourceContext = {}): FileSource {
  return new FileSource(fileSourceSettings(config), context.logger, context.watch);
}

export { FILE_DEFAULT_MAP } from './default-map.js';
export { FileSource } from './file-source.js';
export type { FileSourceLogger } from './file-source.js';
export { FileWatcher } from './file-watcher.js';
export type { FileWatcherOptions } from './file-watcher.js';
export { fileSourceSettings, formatFromExtension } from './file-settings.js';
export type { FileEncoding, FileFormat, FileSourceSettings } from './file-settings.js';
export type { FileSnapshot } from './file-snapshot.js';
export { readCsv } from './csv-reader.js';
export { readLdif } from './ldif-reader.js';
export type { ParseProblem, ParsedEntry, ParsedFile } from './parsed-file.js';
