/**
 * One operation under way on a connection: what its code sees (operation.ts) and the tally its log
 * line reports. A class, not an object literal with a getter and closures, since every operation
 * makes one.
 */
import type { Identity } from '../auth/identity.js';
import type { Control, RequestMessage, Response } from '../protocol/messages.js';
import type { Cancellation } from './cancellation.js';
import type { ConnectionInfo, Operation } from './operation.js';
import type { PagedSearches } from './paged-searches.js';
import type { SessionServices } from './services.js';

/** What an operation's log line reports, gathered as its responses go out. */
export interface Tally {
  resultCode: number | undefined;
  entries: number;
  readonly started: number;
}

/** Where an operation's responses go: the session's #send. */
export type Sender = (messageId: number, response: Response, controls?: readonly Control[]) => Promise<void>;

export class RunningOperation implements Operation, Tally {
  resultCode: number | undefined = undefined;
  entries = 0;
  readonly started = performance.now();

  constructor(
    readonly message: RequestMessage,
    readonly services: SessionServices,
    readonly identity: Identity,
    readonly connection: ConnectionInfo,
    readonly paged: PagedSearches,
    readonly cancellation: Cancellation,
    private readonly sender: Sender,
  ) {}

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  send(response: Response, controls?: readonly Control[]): Promise<void> {
    if (
      response.type === 'searchResultEntry' ||
      response.type === 'encodedSearchResultEntry' ||
      response.type === 'writtenSearchResultEntry'
    )
      this.entries++;
    else if ('resultCode' in response) this.resultCode = response.resultCode;
    return this.sender(this.message.messageId, response, controls);
  }
}
