/** Every request the fake received, for assertions: method, path, query, headers, and the status answered. */
import type { FakeRequest } from './http-exchange.js';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  /** Repeated parameters keep every value, in order. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The form fields of a token request (grant_type, assertion, refresh_token, client_id, …). */
  readonly form: Readonly<Record<string, string>> | undefined;
  /** Fake-clock time of arrival. */
  readonly at: number;
  /** The status answered; undefined while a request hangs. */
  status: number | undefined;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  record(request: FakeRequest, at: number): LoggedRequest {
    const query: Record<string, string[]> = {};
    for (const [name, value] of request.query) (query[name] ??= []).push(value);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const isForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const form = isForm ? Object.fromEntries(new URLSearchParams(request.body)) : undefined;
    const entry: LoggedRequest = {
      method: request.method,
      path: request.path,
      query,
      headers,
      form,
      at,
      status: undefined,
    };
    this.entries.push(entry);
    return entry;
  }

  /** The requests so far, optionally only those to one path. */
  all(path?: string): readonly LoggedRequest[] {
    return path === undefined ? [...this.entries] : this.entries.filter((entry) => entry.path === path);
  }

  clear(): void {
    this.entries = [];
  }
}
