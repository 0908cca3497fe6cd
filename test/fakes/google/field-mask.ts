/**
 * Field masks (`personFields`, `readMask`): a comma-separated list of top-level person fields.
 * Google rejects an empty mask and any path outside the documented list; `etag` and
 * `resourceName` are always returned and are not valid paths.
 */
import { invalidMaskPath, maskRequired } from './api-errors.js';
import type { FakeResponse } from './http-exchange.js';

/** The documented person fields (CLOUD-APIS.md §2.5). */
export const PERSON_FIELDS: readonly string[] = [
  'addresses',
  'ageRanges',
  'biographies',
  'birthdays',
  'calendarUrls',
  'clientData',
  'coverPhotos',
  'emailAddresses',
  'events',
  'externalIds',
  'genders',
  'imClients',
  'interests',
  'locales',
  'locations',
  'memberships',
  'metadata',
  'miscKeywords',
  'names',
  'nicknames',
  'occupations',
  'organizations',
  'phoneNumbers',
  'photos',
  'relations',
  'sipAddresses',
  'skills',
  'urls',
  'userDefined',
];

/** What otherContacts accept for the CONTACT read source (CLOUD-APIS.md §2.2). */
export const OTHER_CONTACT_FIELDS: readonly string[] = [
  'emailAddresses',
  'metadata',
  'names',
  'phoneNumbers',
  'photos',
];

export type ParsedMask =
  | { readonly ok: true; readonly fields: ReadonlySet<string> }
  | { readonly ok: false; readonly error: FakeResponse };

export function parseMask(
  raw: string | null,
  param: 'personFields' | 'readMask',
  allowed: readonly string[] = PERSON_FIELDS,
): ParsedMask {
  const paths = (raw ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '');
  if (paths.length === 0) return { ok: false, error: maskRequired(param) };
  const invalid = paths.find((path) => !allowed.includes(path));
  if (invalid !== undefined) return { ok: false, error: invalidMaskPath(param, invalid) };
  return { ok: true, fields: new Set(paths) };
}

/** A mask's identity for "all other parameters must match": order and repeats do not count. */
export function maskKey(fields: ReadonlySet<string>): string {
  return [...fields].sort().join(',');
}
