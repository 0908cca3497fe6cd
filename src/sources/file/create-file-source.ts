/** How a file source is built from its config: loaded only when a config has a file source. */
import type { SourceConfig } from '../../config/types.js';
import { validSettings } from '../valid-settings.js';
import { FILE_SOURCE } from './descriptor.js';
import { readFileSettings, type FileSourceSettings } from './file-settings.js';
import { FileSource, type FileSourceLogger } from './file-source.js';
import type { FileWatcherOptions } from './file-watcher.js';

export interface FileSourceContext {
  readonly logger?: FileSourceLogger;
  /** Timing of the watch that reloads a changed file (tests shorten it). */
  readonly watch?: FileWatcherOptions;
}

/** Builds a file source from its config (checked and defaulted; nothing is read yet). */
export function createFileSource(config: SourceConfig, context: FileSourceContext = {}): FileSource {
  return new FileSource(fileSourceSettings(config), context.logger, context.watch);
}

/** A file source's settings from its config, checked and defaulted as the loader would. */
export function fileSourceSettings(config: SourceConfig): FileSourceSettings {
  return readFileSettings(validSettings(FILE_SOURCE, config));
}
