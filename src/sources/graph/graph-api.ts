/**
 * Microsoft Graph through `@microsoft/microsoft-graph-client` (CLOUD-APIS.md §1): the app token on
 * every request (renewed once after a 401), the client's RetryHandler for 429/503/504 (it honours
 * `Retry-After`), `x-ms-throttle-priority: low` on background sync, a timeout per request, and
 * Graph's errors turned into the source's errors in plain words. An expired delta token (410, or
 * 400 `syncStateNotFound`/`resyncRequired`) is a CursorExpired: the replica lists everything again
 * while the old copy serves. Requests to a mailbox wait for one of its slots (mailbox-slots.ts).
 */
import {
  Client,
  GraphError,
  RetryHandlerOptions,
  type FetchOptions,
} from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import { CursorExpired } from '../change-feed.js';
import { SourceError } from '../source.js';
import type { AppTokens } from './app-tokens.js';
import { networkReason } from './http-answer.js';
import { MailboxSlots } from './mailbox-slots.js';

/** Retries of a throttled or unavailable request (the client's default is 3). */
const MAX_RETRIES = 5;
/** Seconds before a retry when Graph sends no Retry-After. */
const RETRY_DELAY_SECONDS = 3;
/** What Graph answers for a delta token it no longer knows (CLOUD-APIS.md §5). */
const EXPIRED_TOKEN_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

export interface GraphRequestOptions {
  /** Background sync: Graph may throttle it before interactive traffic. */
  readonly background?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** The mailbox the request reads (as configured): it waits for one of the mailbox's slots. */
  readonly mailbox?: string;
}

export type GraphJson = Readonly<Record<string, unknown>>;

export class GraphApi {
  readonly #client: Client;
  readonly #mailboxSlots = new MailboxSlots();

  constructor(
    private readonly source: string,
    graphUrl: string,
    private readonly tokens: AppTokens,
    dispatcher: Dispatcher,
    private readonly timeoutMs: number,
  ) {
    this.#client = Client.init({
      baseUrl: `${graphUrl}/`,
      defaultVersion: 'v1.0',
      // The client sends the token only to hosts it knows: a national cloud or a test's fake is named.
      customHosts: new Set([new URL(graphUrl).hostname]),
      // The npm undici Agent works with the fetch Node bundles (CLOUD-APIS.md §1.1).
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      fetchOptions: { dispatcher } satisfies FetchOptions,
      authProvider: (done) => {
        tokens.token().then(
          (token) => done(null, token),
          (error: unknown) => done(error, null),
        );
      },
    });
  }

  /** GETs a path (`/users/delta?…`) or a link Graph gave (`@odata.nextLink`, `@odata.deltaLink`). */
  async get(path: string, options: GraphRequestOptions, signal: AbortSignal): Promise<GraphJson> {
    for (let attempt = 0; ; attempt++) {
      try {
        const mailbox = options.mailbox;
        return await (mailbox === undefined
          ? this.#request(path, options, signal)
          : this.#mailboxSlots.run(mailbox, () => this.#request(path, options, signal), signal));
      } catch (error) {
        signal.throwIfAborted();
        // A token revoked or expired early: one more try with a new one.
        if (error instanceof GraphError && error.statusCode === 401 && attempt === 0) {
          this.tokens.invalidate();
          continue;
        }
        throw this.#failure(error, path);
      }
    }
  }

  async #request(path: string, options: GraphRequestOptions, signal: AbortSignal): Promise<GraphJson> {
    // Asked here first, so a refused token is the token's error, not one the client wraps as Graph's.
    await this.tokens.token();
    let request = this.#client
      .api(path)
      .middlewareOptions([new RetryHandlerOptions(RETRY_DELAY_SECONDS, MAX_RETRIES)])
      .option('signal', AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]));
    if (options.background) request = request.header('x-ms-throttle-priority', 'low');
    for (const [name, value] of Object.entries(options.headers ?? {})) request = request.header(name, value);
    const body = (await request.get()) as unknown;
    if (typeof body !== 'object' || body === null)
      throw new SourceError(this.source, `Graph answered ${describePath(path)} with no JSON object`);
    return body as GraphJson;
  }

  /** A failed request as the source's error (or CursorExpired for an expired delta token). */
  #failure(error: unknown, path: string): Error {
    if (error instanceof SourceError) return error;
    const where = describePath(path);
    if (!(error instanceof GraphError))
      return new SourceError(this.source, `cannot reach Graph for ${where}: ${networkReason(error)}`, {
        cause: error,
      });
    const code = error.code ?? '';
    if (error.statusCode === 410 || EXPIRED_TOKEN_CODES.has(code.toLowerCase()))
      return new CursorExpired(
        `Graph no longer knows the delta token of ${where} (${error.statusCode} ${code})`,
      );
    return new SourceError(this.source, `Graph refused ${where}: ${plainWords(error)}`, { cause: error });
  }
}

/** What a Graph error means for an operator. */
function plainWords(error: GraphError): string {
  const code = error.code ?? '';
  if (error.statusCode === 403 || code === 'Authorization_RequestDenied')
    return `403 ${code}: the app lacks a permission (users need User.Read.All, organisational contacts OrgContact.Read.All, mailbox contacts Contacts.Read, a group's members GroupMember.Read.All, each with admin consent)`;
  if (error.statusCode === 401) return `401 ${code}: the token was not accepted (check tenant and clientId)`;
  if (error.statusCode === 429)
    return `429 ${code}: Graph kept throttling after ${MAX_RETRIES} retries; the copy keeps serving`;
  if (error.statusCode === 503 || error.statusCode === 504)
    return `${error.statusCode} ${code}: Graph stayed unavailable after ${MAX_RETRIES} retries; the copy keeps serving`;
  return `${error.statusCode} ${code}: ${error.message}`.trim();
}

/** A path or link without its query (tokens), for messages. */
function describePath(path: string): string {
  const withoutQuery = path.split('?')[0] ?? path;
  return withoutQuery.replace(/^https:\/\/[^/]+\/v1\.0/, '');
}
