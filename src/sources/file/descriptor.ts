/** The `file` source type: a CSV or LDIF phonebook on disk, served from memory. */
import type { SourceConfig } from '../../config/types.js';
import type { SourceDescriptor } from '../source-descriptor.js';
import { validSettings } from '../valid-settings.js';
import { FILE_DEFAULT_MAP } from './default-map.js';
import { readFileSettings, type FileSourceSettings } from './file-settings.js';
import { FileSource, type FileSourceLogger } from './file-source.js';
import type { FileWatcherOptions } from './file-watcher.js';
import { FILE_SETTINGS } from './settings-schema.js';

export interface FileSourceContext {
  readonly logger?: FileSourceLogger;
  /** Timing of the watch that reloads a changed file (tests shorten it). */
  readonly watch?: FileWatcherOptions;
}

export const FILE_SOURCE: SourceDescriptor = {
  type: 'file',
  description: 'A local CSV or LDIF file, loaded into memory (replica mode).',
  settings: FILE_SETTINGS,
  pathSettings: ['path'],
  defaultMap: FILE_DEFAULT_MAP,
  create: (config, context) => createFileSource(config, context),
};

/** Builds a file source from its config (checked and defaulted; nothing is read yet). */
export function createFileSource(config: SourceConfig, context: FileSourceContext = {}): FileSource {
  return new FileSource(fileSourceSettings(config), context.logger, context.watch);
}

/** A file source's settings from its config, checked and defaulted as the loader would. */
export function fileSourceSettings(config: SourceConfig): FileSourceSettings {
  return readFileSettings(validSettings(FILE_SOURCE, config));
}
