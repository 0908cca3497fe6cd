/** Requests as a client builds them, for tests that drive a Session (session-harness.ts). */
import { parseFilter } from '../../src/filter/parse.js';
import type { Control, RequestMessage, ResponseMessage, SearchRequest } from '../../src/protocol/messages.js';
import {
  PAGED_RESULTS_OID,
  decodePagedResultsValue,
  encodePagedResultsValue,
} from '../../src/protocol/paged-results-control.js';

export interface SearchOptions {
  readonly base?: string;
  readonly scope?: SearchRequest['scope'];
  /** RFC 4515 text; default `(objectClass=*)`. */
  readonly filter?: string;
  readonly attributes?: readonly string[];
  readonly sizeLimit?: number;
  readonly timeLimit?: number;
  readonly typesOnly?: boolean;
  readonly controls?: readonly Control[];
}

/** A subtree search of the empty base for everything, unless told otherwise. */
export function searchRequest(messageId: number, options: SearchOptions = {}): RequestMessage<SearchRequest> {
  return {
    messageId,
    controls: options.controls ?? [],
    request: {
      type: 'search',
      baseObject: options.base ?? '',
      scope: options.scope ?? 'sub',
      derefAliases: 'never',
      sizeLimit: options.sizeLimit ?? 0,
      timeLimit: options.timeLimit ?? 0,
      typesOnly: options.typesOnly ?? false,
      filter: parseFilter(options.filter ?? '(objectClass=*)'),
      attributes: options.attributes ?? [],
    },
  };
}

/** The paged results control (RFC 2696) asking for a page of `size` after `cookie`. */
export function pagedResults(size: number, cookie: Uint8Array = new Uint8Array()): Control {
  return { oid: PAGED_RESULTS_OID, critical: true, value: encodePagedResultsValue({ size, cookie }) };
}

/** The cookie a SearchResultDone's paged results control carries; undefined without the control. */
export function pagedCookie(done: ResponseMessage): Uint8Array | undefined {
  const control = done.controls?.find((c) => c.oid === PAGED_RESULTS_OID);
  return control?.value && decodePagedResultsValue(control.value).cookie;
}

export function abandonRequest(messageId: number, abandonId: number): RequestMessage {
  return { messageId, controls: [], request: { type: 'abandon', abandonId } };
}
