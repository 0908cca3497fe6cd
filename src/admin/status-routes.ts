/**
 * The status page's paths on the admin listener: `GET /status` (sources and field maps),
 * `GET /status/search?q=` (the same, with a test search) and `POST /status/bind` (the same, with a
 * test bind's verdict). The listener checks the token and the method first; what is here reads,
 * renders, and never changes anything but the throttle's counts a bind touches anyway.
 */
import type { IncomingMessage } from 'node:http';
import type { MonitorSnapshot } from '../directory/monitor-entries.js';
import type { Logger } from '../observability/logger.js';
import type { FieldFillCounts } from './field-fill-counts.js';
import { readForm } from './form-body.js';
import { crossSiteReason } from './same-origin.js';
import { renderStatusPage, type StatusView } from './status-page.js';
import { phoneSearch, runStatusSearch, type StatusSearchOptions } from './status-search.js';
import { runTestBind, type BindChecker } from './test-bind.js';

export interface StatusPageOptions {
  /** What cn=Monitor shows now. */
  readonly snapshot: () => MonitorSnapshot;
  readonly fieldCounts: FieldFillCounts;
  /** The directory's search path and the limits an LDAP search has. */
  readonly search: StatusSearchOptions;
  /** The Authenticator the LDAP front binds with. */
  readonly authenticator: BindChecker;
}

export const STATUS_PATHS = ['/status', '/status/search', '/status/bind'] as const;

/** A name and a password fit in far less; more is not a form of this page. */
export const MAX_FORM_BYTES = 4096;

export type StatusAnswer =
  | { readonly kind: 'page'; readonly html: string }
  | { readonly kind: 'refused'; readonly status: number; readonly message: string };

export interface StatusRequest {
  readonly request: IncomingMessage;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
  /** Told when a test bind was held back by the throttle (metrics). */
  readonly throttled: () => void;
  readonly logger: Logger;
}

export function isStatusPath(path: string): boolean {
  return (STATUS_PATHS as readonly string[]).includes(path);
}

/** The methods a status path answers. */
export function statusMethods(path: string): readonly string[] {
  return path === '/status/bind' ? ['POST'] : ['GET', 'HEAD'];
}

export class StatusPage {
  constructor(private readonly options: StatusPageOptions) {}

  async answer(call: StatusRequest): Promise<StatusAnswer> {
    switch (call.path) {
      case '/status/search':
        return this.#page({ search: await this.#search(call) });
      case '/status/bind':
        return this.#bind(call);
      default:
        return this.#page({});
    }
  }

  async #search(call: StatusRequest): Promise<StatusView['search']> {
    const typed = call.query.get('q') ?? '';
    const search = phoneSearch(typed);
    if (!search) return { typed };
    return { typed, result: await runStatusSearch(search, this.options.search, call.signal) };
  }

  async #bind(call: StatusRequest): Promise<StatusAnswer> {
    const crossSite = crossSiteReason(call.request.headers);
    if (crossSite !== undefined) return { kind: 'refused', status: 403, message: crossSite };
    const form = await readForm(call.request, MAX_FORM_BYTES);
    const name = form.get('name') ?? '';
    const password = form.get('password') ?? '';
    const remoteAddress = call.request.socket.remoteAddress ?? '';
    const result = await runTestBind(
      this.options.authenticator,
      { name, password, remoteAddress },
      call.signal,
    );
    if (result.delayedMs > 0) call.throttled();
    // The name and the verdict, as the LDAP front logs a bind; never the password.
    call.logger.info(
      { peer: remoteAddress, dn: name, result: result.resultName, delayMs: result.delayedMs },
      'status page: test bind',
    );
    return this.#page({ bind: result });
  }

  async #page(parts: Pick<StatusView, 'search' | 'bind'>): Promise<StatusAnswer> {
    const view: StatusView = {
      snapshot: this.options.snapshot(),
      fieldMaps: await this.options.fieldCounts.maps(),
      now: new Date(),
      ...parts,
    };
    return { kind: 'page', html: renderStatusPage(view) };
  }
}
