/**
 * One authenticated Graph request as the routes see it: the path segments after `/v1.0` (decoded),
 * the query, the headers, the caller's token grant, and the absolute base URL links are built on.
 */
import type { Grant } from './access-tokens.js';
import type { RequestIds } from './graph-errors.js';

export interface GraphCall {
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** `https://127.0.0.1:PORT/v1.0`, from the Host the client used. */
  readonly graphUrl: string;
  readonly grant: Grant;
  readonly ids: RequestIds;
  header(name: string): string | undefined;
}

/** `ConsistencyLevel: eventual`, which $search, /$count and advanced filters need. */
export function isEventual(call: GraphCall): boolean {
  return call.header('consistencylevel')?.trim().toLowerCase() === 'eventual';
}

/** Whether the token carries one of these permissions (app roles or delegated scopes). */
export function holdsAny(grant: Grant, permissions: readonly string[]): boolean {
  const held = grant.kind === 'app' ? grant.roles : grant.scopes;
  return permissions.some((permission) => held.includes(permission));
}
