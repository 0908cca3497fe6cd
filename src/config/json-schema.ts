/** The part of JSON Schema (2020-12) dirbridge's config schema uses, as plain data. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly minItems?: number;
  /** How a value that fails `pattern` or `anyOf` is worded in errors ("a DN such as dc=x"). */
  readonly patternDescription?: string;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  /** `true` admits a setting described in another part of the schema. */
  readonly properties?: Readonly<Record<string, JsonSchema | true>>;
  readonly items?: JsonSchema;
  readonly allOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly if?: JsonSchema;
  readonly then?: JsonSchema;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly [keyword: string]: unknown;
}

/** A value or a non-empty list of such values (`base: dc=x` or `base: [dc=x, dc=y]`). */
export function oneOrList(item: JsonSchema): readonly [JsonSchema, JsonSchema] {
  return [item, { type: 'array', minItems: 1, items: item }];
}
