/**
 * The `fields` report ("available fields"): each field a source offers, the presented attribute(s) it
 * fills under the current map, and how many sampled records hold it; then the map's entries that
 * name a field the source does not offer, which is how a typo in `map` shows up.
 */
import type { FieldMap } from '../mapping/field-map.js';
import type { FieldInfo } from '../sources/source.js';
import { textTable } from './text-table.js';

export interface SourceFields {
  readonly name: string;
  readonly type: string;
  readonly fields: readonly FieldInfo[];
  readonly map: Pick<FieldMap, 'attributesOf' | 'explicitEntries'>;
}

export function formatSourceFields(source: SourceFields): string {
  const { fields, map } = source;
  const withDescription = fields.some((field) => field.description !== undefined);
  const header = ['FIELD', 'FILLS', 'RECORDS', ...(withDescription ? ['DESCRIPTION'] : [])];
  const rows = fields.map((field) => [
    field.name,
    map.attributesOf(field.name).join(', ') || '-',
    field.count === undefined ? '' : String(field.count),
    ...(withDescription ? [field.description ?? ''] : []),
  ]);
  const table = fields.length > 0 ? textTable(header, rows, '  ') : '  (no fields)\n';
  return `${source.name} (${source.type})\n${table}${unmatched(source)}\n`;
}

/** Map entries whose field the source does not offer (compared as the source spells its fields). */
function unmatched({ fields, map }: SourceFields): string {
  const offered = new Set(fields.map((field) => field.name.toLowerCase()));
  return map
    .explicitEntries()
    .filter(({ field }) => !offered.has(field.toLowerCase()))
    .map(({ attribute, field }) => `  map: ${attribute} <- ${field}, but the source has no field ${field}\n`)
    .join('');
}
