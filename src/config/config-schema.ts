/**
 * The whole config schema: the base (base-schema.ts) with each source type's settings added from its
 * descriptor, as `$defs.<type>Source` chosen by `type`. The loader validates with it, the generator
 * writes it to schemas/config.schema.json (for editors) and renders the configuration reference.
 */
import { BASE_CONFIG_SCHEMA } from './base-schema.js';
import type { JsonSchema } from './json-schema.js';
import type { SourceTypeSchema } from './source-type-schema.js';

/** The settings every source has, which each type's definition admits as they are. */
const COMMON_SOURCE_SETTINGS = ['name', 'type', 'map', 'maxDeletes', 'maxStale'] as const;

/**
 * `listTypes: false` leaves the list of types out of `type`, for a validator that reports an unknown
 * type in its own words rather than "must be equal to one of the allowed values".
 */
export function configSchema(
  types: readonly SourceTypeSchema[],
  { listTypes = true }: { readonly listTypes?: boolean } = {},
): JsonSchema {
  const defs = BASE_CONFIG_SCHEMA.$defs ?? {};
  const source = defs.source!;
  const sourceProperties = source.properties ?? {};
  const typeSetting = sourceProperties.type as JsonSchema;
  return {
    ...BASE_CONFIG_SCHEMA,
    $defs: {
      ...defs,
      source: {
        ...source,
        properties: {
          ...sourceProperties,
          type: listTypes ? { ...typeSetting, enum: types.map((t) => t.type) } : typeSetting,
        },
        allOf: types.map((t) => ({
          if: { type: 'object', required: ['type'], properties: { type: { const: t.type } } },
          then: { $ref: `#/$defs/${definitionName(t)}` },
        })),
      },
      ...Object.fromEntries(types.map((t) => [definitionName(t), sourceTypeDefinition(t)])),
    },
  };
}

/** One source type's entry: the common settings, then the type's own, nothing else. */
export function sourceTypeDefinition(type: SourceTypeSchema): JsonSchema {
  return {
    title: type.type,
    description: type.description,
    type: 'object',
    additionalProperties: false,
    required: type.settings.required ?? [],
    properties: {
      ...Object.fromEntries(COMMON_SOURCE_SETTINGS.map((name) => [name, true] as const)),
      ...type.settings.properties,
    },
    ...(type.settings.oneOf === undefined
      ? {}
      : {
          oneOf: type.settings.oneOf,
          ...(type.settings.oneOfDescription === undefined
            ? {}
            : { patternDescription: type.settings.oneOfDescription }),
        }),
  };
}

function definitionName(type: SourceTypeSchema): string {
  return `${type.type}Source`;
}
