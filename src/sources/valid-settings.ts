/**
 * A source's config checked against its type's settings and defaulted, for every way a source is
 * built: from the loaded config (already checked: this changes nothing) or from code (the CLI,
 * tests). The source's own code then reads its settings without fallbacks of its own.
 */
import { formatConfigPath } from '../config/problem.js';
import { checkSourceSettings } from '../config/source-settings.js';
import type { SourceTypeSchema } from '../config/source-type-schema.js';
import type { SourceConfig } from '../config/types.js';
import { SourceError } from './source.js';

export function validSettings(type: SourceTypeSchema, config: SourceConfig): SourceConfig {
  const { config: settled, problems } = checkSourceSettings(type, config);
  if (problems.length > 0) {
    const described = problems.map(
      (problem) => `${formatConfigPath(problem.at) || '(the source)'}: ${problem.message}`,
    );
    throw new SourceError(config.name, described.join('; '));
  }
  return settled;
}
