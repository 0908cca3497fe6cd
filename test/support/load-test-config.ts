/** Loads a config file as `dirbridge` does: with every source type dirbridge knows. */
import { loadConfig, type LoadConfigOptions } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { SOURCE_TYPES } from '../../src/sources/registry.js';

export function loadTestConfig(file: string, options: Partial<LoadConfigOptions> = {}): Promise<Config> {
  return loadConfig(file, { sourceTypes: SOURCE_TYPES, ...options });
}
