/**
 * What a route answers: a status, headers and a body, written by the server after any injected
 * latency. Routes build replies instead of writing to the socket so the fault layer can delay or
 * replace them, and so a mailbox route can hold its concurrency slot until the bytes are out.
 */

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Called once the reply has been written (or the socket died): frees what the route held. */
  readonly release?: () => void;
}

/** Graph's own content type for JSON; the client only looks for `application/json` in it. */
export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Entra ID's token endpoint answers with this one. */
export const LOGIN_JSON = 'application/json; charset=utf-8';

export function jsonReply(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
  contentType: string = GRAPH_JSON,
): HttpReply {
  return { status, headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(value) };
}

export function textReply(
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): HttpReply {
  return { status, headers: { 'content-type': 'text/plain', ...headers }, body: text };
}

export function withRelease(reply: HttpReply, release: () => void): HttpReply {
  return { ...reply, release };
}
