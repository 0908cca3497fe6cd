/**
 * The attribute names of the presented schema (schemas/directory-schema.json), so that CSV headers
 * and LDIF attribute names written in any letter case, or under an alias (`surname`, `fax`), become
 * the canonical name the identity map expects. Read from the JSON file rather than from directory/,
 * because sources sit below the directory and do not import it.
 */
import { readFileSync } from 'node:fs';

interface AttributeDefinition {
  readonly names: readonly string[];
  readonly description?: string;
}

export interface PresentedName {
  readonly name: string;
  readonly description?: string;
}

const SCHEMA_URL = new URL('../../../schemas/directory-schema.json', import.meta.url);

let byLowerName: ReadonlyMap<string, PresentedName> | undefined;

function presentedNames(): ReadonlyMap<string, PresentedName> {
  if (byLowerName) return byLowerName;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as { attributeTypes: AttributeDefinition[] };
  const map = new Map<string, PresentedName>();
  for (const { names, description } of schema.attributeTypes) {
    const [name] = names;
    if (name === undefined) continue;
    for (const alias of names)
      map.set(alias.toLowerCase(), description === undefined ? { name } : { name, description });
  }
  byLowerName = map;
  return map;
}

/** The presented attribute a field name stands for (any case, any alias), if any. */
export function presentedName(field: string): PresentedName | undefined {
  return presentedNames().get(field.trim().toLowerCase());
}

/** The canonical spelling of a field name: the presented attribute's, else the name as written. */
export function canonicalFieldName(field: string): string {
  return presentedName(field)?.name ?? field.trim();
}
