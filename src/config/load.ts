/**
 * Loads the YAML config: read, parse, validate against schemas/config.schema.json (applying its
 * defaults), run the checks a schema cannot express, and resolve relative paths. Every problem
 * found is reported at once, each naming the file, the path inside it and its line.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { checkAccess } from './access-checks.js';
import { ConfigError } from './config-error.js';
import type { ConfigProblem } from './config-error.js';
import type { ConfigPath, Problem } from './problem.js';
import { expandSecrets } from './secrets.js';
import type { Config, TlsConfig } from './types.js';

export interface LoadConfigOptions {
  /** Source types this program can create; default: the types the config schema documents. */
  readonly sourceTypes?: readonly string[];
  /** Environment for `${env:NAME}` references; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Settings that hold file paths, per source type: resolved against the config file's folder.
 * A dotted name is a setting inside a mapping (`tls.ca`).
 */
const PATH_SETTINGS: Readonly<Record<string, readonly string[]>> = { file: ['path'], ldap: ['tls.ca'] };

const SCHEMA_URL = new URL('../../schemas/config.schema.json', import.meta.url);

export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<Config> {
  const text = await readConfigText(file);
  const parsed = parseYaml(file, text);
  // Secrets are expanded before validation, so that the expanded values are the ones checked.
  const { data, problems: secretProblems } = await expandSecrets(toData(file, parsed.document), {
    env: options.env ?? process.env,
    folder: dirname(resolve(file)),
  });
  const problems = [
    ...secretProblems,
    ...withoutPaths(validateConfig(data, options.sourceTypes ?? documentedSourceTypes()), secretProblems),
  ];
  if (problems.length > 0) {
    throw new ConfigError(file, sortByLine(problems.map((problem) => locate(parsed, problem))));
  }
  return finish(file, data as Omit<Config, 'file'>);
}

/** Validates parsed config data in place (inserting defaults) and returns what is wrong with it. */
function validateConfig(data: unknown, sourceTypes: readonly string[]): Problem[] {
  if (data === null || data === undefined) {
    return [{ at: [], message: 'the file is empty: it needs at least `sources`' }];
  }
  const validate = compiledSchema();
  const schemaProblems = validate(data)
    ? []
    : withoutBranchErrors(validate.errors ?? []).flatMap(describeSchemaError);
  return [
    ...schemaProblems,
    ...checkSources(data, sourceTypes),
    ...checkListeners(data),
    ...checkAccess(data),
  ];
}

/** A value whose secret could not be expanded is reported once, not again for its placeholder. */
function withoutPaths(problems: readonly Problem[], reported: readonly Problem[]): Problem[] {
  const paths = new Set(reported.map((problem) => formatPath(problem.at)));
  return problems.filter((problem) => !paths.has(formatPath(problem.at)));
}

/** The source types the schema documents (`$defs.source.properties.type.enum`). */
export function documentedSourceTypes(): readonly string[] {
  return sourceTypeSchema(configSchema()).enum ?? [];
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the config: ${errorText(error)}` }], {
      cause: error,
    });
  }
}

interface ParsedYaml {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error): ConfigProblem => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return {
        path: '',
        message: `YAML syntax error: ${error.message}`,
        line: Math.max(line, 1),
        column: col,
      };
    });
    throw new ConfigError(file, problems);
  }
  return { document, lineCounter };
}

function toData(file: string, document: Document.Parsed): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases expanding into a huge structure ("billion laughs") end here.
    throw new ConfigError(file, [{ path: '', message: `cannot be read: ${errorText(error)}` }], {
      cause: error,
    });
  }
}

// ---- schema -----------------------------------------------------------------------------------

interface JsonSchema {
  readonly properties?: Readonly<Record<string, JsonSchema | boolean>>;
  readonly enum?: readonly string[];
  readonly patternDescription?: string;
  readonly [keyword: string]: unknown;
}

let schemaCache: JsonSchema | undefined;
let validatorCache: ValidateFunction | undefined;

function configSchema(): JsonSchema {
  schemaCache ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema;
  return schemaCache;
}

function sourceTypeSchema(schema: JsonSchema): { enum?: string[] } {
  const defs = schema.$defs as Record<string, JsonSchema>;
  return defs.source?.properties?.type as { enum?: string[] };
}

/**
 * The schema as ajv runs it: the source type's enum is left out, because the types a program knows
 * are given at run time (tests register their own) and an unknown type deserves a clearer message.
 */
function compiledSchema(): ValidateFunction {
  if (validatorCache) return validatorCache;
  const schema = structuredClone(configSchema());
  delete sourceTypeSchema(schema).enum;
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: true });
  ajv.addKeyword({ keyword: 'patternDescription', schemaType: 'string' });
  validatorCache = ajv.compile(schema);
  return validatorCache;
}

/**
 * A value that fits none of the forms of an `anyOf` gets one error per form, and more inside them;
 * the anyOf's own error, worded by its `patternDescription`, says all of it at once.
 */
function withoutBranchErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const failed = errors.filter((error) => error.keyword === 'anyOf');
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
      return [
        { at, message: `must be ${parent?.patternDescription ?? 'one of the forms the reference shows'}` },
      ];
    case 'type':
      return [{ at, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}` }];
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

// ---- checks the schema cannot express ---------------------------------------------------------

function checkSources(data: unknown, sourceTypes: readonly string[]): Problem[] {
  const sources = isRecord(data) && Array.isArray(data.sources) ? (data.sources as unknown[]) : [];
  return [...checkSourceTypes(sources, sourceTypes), ...checkSourceNames(sources)];
}

function checkSourceTypes(sources: readonly unknown[], sourceTypes: readonly string[]): Problem[] {
  const known = sourceTypes.length > 0 ? sourceTypes.join(', ') : 'none';
  return sources.flatMap((source, index): Problem[] => {
    const type = isRecord(source) ? source.type : undefined;
    if (typeof type !== 'string' || sourceTypes.includes(type)) return [];
    return [{ at: ['sources', index, 'type'], message: `unknown source type '${type}' (known: ${known})` }];
  });
}

/** Names become `ou=<name>` RDNs, which compare without regard to case: `Demo` and `demo` clash. */
function checkSourceNames(sources: readonly unknown[]): Problem[] {
  const firstByName = new Map<string, number>();
  return sources.flatMap((source, index): Problem[] => {
    const name = isRecord(source) ? source.name : undefined;
    if (typeof name !== 'string') return [];
    const first = firstByName.get(name.toLowerCase());
    if (first === undefined) {
      firstByName.set(name.toLowerCase(), index);
      return [];
    }
    return [
      {
        at: ['sources', index, 'name'],
        message: `duplicate source name '${name}' (also sources[${first}].name)`,
      },
    ];
  });
}

function checkListeners(data: unknown): Problem[] {
  const listeners = isRecord(data) && Array.isArray(data.listen) ? (data.listen as unknown[]) : [];
  const hasTls = isRecord(data) && data.tls !== undefined;
  return listeners.flatMap((listener, index): Problem[] => {
    const url = isRecord(listener) ? listener.url : undefined;
    if (typeof url !== 'string') return [];
    return listenerUrlProblems(url, hasTls).map((message) => ({ at: ['listen', index, 'url'], message }));
  });
}

function listenerUrlProblems(url: string, hasTls: boolean): string[] {
  const problems: string[] = [];
  const port = /:([0-9]+)\/?$/.exec(url)?.[1];
  if (port !== undefined && Number(port) > 65535) problems.push(`port ${port} is out of range (1-65535)`);
  // The schema checks each section alone; only here can an LDAPS listener see it has no certificate.
  if (url.startsWith('ldaps://') && !hasTls) {
    problems.push('an ldaps:// listener needs the `tls` section (cert and key)');
  }
  return problems;
}

// ---- result -----------------------------------------------------------------------------------

function finish(file: string, data: Omit<Config, 'file'>): Config {
  const folder = dirname(resolve(file));
  return {
    ...data,
    file,
    ...(data.tls ? { tls: resolveTlsPaths(data.tls, folder) } : {}),
    sources: data.sources.map((source) => resolvePaths(source, folder)),
  };
}

function resolveTlsPaths(tls: TlsConfig, folder: string): TlsConfig {
  return {
    ...tls,
    cert: resolve(folder, tls.cert),
    key: resolve(folder, tls.key),
    ...(tls.ca === undefined ? {} : { ca: resolve(folder, tls.ca) }),
  };
}

function resolvePaths<T extends { readonly type: string; readonly [setting: string]: unknown }>(
  source: T,
  folder: string,
): T {
  const resolved: Record<string, unknown> = { ...source };
  for (const setting of PATH_SETTINGS[source.type] ?? []) {
    const [outer, inner] = setting.split('.') as [string, string | undefined];
    if (inner === undefined) {
      const value = resolved[outer];
      if (typeof value === 'string') resolved[outer] = resolve(folder, value);
      continue;
    }
    const section = resolved[outer];
    if (!isRecord(section) || typeof section[inner] !== 'string') continue;
    resolved[outer] = { ...section, [inner]: resolve(folder, section[inner]) };
  }
  return resolved as T;
}

// ---- positions --------------------------------------------------------------------------------

/** Gives a problem its readable path and, when the YAML has the node, its line and column. */
function locate({ document, lineCounter }: ParsedYaml, problem: Problem): ConfigProblem {
  const path = formatPath(problem.at);
  const offset = nodeOffset(document.contents, problem.at);
  if (offset === undefined) return { path, message: problem.message };
  const { line, col } = lineCounter.linePos(offset);
  return { path, message: problem.message, line: Math.max(line, 1), column: col };
}

/** Offset of the deepest node on the path that exists (a missing key points at its parent). */
function nodeOffset(root: Node | null, at: ConfigPath): number | undefined {
  let node: unknown = root;
  let offset = rangeStart(node);
  for (const step of at) {
    const next = childNode(node, step);
    if (!next) break;
    node = next.value ?? next.key;
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function childNode(node: unknown, step: string | number): { key?: unknown; value?: unknown } | undefined {
  if (isSeq(node) && typeof step === 'number') return { value: node.items[step] };
  if (!isMap(node)) return undefined;
  const pair = node.items.find(
    (item) => (isScalar(item.key) ? String(item.key.value) : item.key) === String(step),
  );
  return pair ? { key: pair.key, value: pair.value } : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return isRecord(node) && Array.isArray(node.range) ? (node.range[0] as number) : undefined;
}

/** `['sources', 0, 'path']` -> `sources[0].path`; keys that are not plain names are quoted. */
function formatPath(at: ConfigPath): string {
  return at
    .map((step, index) => {
      if (typeof step === 'number') return `[${step}]`;
      if (!/^[A-Za-z_$][\w$-]*$/.test(step)) return `[${JSON.stringify(step)}]`;
      return index === 0 ? step : `.${step}`;
    })
    .join('');
}

function sortByLine(problems: ConfigProblem[]): ConfigProblem[] {
  const line = (problem: ConfigProblem): number => problem.line ?? Number.MAX_SAFE_INTEGER;
  return problems.sort((a, b) => line(a) - line(b));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
