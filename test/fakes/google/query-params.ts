/**
 * Reading a method's query parameters the way Google's front end binds them to the request
 * message: unknown names and unparsable values are refused with its wording, repeated
 * parameters (`sources=A&sources=B`) become lists.
 */
import { invalidArgument, invalidValue, unknownParameter } from './api-errors.js';
import type { FakeResponse } from './http-exchange.js';

/** System parameters every Google API accepts besides a method's own. */
const SYSTEM_PARAMETERS = new Set([
  '$.xgafv',
  'access_token',
  'alt',
  'callback',
  'fields',
  'key',
  'oauth_token',
  'prettyPrint',
  'quotaUser',
  'uploadType',
  'upload_protocol',
]);

export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FakeResponse };

export function rejectUnknown(query: URLSearchParams, known: readonly string[]): FakeResponse | undefined {
  for (const name of query.keys()) {
    if (!known.includes(name) && !SYSTEM_PARAMETERS.has(name)) return unknownParameter(name);
  }
  return undefined;
}

export interface PageSizeRule {
  readonly max: number;
  readonly defaultSize: number;
  /** searchContacts caps larger values instead of refusing them. */
  readonly capAboveMax?: boolean;
}

/** 0 or absent means the default; negative or above the maximum is refused (or capped). */
export function readPageSize(query: URLSearchParams, rule: PageSizeRule): Read<number> {
  const raw = query.get('pageSize');
  if (raw === null || raw === '') return { ok: true, value: rule.defaultSize };
  if (!/^-?\d+$/.test(raw)) return { ok: false, error: invalidValue('page_size', 'TYPE_INT32', raw) };
  const size = Number(raw);
  if (size === 0) return { ok: true, value: rule.defaultSize };
  if (size < 0 || (size > rule.max && rule.capAboveMax !== true))
    return { ok: false, error: invalidArgument() };
  return { ok: true, value: Math.min(size, rule.max) };
}

export function readBoolean(query: URLSearchParams, name: string, protoField: string): Read<boolean> {
  const raw = query.get(name);
  if (raw === null || raw === 'false') return { ok: true, value: false };
  if (raw === 'true') return { ok: true, value: true };
  return { ok: false, error: invalidValue(protoField, 'TYPE_BOOL', raw) };
}

/** A repeated enum parameter; `UNSPECIFIED` values bind but the methods treat them as unset. */
export function readEnums(
  query: URLSearchParams,
  name: string,
  protoField: string,
  enumType: string,
  allowed: readonly string[],
): Read<string[]> {
  const values = query.getAll(name);
  const index = values.findIndex((value) => !allowed.includes(value) && !value.endsWith('_UNSPECIFIED'));
  if (index >= 0) {
    return {
      ok: false,
      error: invalidValue(`${protoField}[${index}]`, `type.googleapis.com/${enumType}`, values[index]!),
    };
  }
  return { ok: true, value: values.filter((value) => !value.endsWith('_UNSPECIFIED')) };
}
