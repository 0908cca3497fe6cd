/**
 * An LDAP entry as ldapts returns it -> a SourceRecord: every value a string, the id attribute
 * read from its bytes (a 16-byte value such as AD's objectGUID written as a UUID, in the
 * little-endian GUID layout), and the record's kind told by the contacts filter.
 */
import type { Entry } from 'ldapts';
import type { Filter } from '../../filter/ast.js';
import type { SourceRecord } from '../source.js';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID's 16 bytes (Microsoft layout: first three groups little-endian) as a UUID string. */
export function guidToUuid(bytes: Uint8Array): string {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const hex = order.map((index) => bytes[index]!.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a GUID written as a UUID string, or undefined when `uuid` is not one. */
export function uuidToGuid(uuid: string): Uint8Array | undefined {
  if (!UUID_TEXT.test(uuid)) return undefined;
  const hex = uuid.replaceAll('-', '');
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Uint8Array.from(order, (index) => bytes[index]!);
}

/** The id attribute's value as text: 16 raw bytes are a GUID, anything else is UTF-8 text. */
export function idText(value: Buffer | string): string {
  if (typeof value === 'string') return value;
  return value.length === 16 ? guidToUuid(value) : value.toString('utf8');
}

export function isUuid(text: string): boolean {
  return UUID_TEXT.test(text);
}

/** The record for an entry, or undefined when it has no id value (it cannot be presented stably). */
export function toRecord(
  entry: Entry,
  idAttribute: string,
  contacts: Filter,
  dnAsFallbackId = false,
): SourceRecord | undefined {
  const idName = idAttribute.toLowerCase();
  const fields: Record<string, string[]> = {};
  // The id as recordIdOf reads it (the attribute named exactly first), from the values converted here.
  let idValues: string[] | undefined;
  for (const name of Object.keys(entry)) {
    if (name === 'dn') continue;
    const raw = entry[name]!;
    // ldapts lists a requested attribute the entry lacks with no values: it holds no field then.
    if (Array.isArray(raw) && raw.length === 0) continue;
    const isId = name === idAttribute || name.toLowerCase() === idName;
    const values = Array.isArray(raw)
      ? raw.map((value: Buffer | string) => (isId ? idText(value) : textOf(value)))
      : [isId ? idText(raw) : textOf(raw)];
    fields[name] = values;
    if (isId && (idValues === undefined || name === idAttribute)) idValues = values;
  }
  const first = idValues?.[0];
  const id =
    first !== undefined && first !== '' ? first : dnAsFallbackId && entry.dn !== '' ? entry.dn : undefined;
  if (id === undefined) return undefined;
  const kind = matches(contacts, fields) ? 'contact' : 'user';
  return isUuid(id) ? { id, uuid: id.toLowerCase(), kind, fields } : { id, kind, fields };
}

/** An entry's record id: its id attribute's first value, else (where allowed) its DN. */
export function recordIdOf(entry: Entry, idAttribute: string, dnAsFallbackId = false): string | undefined {
  const first = rawValues(entry, idAttribute)[0];
  const id = first === undefined ? undefined : idText(first);
  if (id !== undefined && id !== '') return id;
  return dnAsFallbackId && entry.dn !== '' ? entry.dn : undefined;
}

function textOf(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** An attribute's values as ldapts gives them, its name matched case-insensitively (servers differ in case). */
export function rawValues(entry: Entry | undefined, attribute: string): (Buffer | string)[] {
  if (entry === undefined) return [];
  let value = Object.hasOwn(entry, attribute) ? entry[attribute] : undefined;
  if (value === undefined) {
    const wanted = attribute.toLowerCase();
    const key = Object.keys(entry).find((name) => name.toLowerCase() === wanted);
    value = key === undefined ? undefined : entry[key];
  }
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** An attribute's values as UTF-8 text, its name matched case-insensitively. */
export function entryValues(entry: Entry | undefined, attribute: string): string[] {
  return rawValues(entry, attribute).map(textOf);
}

/** An entry's values as UTF-8 text, without its DN. */
export function textValues(entry: Entry): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const list = Array.isArray(raw) ? raw : [raw];
    values[name] = list.map((value) => (typeof value === 'string' ? value : value.toString('utf8')));
  }
  return values;
}

/**
 * A small evaluator for the configured contacts filter (objectClass tests, mostly): equality,
 * presence and substrings compared without regard to case, with and/or/not. Other conditions are
 * false. It runs on what the backend returned, so the attributes it names must be requested.
 */
export function matches(filter: Filter, fields: Readonly<Record<string, readonly string[]>>): boolean {
  switch (filter.type) {
    case 'and':
      return filter.filters.every((f) => matches(f, fields));
    case 'or':
      return filter.filters.some((f) => matches(f, fields));
    case 'not':
      return !matches(filter.filter, fields);
    case 'present':
      return valuesOf(fields, filter.attribute).length > 0;
    case 'equality': {
      const wanted = filter.value.toLowerCase();
      return valuesOf(fields, filter.attribute).some((value) => value.toLowerCase() === wanted);
    }
    case 'substrings':
      return valuesOf(fields, filter.attribute).some((value) => substringsMatch(value.toLowerCase(), filter));
    default:
      return false;
  }
}

/** Attribute names a filter refers to, so that a search can ask for them. */
export function attributesOf(filter: Filter): string[] {
  switch (filter.type) {
    case 'and':
    case 'or':
      return filter.filters.flatMap(attributesOf);
    case 'not':
      return attributesOf(filter.filter);
    case 'extensible':
      return filter.attribute === undefined ? [] : [filter.attribute];
    default:
      return [filter.attribute];
  }
}

function valuesOf(fields: Readonly<Record<string, readonly string[]>>, attribute: string): readonly string[] {
  // Mostly spelt as asked for; else the first name that differs in case only.
  const exact = Object.hasOwn(fields, attribute) ? fields[attribute] : undefined;
  if (exact !== undefined) return exact;
  const wanted = attribute.toLowerCase();
  for (const [name, values] of Object.entries(fields)) if (name.toLowerCase() === wanted) return values;
  return [];
}

function substringsMatch(
  value: string,
  pattern: { readonly initial?: string; readonly any: readonly string[]; readonly final?: string },
): boolean {
  let at = 0;
  if (pattern.initial !== undefined) {
    if (!value.startsWith(pattern.initial.toLowerCase())) return false;
    at = pattern.initial.length;
  }
  for (const part of pattern.any) {
    const found = value.indexOf(part.toLowerCase(), at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return (
    pattern.final === undefined ||
    (value.length - pattern.final.length >= at && value.endsWith(pattern.final.toLowerCase()))
  );
}
