/**
 * The `fields` report ("available fields"): each field a source offers, the presented attribute(s) it
 * fills under the current map (`userPrincipalName (after userPrincipalName)` for a field that
 * fills it only when a record holds no field ahead of it in the map's fallback list), and how many
 * sampled records hold it; then the map's entries that name a field the source does not offer,
 * which is how a typo in `map` shows up.
 */
import type { FieldMap, FieldTarget } from '../mapping/field-map.js';
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
    map.attributesOf(field.name).map(formatTarget).join(', ') || '-',
    field.count === undefined ? '' : String(field.count),
    ...(withDescription ? [field.description ?? ''] : []),
  ]);
  const table = fields.length > 0 ? textTable(header, rows, '  ') : '  (no fields)\n';
  return `${source.name} (${source.type})\n${table}${unmatched(source)}\n`;
}

function formatTarget({ attribute, after }: FieldTarget): string {
  return after.length === 0 ? attribute : `${attribute} (after ${after.join(' | ')})`;
}

/**
 * Map entries naming a field the source does not offer (compared without regard to case), each
 * field of a fallback list checked: `map: mobile <- mobile | CellPhone, but the source has no field
 * CellPhone`.
 */
function unmatched({ fields, map }: SourceFields): string {
  const offered = new Set(fields.map((field) => field.name.toLowerCase()));
  return map
    .explicitEntries()
    .map(({ attribute, fields: mapped }) => {
      const missing = mapped.filter((field) => !offered.has(field.toLowerCase()));
      if (missing.length === 0) return '';
      const what = missing.length === 1 ? 'field' : 'fields';
      return `  map: ${attribute} <- ${mapped.join(' | ')}, but the source has no ${what} ${missing.join(', ')}\n`;
    })
    .join('');
}
