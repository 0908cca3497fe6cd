/**
 * Graph's error JSON (`{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`,
 * errors.md) and the failures the fake's routes raise. A route throws a `GraphFailure` from however
 * deep it found the problem (an OData parser, a token check); the router turns it into the reply.
 * Codes and messages are the ones Graph sends where they could be checked (see the report in
 * README-less form: each constant says where its text comes from).
 */
import { jsonReply, type HttpReply } from './http-reply.js';

export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GraphFailure';
  }
}

/** The ids Graph puts in every answer, so a log line can be matched to a request. */
export interface RequestIds {
  readonly requestId: string;
  readonly clientRequestId: string;
}

/** `2024-03-26T21:48:02`: Graph's innerError date carries no fraction and no zone. */
export function innerErrorDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function graphErrorBody(code: string, message: string, ids: RequestIds): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: innerErrorDate(),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

export function graphErrorReply(failure: GraphFailure, ids: RequestIds): HttpReply {
  return jsonReply(failure.status, graphErrorBody(failure.code, failure.message, ids), failure.headers);
}

// ---- The failures the routes raise, one function each so their wording lives in one place. ----

/** 401 for a missing, unknown or expired bearer token. */
export function invalidToken(message: string): GraphFailure {
  return new GraphFailure(401, 'InvalidAuthenticationToken', message, {
    'www-authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

/** 403 from the directory when the token lacks the application permission (or admin consent). */
export function directoryAccessDenied(): GraphFailure {
  return new GraphFailure(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );
}

/** 403 from Exchange (mailbox contacts) for the same reason. */
export function mailboxAccessDenied(): GraphFailure {
  return new GraphFailure(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

export function unsupportedQuery(message: string): GraphFailure {
  return new GraphFailure(400, 'Request_UnsupportedQuery', message);
}

export function badDirectoryRequest(message: string): GraphFailure {
  return new GraphFailure(400, 'Request_BadRequest', message);
}

/** The message a docs issue thread quotes for `$search` without the header (CLOUD-APIS.md §1.2). */
export function searchNeedsConsistencyLevel(): GraphFailure {
  return unsupportedQuery(
    "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
  );
}

export function directoryObjectNotFound(id: string): GraphFailure {
  return new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** Unknown path segment: what Graph's OData layer answers. */
export function segmentNotFound(segment: string): GraphFailure {
  return new GraphFailure(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

export function meNeedsDelegatedToken(): GraphFailure {
  return new GraphFailure(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
}

export function invalidMailboxUser(user: string): GraphFailure {
  return new GraphFailure(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);
}

export function mailboxNotEnabled(): GraphFailure {
  return new GraphFailure(
    404,
    'MailboxNotEnabledForRESTAPI',
    'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
  );
}

export function mailboxItemNotFound(): GraphFailure {
  return new GraphFailure(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

/** The per-mailbox concurrency throttle (seen verbatim in issue threads: ApplicationThrottled). */
export function mailboxConcurrencyExceeded(retryAfterSeconds: number): GraphFailure {
  return new GraphFailure(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
    'retry-after': String(retryAfterSeconds),
  });
}

/**
 * A query option sent with a `$skiptoken`/`$deltatoken` that Graph only takes on a round's first
 * request (delta-query-overview). The wording is the fake's: Graph's exact text was not found.
 */
export function stateTokenOptionRefused(option: string): GraphFailure {
  return badDirectoryRequest(
    `The query option '${option}' cannot be combined with a state token: the options of the first delta request travel inside the token.`,
  );
}

/** Exchange's refusal of query options in contact change tracking. */
export function changeTrackingOptionRefused(option: string): GraphFailure {
  return new GraphFailure(
    400,
    'ErrorInvalidUrlQuery',
    `The following parameters are not supported with change tracking over the 'Contacts' resource: '${option}'.`,
  );
}

export function methodNotAllowed(method: string): GraphFailure {
  return new GraphFailure(
    405,
    'Request_BadRequest',
    `The HTTP method '${method}' is not allowed on this read-only fake.`,
  );
}
