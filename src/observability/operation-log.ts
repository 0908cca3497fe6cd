/**
 * One log line per operation (what an LDAP administrator greps for): connection, peer, who was
 * bound, what was asked, how it ended, how many entries, how long. Never a password, a compared
 * value (which may be one), or a value a filter asserts about a password attribute.
 */
import { formatFilter } from '../filter/format.js';
import type { Request } from '../protocol/messages.js';
import { redactFilter } from './filter-redaction.js';
import type { Logger } from './logger.js';

export interface OperationRecord {
  readonly conn: number;
  readonly peer: string;
  /** The name the connection was bound as when the operation started ('' for anonymous). */
  readonly bound: string;
  readonly msgid: number;
  readonly request: Request;
  readonly resultCode: number | undefined;
  readonly entries: number;
  readonly ms: number;
}

export function logOperation(logger: Logger, record: OperationRecord): void {
  const { request, ...rest } = record;
  logger.info({ ...rest, ...describe(request) }, request.type);
}

/** The fields worth logging for each request type: what it targeted, never its secrets. */
function describe(request: Request): Record<string, unknown> {
  switch (request.type) {
    case 'bind':
      return { op: 'bind', dn: request.name, method: request.auth.method, version: request.version };
    case 'search':
      return {
        op: 'search',
        base: request.baseObject,
        scope: request.scope,
        filter: formatFilter(redactFilter(request.filter)),
        attrs: request.attributes,
        sizeLimit: request.sizeLimit,
      };
    case 'compare':
      return { op: 'compare', dn: request.entry, attribute: request.attribute };
    case 'abandon':
      return { op: 'abandon', abandonId: request.abandonId };
    case 'extended':
      return { op: 'extended', oid: request.oid };
    case 'unbind':
      return { op: 'unbind' };
    default:
      return { op: request.type, dn: request.entry };
  }
}
