/**
 * Loads the YAML config: read, parse, validate against the config schema (config-schema.ts, with the
 * settings of the source types the program knows; defaults applied), run the checks a schema cannot
 * express, and resolve relative paths, which each source type names. Every problem found is
 * reported at once, each naming the file, the path inside it and its line.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { checkAccess, checkAddress } from './access-checks.js';
import { ConfigError } from './config-error.js';
import type { ConfigProblem } from './config-error.js';
import { configSchema } from './config-schema.js';
import { formatConfigPath, type ConfigPath, type Problem } from './problem.js';
import { compileSchema } from './schema-compiler.js';
import { schemaProblems } from './schema-problems.js';
import { expandSecrets } from './secrets.js';
import { checkViews } from './view-checks.js';
import type { SourceTypeSchema } from './source-type-schema.js';
import type { Config, TlsConfig } from './types.js';

export interface LoadConfigOptions {
  /** The source types this program can create (src/sources/registry.ts lists them). */
  readonly sourceTypes: readonly SourceTypeSchema[];
  /** Environment for `${env:NAME}` references; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

export async function loadConfig(file: string, options: LoadConfigOptions): Promise<Config> {
  const text = await readConfigText(file);
  const parsed = parseYaml(file, text);
  // Secrets are expanded before validation, so that the expanded values are the ones checked.
  const { data, problems: secretProblems } = await expandSecrets(toData(file, parsed.document), {
    env: options.env ?? process.env,
    folder: dirname(resolve(file)),
  });
  const problems = [
    ...secretProblems,
    ...withoutPaths(validateConfig(data, options.sourceTypes), secretProblems),
  ];
  if (problems.length > 0) {
    throw new ConfigError(file, sortByLine(problems.map((problem) => locate(parsed, problem))));
  }
  return finish(file, data as Omit<Config, 'file'>, options.sourceTypes);
}

/** Validates parsed config data in place (inserting defaults) and returns what is wrong with it. */
function validateConfig(data: unknown, sourceTypes: readonly SourceTypeSchema[]): Problem[] {
  if (data === null || data === undefined) {
    return [{ at: [], message: 'the file is empty: it needs at least `sources`' }];
  }
  const validate = compiledSchema(sourceTypes);
  return [
    ...(validate(data) ? [] : schemaProblems(validate.errors ?? [])),
    ...checkSources(
      data,
      sourceTypes.map((type) => type.type),
    ),
    ...checkListeners(data),
    ...checkAccess(data),
    ...checkViews(data),
  ];
}

/** A value whose secret could not be expanded is reported once, not again for its placeholder. */
function withoutPaths(problems: readonly Problem[], reported: readonly Problem[]): Problem[] {
  const paths = new Set(reported.map((problem) => formatConfigPath(problem.at)));
  return problems.filter((problem) => !paths.has(formatConfigPath(problem.at)));
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

const validators = new WeakMap<readonly SourceTypeSchema[], ValidateFunction>();

/**
 * The schema as ajv runs it: the source type's enum is left out, so that an unknown type gets a
 * clearer message (checkSourceTypes) than "must be equal to one of the allowed values".
 */
function compiledSchema(sourceTypes: readonly SourceTypeSchema[]): ValidateFunction {
  let validate = validators.get(sourceTypes);
  if (!validate) {
    validate = compileSchema(configSchema(sourceTypes, { listTypes: false }));
    validators.set(sourceTypes, validate);
  }
  return validate;
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
    if (!isRecord(listener)) return [];
    const { url, proxyProtocol } = listener;
    const balancers = isRecord(proxyProtocol) && Array.isArray(proxyProtocol.from) ? proxyProtocol.from : [];
    return [
      ...(typeof url === 'string'
        ? listenerUrlProblems(url, hasTls).map((message) => ({ at: ['listen', index, 'url'], message }))
        : []),
      ...balancers.flatMap((address, at) =>
        checkAddress(address, ['listen', index, 'proxyProtocol', 'from', at]),
      ),
    ];
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

function finish(file: string, data: Omit<Config, 'file'>, sourceTypes: readonly SourceTypeSchema[]): Config {
  const folder = dirname(resolve(file));
  const pathSettings = new Map(sourceTypes.map((type) => [type.type, type.pathSettings]));
  return {
    ...data,
    file,
    ...(data.tls ? { tls: resolveTlsPaths(data.tls, folder) } : {}),
    directory:
      data.directory.dataDir === undefined
        ? data.directory
        : { ...data.directory, dataDir: resolve(folder, data.directory.dataDir) },
    sources: data.sources.map((source) => resolvePaths(source, pathSettings.get(source.type) ?? [], folder)),
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

/**
 * The source with each of its path settings (`path`, or `tls.ca` inside a mapping) made absolute. A
 * value that is PEM text rather than a path (a key from a `file:` or `${env:…}` secret) is kept.
 */
const PEM_TEXT = /^\s*-----BEGIN /;

function resolvePaths<T extends { readonly [setting: string]: unknown }>(
  source: T,
  pathSettings: readonly string[],
  folder: string,
): T {
  const resolved: Record<string, unknown> = { ...source };
  for (const setting of pathSettings) {
    const [outer, inner] = setting.split('.') as [string, string | undefined];
    if (inner === undefined) {
      const value = resolved[outer];
      if (typeof value === 'string' && !PEM_TEXT.test(value)) resolved[outer] = resolve(folder, value);
      continue;
    }
    const section = resolved[outer];
    if (!isRecord(section) || typeof section[inner] !== 'string' || PEM_TEXT.test(section[inner])) continue;
    resolved[outer] = { ...section, [inner]: resolve(folder, section[inner]) };
  }
  return resolved as T;
}

// ---- positions --------------------------------------------------------------------------------

/** Gives a problem its readable path and, when the YAML has the node, its line and column. */
function locate({ document, lineCounter }: ParsedYaml, problem: Problem): ConfigProblem {
  const path = formatConfigPath(problem.at);
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
