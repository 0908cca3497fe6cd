/**
 * Every request the fake received, for assertions: what was called, how it authenticated, whom it
 * impersonated, the X-AnchorMailbox it carried, the body, and how it was answered.
 */
import type { AuthScheme } from './auth/authenticate.js';

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The scheme of the Authorization header (ntlm for a connection authenticated earlier). */
  authScheme: AuthScheme | 'none';
  /** DOMAIN\user or the application's name, once authenticated. */
  principal: string | undefined;
  /** The first element of soap:Body. */
  operation: string | undefined;
  impersonated: string | undefined;
  anchorMailbox: string | undefined;
  /** HTTP status sent, undefined while unanswered (or hung for good). */
  status: number | undefined;
}

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): RequestLogEntry {
    this.entries.push(entry);
    return entry;
  }

  all(): readonly RequestLogEntry[] {
    return this.entries;
  }

  /** Requests that reached an operation (NTLM negotiates and refused requests left out). */
  operations(name?: string): readonly RequestLogEntry[] {
    return this.entries.filter(
      (entry) => entry.operation !== undefined && (name === undefined || entry.operation === name),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
