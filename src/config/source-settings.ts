/**
 * One source's settings checked against its type's part of the config schema, with its defaults
 * filled in: what the loader does for a whole config file, for a source built in code (the CLI's
 * one-source checks, tests) that never went through the loader.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { sourceTypeDefinition } from './config-schema.js';
import type { Problem } from './problem.js';
import { compileSchema } from './schema-compiler.js';
import { schemaProblems } from './schema-problems.js';
import type { SourceTypeSchema } from './source-type-schema.js';
import type { SourceConfig } from './types.js';

const validators = new WeakMap<SourceTypeSchema, ValidateFunction>();

/** A copy of `config` with the type's defaults in place, and what is wrong with it (none: `[]`). */
export function checkSourceSettings(
  type: SourceTypeSchema,
  config: SourceConfig,
): { readonly config: SourceConfig; readonly problems: readonly Problem[] } {
  let validate = validators.get(type);
  if (!validate) {
    validate = compileSchema(sourceTypeDefinition(type));
    validators.set(type, validate);
  }
  const copy = structuredClone<SourceConfig>(config);
  return { config: copy, problems: validate(copy) ? [] : schemaProblems(validate.errors ?? []) };
}
