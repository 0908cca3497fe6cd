/**
 * The status page's test search: one input, typed as on a phone, turned into the filter a phone
 * sends (DOMAIN.md "What phones send") and run through the directory's own search path, so its
 * matching rules (case, accents, numbers in any format) decide exactly as for a phone. A number is
 * looked up as a caller-ID lookup is, `(|(telephoneNumber=x)(mobile=x)(ipPhone=x))`; anything else
 * is a name, searched as contained in any of the name attributes phones search.
 */
import type { DirectorySearch, SearchHit } from '../directory/directory.js';
import { DirectoryError } from '../directory/directory-error.js';
import { EvaluationBudget } from '../directory/evaluation-budget.js';
import { DEFAULT_VISIBILITY, type Visibility } from '../directory/visibility.js';
import type { Filter } from '../filter/ast.js';
import { isSensitiveAttribute } from '../schema/sensitive-attributes.js';

/** The name attributes phones search, and that a replica indexes for them. */
export const NAME_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'o'] as const;
export const NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'ipPhone'] as const;
/** What the page shows of each entry found: a phonebook's columns, never a password. */
export const SHOWN_ATTRIBUTES = [
  'cn',
  'telephoneNumber',
  'mobile',
  'ipPhone',
  'mail',
  'company',
  'department',
  'title',
] as const;
/** Phones show about this many hits (Yealink, Fanvil): more is not what a phone would see. */
export const SHOWN_ENTRIES = 50;
/** Longer than any name or number typed on a phone. */
export const MAX_INPUT_LENGTH = 100;

export interface PhoneSearch {
  readonly kind: 'name' | 'number';
  /** What was typed, trimmed. */
  readonly input: string;
  readonly filter: Filter;
}

/** Digits with what numbers are written with (`+49 (30) 1234-56`, `030/123.456`), and one digit at least. */
const NUMBER = /^\+?[\d\s()./-]+$/;

/** The filter a phone sends for what was typed; undefined for nothing typed. */
export function phoneSearch(typed: string): PhoneSearch | undefined {
  const input = typed.trim().slice(0, MAX_INPUT_LENGTH);
  if (input === '') return undefined;
  if (NUMBER.test(input) && /\d/.test(input)) {
    const filters = NUMBER_ATTRIBUTES.map((attribute): Filter => ({
      type: 'equality',
      attribute,
      value: input,
    }));
    return { kind: 'number', input, filter: { type: 'or', filters } };
  }
  const filters = NAME_ATTRIBUTES.map((attribute): Filter => ({
    type: 'substrings',
    attribute,
    any: [input],
  }));
  return { kind: 'name', input, filter: { type: 'or', filters } };
}

/** The directory's search, as the LDAP front calls it. */
export interface SearchPath {
  search(
    search: DirectorySearch,
    signal: AbortSignal,
    visibility?: Visibility,
    budget?: EvaluationBudget,
  ): AsyncIterable<SearchHit>;
}

/**
 * What the page's visitor may read. With `admin.token`, the visitor is the administrator: every
 * mount, no secret. Without one, anyone who reaches the listener: what an anonymous LDAP client may
 * read (access.anonymous), so the page is no way around the access policy.
 */
export type SearchGrant =
  | { readonly allowed: true; readonly visibility: Visibility }
  | { readonly allowed: false; readonly diagnostic: string };

export const ADMINISTRATOR: SearchGrant = { allowed: true, visibility: DEFAULT_VISIBILITY };

export interface StatusSearchOptions {
  readonly directory: SearchPath;
  readonly grant: () => SearchGrant;
  readonly suffix: string;
  /** `limits.maxFilterEvaluations`: the same bound as an LDAP search's. */
  readonly maxFilterEvaluations: number;
  /** `directory.timeLimit` in seconds (0: none; the page then stops at its own bound). */
  readonly timeLimitSeconds: number;
}

export interface FoundEntry {
  readonly dn: string;
  readonly attributes: readonly { readonly name: string; readonly values: readonly string[] }[];
}

export interface StatusSearchResult {
  readonly search: PhoneSearch;
  /** The filter as a phone's LDAP client would write it. */
  readonly filterText: string;
  readonly entries: readonly FoundEntry[];
  /** Whether more entries matched than are shown. */
  readonly more: boolean;
  readonly ms: number;
  /** Why the search failed (a source unavailable, a limit), as the LDAP client would be told. */
  readonly error?: string;
}

/** The page's own bound on a search, whatever `timeLimit` says: someone is looking at it. */
const PAGE_TIME_LIMIT_MS = 10_000;

export async function runStatusSearch(
  search: PhoneSearch,
  options: StatusSearchOptions,
  signal: AbortSignal,
): Promise<StatusSearchResult> {
  const limitMs =
    options.timeLimitSeconds > 0
      ? Math.min(options.timeLimitSeconds * 1000, PAGE_TIME_LIMIT_MS)
      : PAGE_TIME_LIMIT_MS;
  const stop = AbortSignal.any([signal, AbortSignal.timeout(limitMs)]);
  const grant = options.grant();
  if (!grant.allowed) {
    const error = `insufficientAccessRights: ${grant.diagnostic} (without admin.token the page searches as an anonymous LDAP client)`;
    return { search, filterText: filterText(search.filter), entries: [], more: false, ms: 0, error };
  }
  const started = performance.now();
  const entries: FoundEntry[] = [];
  let more = false;
  let error: string | undefined;
  try {
    const hits = options.directory.search(
      {
        base: options.suffix,
        scope: 'sub',
        filter: search.filter,
        attributes: [...SHOWN_ATTRIBUTES],
        typesOnly: false,
      },
      stop,
      grant.visibility,
      new EvaluationBudget(options.maxFilterEvaluations),
    );
    for await (const hit of hits) {
      if (entries.length >= SHOWN_ENTRIES) {
        more = true;
        break;
      }
      entries.push(foundEntry(hit));
    }
    if (stop.aborted && !signal.aborted) error = `time limit exceeded (${limitMs / 1000} s)`;
  } catch (caught) {
    if (stop.aborted && !signal.aborted) error = `time limit exceeded (${limitMs / 1000} s)`;
    else if (caught instanceof DirectoryError) error = `${caught.code}: ${caught.message}`;
    else throw caught;
  }
  const ms = performance.now() - started;
  return {
    search,
    filterText: filterText(search.filter),
    entries,
    more,
    ms,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * The filter as a person reads it: RFC 4515 form with only the characters it requires escaped
 * (`*`, `(`, `)`, `\`, NUL), so `müller` reads as typed and not as `m\c3\bcller`.
 */
export function filterText(filter: Filter): string {
  switch (filter.type) {
    case 'or':
    case 'and':
      return `(${filter.type === 'or' ? '|' : '&'}${filter.filters.map(filterText).join('')})`;
    case 'equality':
      return `(${filter.attribute}=${escapeValue(filter.value)})`;
    case 'substrings': {
      const parts = [filter.initial ?? '', ...filter.any, filter.final ?? ''].map(escapeValue);
      return `(${filter.attribute}=${parts.join('*')})`;
    }
    default:
      throw new Error(`the status page builds no ${filter.type} filter`);
  }
}

function escapeValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The hit as the page shows it; a sensitive attribute never, whatever the directory returned. */
function foundEntry(hit: SearchHit): FoundEntry {
  return {
    dn: hit.dn,
    attributes: hit.attributes
      .filter((attribute) => !isSensitiveAttribute(attribute.type))
      .map((attribute) => ({ name: attribute.type, values: attribute.values })),
  };
}
