/** How a graph source is built from its config: loaded (with the Graph client) only when a config has one. */
import type { SourceConfig } from '../../config/types.js';
import type { SourceContext } from '../source-descriptor.js';
import { validSettings } from '../valid-settings.js';
import { GRAPH_SOURCE } from './descriptor.js';
import { readGraphSettings } from './graph-settings.js';
import { GraphSource } from './graph-source.js';

/** Builds a graph source from its config (checked and defaulted; nothing is contacted yet). */
export function createGraphSource(config: SourceConfig, context?: Partial<SourceContext>): GraphSource {
  return new GraphSource(readGraphSettings(validSettings(GRAPH_SOURCE, config)), context?.logger);
}
