/**
 * The search operation: access check, then the directory's stream sent entry by entry with the
 * limits applied here — sizeLimit (the smaller of the client's and the directory's, for unpaged
 * searches), timeLimit, abandon — and RFC 2696 paging, which resumes a parked stream.
 */
import { mayReadMonitor } from '../auth/monitor-access.js';
import type { DirectorySearch, PreparedSearch, SearchHit } from '../directory/directory.js';
import { DirectoryError } from '../directory/directory-error.js';
import { EvaluationBudget } from '../directory/evaluation-budget.js';
import type { Visibility } from '../directory/visibility.js';
import type { Control, SearchRequest } from '../protocol/messages.js';
import {
  PAGED_RESULTS_OID,
  decodePagedResultsValue,
  encodePagedResultsValue,
} from '../protocol/paged-results-control.js';
import { encodeSearchResultEntryOp } from '../protocol/response-encoder.js';
import { ResultCode } from '../protocol/result-codes.js';
import type { PresentedView } from '../view/presented-view.js';
import { clientHit, presentedSearch } from '../view/viewed-search.js';
import { SENT, type Operation } from './operation.js';
import type { Cancellation } from './cancellation.js';
import { HitAttributes } from './hit-attributes.js';
import { keptSelectionKey } from './selection-keys.js';
import { PagedSearch } from './paged-searches.js';
import { SEARCH_CONTROLLERS } from './search-controllers.js';
import { SEARCH_TIME_LIMITS, type TimeLimit } from './time-limits.js';

type Outcome = { readonly code: number; readonly message?: string; readonly matchedDN?: string };

const SUCCESS: Outcome = { code: ResultCode.success };

const MONITOR_REFUSED: Outcome = {
  code: ResultCode.insufficientAccessRights,
  message: 'cn=Monitor is readable by service accounts only: bind with one',
};

export async function search(op: Operation<SearchRequest>): Promise<void> {
  const outcome = await answer(op);
  if (outcome === 'abandoned') return;
  const { code, message, matchedDN } = outcome.result;
  await op.send(
    {
      type: 'searchResultDone',
      resultCode: code,
      diagnosticMessage: message ?? '',
      matchedDN: matchedDN ?? '',
    },
    outcome.controls,
  );
}

type Answer = 'abandoned' | { readonly result: Outcome; readonly controls?: readonly Control[] };

/** A search whose base is parsed and whose caller may run it, with what the caller sees. */
interface Run {
  readonly prepared: PreparedSearch;
  readonly visibility: Visibility;
  /** The caller's names for attributes (docs/views.md); undefined: the presented names. */
  readonly view: PresentedView | undefined;
  /** Its entries' key among the encoded entries kept (src/session/encoded-entries.ts). */
  readonly selection: string;
}

async function answer(op: Operation<SearchRequest>): Promise<Answer> {
  const { request, controls } = op.message;
  const { directory, access, views } = op.services;
  try {
    const view = views?.viewFor(op.identity, op.connection.listener);
    // cn=Monitor: service accounts only, whatever mounts they may read (src/auth/monitor-access.ts).
    const prepared = directory.prepare(presentedSearch(directorySearch(request), view));
    if (prepared.access === 'monitor' && !mayReadMonitor(op.identity)) return { result: MONITOR_REFUSED };
    const decision = access.read(op.identity, prepared.access !== 'tree', 'search');
    if (!decision.allowed) {
      return { result: { code: ResultCode.insufficientAccessRights, message: decision.diagnostic } };
    }
    const pagedControl = controls.find((c) => c.oid === PAGED_RESULTS_OID);
    const { visibility } = decision;
    const selection = keptSelectionKey(
      request.attributes,
      request.typesOnly,
      visibility.withheld,
      view?.name,
    );
    const run: Run = { prepared, visibility, view, selection };
    return pagedControl ? await pagedPage(op, pagedControl, run) : await unpaged(op, run);
  } catch (error) {
    if (error instanceof DirectoryError) {
      return { result: { code: ResultCode[error.code], message: error.message, matchedDN: error.matchedDN } };
    }
    throw error;
  }
}

function directorySearch(request: SearchRequest): DirectorySearch {
  return {
    base: request.baseObject,
    scope: request.scope,
    filter: request.filter,
    attributes: request.attributes,
    typesOnly: request.typesOnly,
  };
}

/** The smaller of two limits where 0 means none. */
function smallerLimit(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

/**
 * Aborts `controller` when the time limit passes (src/session/time-limits.ts) or the operation is
 * cancelled; returns what stops watching. The search's one AbortController is the signal the
 * directory and live sources need.
 */
function watch(controller: AbortController, op: Operation, seconds: number): Watch {
  op.cancellation.follow(controller);
  const limit = seconds > 0 ? SEARCH_TIME_LIMITS.watch(seconds, controller, TIME_LIMIT) : undefined;
  return { controller, cancellation: op.cancellation, limit };
}

/** What watch() set up, for unwatch(): plain data, not a closure per search. */
interface Watch {
  readonly controller: AbortController;
  readonly cancellation: Cancellation;
  readonly limit: TimeLimit | undefined;
}

function unwatch({ controller, cancellation, limit }: Watch): void {
  cancellation.unfollow(controller);
  if (limit) SEARCH_TIME_LIMITS.release(limit);
}

class TimeLimitError extends Error {
  override name = 'TimeLimit';
}

/** The reason a search's controller is aborted with when its time runs out: one for all of them. */
const TIME_LIMIT = new TimeLimitError('time limit exceeded');

/** Abandoned, out of time, or the error itself when it is not about stopping. */
function stopped(op: Operation, controller: AbortController, error?: unknown): Answer | undefined {
  if (op.cancellation.aborted) return 'abandoned';
  // A search whose time limit passed while it waited for a backend never reached it: busy says so.
  if (controller.signal.reason instanceof TimeLimitError && !isBusy(error)) {
    return { result: { code: ResultCode.timeLimitExceeded, message: 'time limit exceeded' } };
  }
  if (error !== undefined)
    throw error instanceof Error ? error : new Error('search failed', { cause: error });
  return undefined;
}

function isBusy(error: unknown): boolean {
  return error instanceof DirectoryError && error.code === 'busy';
}

async function unpaged(op: Operation<SearchRequest>, run: Run): Promise<Answer> {
  const { request } = op.message;
  const { directoryConfig } = op.services;
  const sizeLimit = smallerLimit(request.sizeLimit, directoryConfig.sizeLimit);
  // A spare controller, given back once the search is done with it (src/session/search-controllers.ts).
  const controller = SEARCH_CONTROLLERS.take();
  const watching = watch(controller, op, smallerLimit(request.timeLimit, directoryConfig.timeLimit));
  try {
    return await sendAll(op, run, controller, sizeLimit);
  } finally {
    unwatch(watching);
    SEARCH_CONTROLLERS.give(controller);
  }
}

/** Sends the hits of an unpaged search, within `sizeLimit`, until its controller stops it. */
async function sendAll(
  op: Operation<SearchRequest>,
  run: Run,
  controller: AbortController,
  sizeLimit: number,
): Promise<Answer> {
  const { signal } = controller;
  let sent = 0;
  try {
    const budget = new EvaluationBudget(op.services.limits.maxFilterEvaluations);
    // Runs of hits, none longer than the limit and the one hit that says it was passed: no
    // candidate is tested beyond those (PreparedSearch.hitBatches).
    const most = sizeLimit > 0 ? sizeLimit + 1 : undefined;
    const runs = run.prepared.hitBatches(signal, run.visibility, budget, most);
    for await (const hits of runs) {
      for (const hit of hits) {
        if (signal.aborted) return stopped(op, controller) ?? { result: SUCCESS };
        if (sizeLimit > 0 && sent >= sizeLimit) {
          return {
            result: { code: ResultCode.sizeLimitExceeded, message: `size limit ${sizeLimit} exceeded` },
          };
        }
        const sending = sendHit(op, hit, run);
        if (sending !== SENT) await sending;
        sent++;
      }
    }
  } catch (error) {
    return stopped(op, controller, error)!;
  }
  return stopped(op, controller) ?? { result: SUCCESS };
}

async function pagedPage(op: Operation<SearchRequest>, control: Control, run: Run): Promise<Answer> {
  const { request } = op.message;
  const { directoryConfig } = op.services;
  const value = decodePagedValue(control);
  if (typeof value === 'string') return { result: { code: ResultCode.protocolError, message: value } };
  const fingerprint = fingerprintOf(request);
  const state = value.cookie.length === 0 ? undefined : op.paged.take(value.cookie);
  if (value.cookie.length > 0 && !state) {
    return {
      result: { code: ResultCode.protocolError, message: 'paged results cookie is invalid or expired' },
    };
  }
  if (state && state.fingerprint !== fingerprint) {
    state.close();
    return {
      result: { code: ResultCode.protocolError, message: 'paged results cookie belongs to another search' },
    };
  }
  if (value.size === 0) {
    state?.close();
    return pageDone(SUCCESS);
  }
  return sendPage(
    op,
    state ?? startPaged(op, fingerprint, run),
    Math.min(value.size, directoryConfig.maxPageSize),
  );
}

/** Later pages continue this stream, so they see what the first page's caller saw (a bind ends them). */
function startPaged(op: Operation<SearchRequest>, fingerprint: string, run: Run): PagedSearch {
  const controller = new AbortController();
  const budget = new EvaluationBudget(op.services.limits.maxFilterEvaluations);
  const runs = run.prepared.hitBatches(controller.signal, run.visibility, budget);
  return new PagedSearch(fingerprint, runs, controller, budget, run.view);
}

async function sendPage(op: Operation<SearchRequest>, state: PagedSearch, pageSize: number): Promise<Answer> {
  const { request } = op.message;
  const timeLimit = smallerLimit(request.timeLimit, op.services.directoryConfig.timeLimit);
  const watching = watch(state.controller, op, timeLimit);
  state.budget.reset();
  const shape: HitShape = { view: state.view };
  try {
    for (let count = 0; count < pageSize; count++) {
      // A run is read at once: abandon and the time limit are looked for before each of its hits.
      const { signal } = state.controller;
      if (signal.aborted) throw signal.reason;
      const hit = state.take() ?? (await next(state));
      if (hit === undefined) return pageDone(SUCCESS);
      if (request.sizeLimit > 0 && state.sent >= request.sizeLimit) {
        state.close();
        return pageDone({
          code: ResultCode.sizeLimitExceeded,
          message: `size limit ${request.sizeLimit} exceeded`,
        });
      }
      // An import reads each entry once: its answers are not kept (encoded-entries.ts). Awaited only
      // when the connection's queue was full: an await per entry is a promise and a turn of its own.
      const sending = sendHit(op, hit, shape);
      if (sending !== SENT) await sending;
      state.sent++;
    }
    if (!state.holding && !(await read(state))) return pageDone(SUCCESS);
    return pageDone(SUCCESS, op.paged.park(state));
  } catch (error) {
    state.close();
    return stopped(op, state.controller, error)!;
  } finally {
    unwatch(watching);
    if (state.controller.signal.aborted) state.close();
  }
}

/** The first hit of the search's next run; undefined at its end. */
async function next(state: PagedSearch): Promise<SearchHit | undefined> {
  return (await read(state)) ? state.take() : undefined;
}

/** Reads the search's next run (PagedSearch.read); false at its end. */
async function read(state: PagedSearch): Promise<boolean> {
  const more = await state.read();
  if (state.controller.signal.aborted) throw state.controller.signal.reason;
  return more;
}

function pageDone(result: Outcome, cookie: Uint8Array = new Uint8Array()): Answer {
  const value = encodePagedResultsValue({ size: 0, cookie });
  return { result, controls: [{ oid: PAGED_RESULTS_OID, critical: false, value }] };
}

function decodePagedValue(control: Control): { size: number; cookie: Uint8Array } | string {
  if (!control.value) return 'paged results control without a value';
  try {
    return decodePagedResultsValue(control.value);
  } catch (error) {
    return `malformed paged results control: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** What must stay the same between the pages of one search (RFC 2696: all but the cookie). */
function fingerprintOf(request: SearchRequest): string {
  const { baseObject, scope, derefAliases, filter, attributes, typesOnly } = request;
  return JSON.stringify([baseObject, scope, derefAliases, filter, attributes, typesOnly]);
}

/** What sending a hit needs of its search: the caller's view, and the key its encodings are kept under. */
interface HitShape {
  readonly view?: PresentedView | undefined;
  /** Undefined: encoded anew and not kept. */
  readonly selection?: string;
}

/**
 * A stamped hit goes out as the bytes kept for it, or is encoded once and kept. A hit held as bytes
 * is encoded from them (HitAttributes), any other from its attributes in the caller's names.
 */
function sendHit(op: Operation, hit: SearchHit, { view, selection }: HitShape): Promise<void> {
  const { stamp } = hit;
  const kept = op.services.encodedEntries;
  if (stamp === undefined || kept === undefined || selection === undefined) {
    if (hit.writeAttributes !== undefined) {
      const attributes = new HitAttributes(hit, view);
      return op.send({ type: 'writtenSearchResultEntry', objectName: hit.dn, attributes });
    }
    const { dn, attributes } = clientHit(hit, view);
    return op.send({ type: 'searchResultEntry', objectName: dn, attributes });
  }
  let protocolOp = kept.get(selection, stamp);
  if (protocolOp === undefined) {
    if (hit.writeAttributes !== undefined) {
      protocolOp = encodeSearchResultEntryOp(hit.dn, new HitAttributes(hit, view));
    } else {
      const { dn, attributes } = clientHit(hit, view);
      protocolOp = encodeSearchResultEntryOp(dn, attributes);
    }
    kept.set(selection, stamp, protocolOp);
  }
  return op.send({ type: 'encodedSearchResultEntry', protocolOp });
}
