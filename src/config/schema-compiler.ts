/** One way to compile the config schema (or a part of it) with ajv, as every validation here needs it. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from './json-schema.js';

/** All errors at once, defaults filled in where a setting is missing, no unknown keywords. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: true });
  ajv.addKeyword({ keyword: 'patternDescription', schemaType: 'string' });
  return ajv.compile(schema);
}
