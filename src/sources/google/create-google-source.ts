/** How a google source is built from its config: loaded (with Google's client) only when a config has one. */
import type { SourceConfig } from '../../config/types.js';
import type { SourceContext } from '../source-descriptor.js';
import { validSettings } from '../valid-settings.js';
import { GOOGLE_SOURCE } from './descriptor.js';
import { readGoogleSettings } from './google-settings.js';
import { GoogleSource } from './google-source.js';

/** Builds a google source from its config (checked and defaulted; nothing is contacted yet). */
export function createGoogleSource(config: SourceConfig, context?: Partial<SourceContext>): GoogleSource {
  return new GoogleSource(readGoogleSettings(validSettings(GOOGLE_SOURCE, config)), context?.logger);
}
