/**
 * Renders schemas/config.schema.json as the "configuration reference" of README.md: one table per
 * section (setting, type, default, description), written between the markers below. The schema is
 * the single source of truth, so the README cannot drift from what the loader accepts.
 *
 *   npx tsx scripts/generate-config-reference.ts          update README.md
 *   npx tsx scripts/generate-config-reference.ts --check  exit 1 if README.md is stale
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

export const START_MARKER = '<!-- config-reference:start -->';
export const END_MARKER = '<!-- config-reference:end -->';

const SCHEMA_PATH = fileURLToPath(new URL('../schemas/config.schema.json', import.meta.url));
export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly minItems?: number;
  readonly patternDescription?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema | boolean>>;
  readonly items?: Schema;
  readonly allOf?: readonly { readonly if?: Schema; readonly then?: Schema }[];
  readonly $defs?: Readonly<Record<string, Schema>>;
}

interface Row {
  readonly setting: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

/** The Markdown between the markers (not yet formatted). */
export function renderReference(root: Schema): string {
  const parts = [
    `<!-- Generated from schemas/config.schema.json by scripts/generate-config-reference.ts: edit the schema, not this. -->`,
    root.description ?? '',
  ];
  for (const [name, property] of Object.entries(root.properties ?? {})) {
    if (typeof property === 'boolean') continue;
    parts.push(...renderSection(root, name, property, (root.required ?? []).includes(name)));
  }
  return parts.join('\n\n');
}

function renderSection(root: Schema, name: string, schema: Schema, required: boolean): string[] {
  const intro = [schema.description ?? '', sectionDefault(schema, required)]
    .filter((text) => text !== '')
    .join(' ');
  const element = schema.type === 'array' && schema.items ? resolve(root, schema.items) : schema;
  const prefix = schema.type === 'array' ? `${name}[].` : `${name}.`;
  const parts = [`### \`${name}\``, intro, table(rows(element, prefix))];
  for (const branch of element.allOf ?? []) {
    const type = branch.if?.properties?.type;
    if (!branch.then || typeof type !== 'object' || typeof type.const !== 'string') continue;
    const settings = resolve(root, branch.then);
    parts.push(
      `#### ${code(`type: ${type.const}`)}`,
      settings.description ?? '',
      table(rows(settings, prefix)),
    );
  }
  return parts;
}

function sectionDefault(schema: Schema, required: boolean): string {
  if (required) return 'Required.';
  if (schema.type === 'array' && schema.default !== undefined) return `Default: ${code(schema.default)}.`;
  return '';
}

/** One row per described property (`name: true` only re-admits a setting described elsewhere). */
function rows(schema: Schema, prefix: string): Row[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]): Row[] => {
    if (typeof property === 'boolean') return [];
    const required = (schema.required ?? []).includes(name);
    const pattern = property.patternDescription ? ` Must be ${property.patternDescription}.` : '';
    return [
      {
        setting: code(`${prefix}${name}`),
        type: typeText(property),
        default: property.default !== undefined ? code(property.default) : required ? '**required**' : '—',
        description: `${property.description ?? ''}${pattern}`,
      },
    ];
  });
}

function typeText(schema: Schema): string {
  if (schema.const !== undefined) return code(schema.const);
  if (schema.enum) return `one of ${schema.enum.map((value) => code(value)).join(', ')}`;
  const minimum = schema.minimum === undefined ? '' : ` ≥ ${schema.minimum}`;
  if (schema.type === 'object') return 'mapping';
  if (schema.type === 'array') return 'list';
  return `${schema.type ?? 'any'}${minimum}`;
}

function table(entries: readonly Row[]): string {
  const lines = ['| Setting | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const row of entries) {
    lines.push(`| ${[row.setting, row.type, row.default, row.description].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** A value as YAML would show it, in a code span. */
function code(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${text}\``;
}

/** Table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function resolve(root: Schema, schema: Schema): Schema {
  const name = schema.$ref?.replace(/^#\/\$defs\//, '');
  if (name === undefined) return schema;
  const target = root.$defs?.[name];
  if (!target) throw new Error(`unresolved $ref ${String(schema.$ref)}`);
  return target;
}

/** README.md with the reference brought up to date (a README with only the markers if none exists). */
export async function expectedReadme(): Promise<string> {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Schema;
  const options = (await prettier.resolveConfig(README_PATH)) ?? {};
  const block = (
    await prettier.format(renderReference(schema), { ...options, parser: 'markdown' })
  ).trimEnd();
  const current = existsSync(README_PATH)
    ? readFileSync(README_PATH, 'utf8')
    : `${START_MARKER}\n${END_MARKER}\n`;
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the markers ${START_MARKER} ... ${END_MARKER}`);
  return `${current.slice(0, start + START_MARKER.length)}\n\n${block}\n\n${current.slice(end)}`;
}

async function main(args: readonly string[]): Promise<number> {
  const expected = await expectedReadme();
  const current = existsSync(README_PATH) ? readFileSync(README_PATH, 'utf8') : undefined;
  if (args.includes('--check')) {
    if (current === expected) return 0;
    console.error(
      'README.md configuration reference is stale: run npx tsx scripts/generate-config-reference.ts',
    );
    return 1;
  }
  if (current !== expected) writeFileSync(README_PATH, expected);
  console.log(current === expected ? 'README.md is up to date' : 'README.md updated');
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
