/**
 * One log line per operation (what an LDAP administrator greps for): connection, peer, who was
 * bound, what was asked, how it ended, how many entries, how long. Never a password, a compared
 * value (which may be one), or a value a filter asserts about a password attribute.
 */
import { formatFilter } from '../filter/format.js';
import type { BindRequest, Request, SearchRequest } from '../protocol/messages.js';
import { redactFilter } from './filter-redaction.js';
import type { Logger } from './logger.js';
import { member, writeInfoLine, writesPlainLines } from './operation-line.js';

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

/**
 * Searches and binds, nearly every operation a phone makes, are written by operation-line.ts with
 * their fields in a fixed order; the rarer requests, and any logger whose lines pino shapes further,
 * go through pino with one flat object literal per request type (spreading the record into a new
 * object, as this once did, made a dictionary-mode object that cost pino several times the rest of
 * the line). Nothing is built when info lines are off.
 */
export function logOperation(logger: Logger, record: OperationRecord): void {
  if (!logger.isLevelEnabled('info')) return;
  const { request } = record;
  if ((request.type === 'search' || request.type === 'bind') && writesPlainLines(logger)) {
    writeInfoLine(logger, commonMembers(record) + requestMembers(request), request.type);
    return;
  }
  const { conn, peer, bound, msgid, resultCode, entries, ms } = record;
  switch (request.type) {
    case 'search':
      logger.info(
        {
          conn,
          peer,
          bound,
          msgid,
          resultCode,
          entries,
          ms,
          op: 'search',
          base: request.baseObject,
          scope: request.scope,
          filter: formatFilter(redactFilter(request.filter)),
          attrs: request.attributes,
          sizeLimit: request.sizeLimit,
        },
        'search',
      );
      return;
    case 'bind':
      logger.info(
        {
          conn,
          peer,
          bound,
          msgid,
          resultCode,
          entries,
          ms,
          op: 'bind',
          dn: request.name,
          method: request.auth.method,
          version: request.version,
        },
        'bind',
      );
      return;
    default:
      logger.info({ conn, peer, bound, msgid, resultCode, entries, ms, ...describe(request) }, request.type);
  }
}

/** The fields every operation's line starts with, in the order of the pino objects above. */
function commonMembers(record: OperationRecord): string {
  return (
    connectionMembers(record) +
    member('msgid', record.msgid) +
    member('resultCode', record.resultCode) +
    member('entries', record.entries) +
    member('ms', record.ms)
  );
}

/** A connection's `conn`, `peer` and `bound` members, as last written, by connection number. */
interface ConnectionMembers {
  readonly peer: string;
  readonly bound: string;
  readonly text: string;
}

/**
 * Kept for the connections that logged lately: they are the same on every line of a connection
 * until it binds again, and quoting the peer and the bound name anew was a third of the line.
 */
const connections = new Map<number, ConnectionMembers>();
/** Connections kept before the map is started afresh: more than a server holds open at once. */
const CONNECTIONS_KEPT = 4096;

function connectionMembers({ conn, peer, bound }: OperationRecord): string {
  const kept = connections.get(conn);
  if (kept !== undefined && kept.peer === peer && kept.bound === bound) return kept.text;
  const text = member('conn', conn) + member('peer', peer) + member('bound', bound);
  if (connections.size >= CONNECTIONS_KEPT) connections.clear();
  connections.set(conn, { peer, bound, text });
  return text;
}

function requestMembers(request: SearchRequest | BindRequest): string {
  if (request.type === 'bind') {
    return (
      ',"op":"bind"' +
      member('dn', request.name) +
      member('method', request.auth.method) +
      member('version', request.version)
    );
  }
  return (
    ',"op":"search"' +
    member('base', request.baseObject) +
    member('scope', request.scope) +
    member('filter', formatFilter(redactFilter(request.filter))) +
    member('attrs', request.attributes) +
    member('sizeLimit', request.sizeLimit)
  );
}

/** The fields worth logging for the rarer request types: what it targeted, never its secrets. */
function describe(request: Request): Record<string, unknown> {
  switch (request.type) {
    case 'compare':
      return { op: 'compare', dn: request.entry, attribute: request.attribute };
    case 'abandon':
      return { op: 'abandon', abandonId: request.abandonId };
    case 'extended':
      return { op: 'extended', oid: request.oid };
    case 'unbind':
      return { op: 'unbind' };
    case 'search':
    case 'bind':
      return { op: request.type };
    default:
      return { op: request.type, dn: request.entry };
  }
}
