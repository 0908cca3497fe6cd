/**
 * Schema errors in words a config author can act on: which setting, what is wrong, and for a typo
 * the setting it probably meant. Used for the whole config and for one source's settings alike.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonSchema } from './json-schema.js';
import type { ConfigPath, Problem } from './problem.js';

/** The problems behind a failed validation, one per thing to fix. */
export function schemaProblems(errors: readonly ErrorObject[]): Problem[] {
  return withoutBranchErrors(errors).flatMap(describeSchemaError);
}

/**
 * A value that fits none of the forms of an `anyOf` (or `oneOf`) gets one error per form, and more
 * inside them; the anyOf's own error, worded by its `patternDescription`, says all of it at once.
 */
function withoutBranchErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const failed = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  const inside = (error: ErrorObject, anyOf: ErrorObject): boolean =>
    error.schemaPath.startsWith(`${anyOf.schemaPath}/`) &&
    (error.instancePath === anyOf.instancePath || error.instancePath.startsWith(`${anyOf.instancePath}/`));
  return errors.filter((error) => !failed.some((anyOf) => inside(error, anyOf)));
}

/** Turns one ajv error into a problem a person can act on; `[]` for errors that only repeat others. */
function describeSchemaError(error: ErrorObject): Problem[] {
  const at = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const parent: JsonSchema | undefined = error.parentSchema;
  switch (error.keyword) {
    case 'if':
      return []; // "must match then schema": the failing `then` keyword has its own error
    case 'required':
      return [{ at: [...at, String(params.missingProperty)], message: 'is required' }];
    case 'additionalProperties':
      return [unknownSetting(at, String(params.additionalProperty), parent)];
    case 'enum':
      return [
        { at, message: `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}` },
      ];
    case 'const':
      return [{ at, message: `must be '${String(params.allowedValue)}'` }];
    case 'pattern':
      return [{ at, message: `must be ${parent?.patternDescription ?? `like ${String(params.pattern)}`}` }];
    case 'anyOf':
    case 'oneOf':
      return [
        { at, message: `must be ${parent?.patternDescription ?? 'one of the forms the reference shows'}` },
      ];
    case 'type':
      return [{ at, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}` }];
    case 'minLength':
      return [
        {
          at,
          message:
            params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`,
        },
      ];
    case 'minItems':
      return [
        { at, message: `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}` },
      ];
    default:
      return [{ at, message: error.message ?? `fails ${error.keyword}` }];
  }
}

/** JSON Schema types as a YAML author knows them. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

function unknownSetting(at: ConfigPath, key: string, parent: JsonSchema | undefined): Problem {
  const known = Object.keys(parent?.properties ?? {});
  const guess = closestName(key, known);
  const hint = guess ? `did you mean '${guess}'?` : `known: ${known.join(', ')}`;
  return { at: [...at, key], message: `unknown setting (${hint})` };
}

/** The known name a typo most likely meant: at most two edits away, ignoring case. */
function closestName(typed: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function pointerToPath(pointer: string): ConfigPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((token) => (/^(?:0|[1-9][0-9]*)$/.test(token) ? Number(token) : token));
}
