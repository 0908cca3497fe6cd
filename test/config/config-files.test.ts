import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_PATH,
  SCHEMA_PATH,
  expectedReference,
  expectedSchemaFile,
  expectedSourcePages,
} from '../../scripts/generate-config-files.js';
import { SOURCE_TYPES } from '../../src/sources/registry.js';

interface Schema {
  readonly description?: string;
  readonly properties?: Record<string, Schema | boolean>;
  readonly items?: Schema;
  readonly $defs?: Record<string, Schema>;
}

const schema = JSON.parse(readFileSync('schemas/config.schema.json', 'utf8')) as Schema;

/** Paths of properties without a description (`true` only re-admits a property described elsewhere). */
function undescribed(node: Schema, path: string): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, property]) => {
    if (typeof property === 'boolean') return [];
    const here = `${path}.${name}`;
    const own = property.description ? [] : [here];
    return [
      ...own,
      ...undescribed(property, here),
      ...(property.items ? undescribed(property.items, `${here}[]`) : []),
    ];
  });
}

describe('generated config schema and reference', () => {
  it('describes every property', () => {
    const missing = [
      ...undescribed(schema, ''),
      ...Object.entries(schema.$defs ?? {}).flatMap(([name, def]) => undescribed(def, `$defs.${name}`)),
    ];
    expect(missing).toEqual([]);
  });

  it('schemas/config.schema.json is the schema the code defines', async () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(await expectedSchemaFile());
  });

  it('docs/configuration.md is the reference the code defines', async () => {
    expect(readFileSync(REFERENCE_PATH, 'utf8')).toBe(await expectedReference());
  });

  it("docs/sources/<type>.md is each source type's page the code defines, default map included", async () => {
    const pages = await expectedSourcePages();
    expect(pages.map(({ path }) => path.replace(/^.*\/docs\//, 'docs/'))).toEqual(
      SOURCE_TYPES.map(({ type }) => `docs/sources/${type}.md`),
    );
    for (const { path, expected } of pages) expect(readFileSync(path, 'utf8')).toBe(expected);
    const google = pages.find(({ path }) => path.endsWith('/google.md'))!.expected;
    expect(google).toMatch(/\| `telephoneNumber` +\| `workPhone` +\|/);
    expect(google).toMatch(/\| `sources\[\]\.adminEmail` /);
  });

  it('the generator --check passes on the committed files', () => {
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate-config-files.ts', '--check'], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
    // A process starting tsx: seconds on a loaded machine, so a liveness bound, not a speed target.
  }, 60_000);
});
