import type { IncomingHttpHeaders } from 'node:http';

/** One request as the fake's handlers see it: already read, path and query split. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What a handler answers; `body` is serialised as JSON unless it is a string. */
export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Google's front end answers JSON with this exact content type. */
export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): FakeResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body };
}

/** Google leaves unset fields and empty lists out of a response body rather than sending null or []. */
export function withoutEmpty(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(
      ([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
}
