/**
 * What changed in a generic LDAP directory (or Domino), told by `modifyTimestamp`: a poll asks for
 * `(modifyTimestamp>=<cursor>)`. The cursor is a time the backend wrote, never ours, and it is kept
 * where no change can slip past it:
 * - an entry changed while a round read the others may carry a time before the latest one the round
 *   saw, but not before the round began: the next cursor is the latest time seen less the round's
 *   duration and a second (the timestamp's precision);
 * - that overlap re-reads the latest second's entries (a bulk load's thousands) at every poll, so
 *   once a later round, begun two seconds after the latest time was first seen, has found nothing
 *   newer, no write can still be stamped with it (the backend's clock has passed it): the cursor
 *   moves past it;
 * - one entry stamped in the future (copied from a server whose clock runs fast) must not carry the
 *   cursor past the changes written now: the cursor never passes our clock less CLOCK_TOLERANCE_MS.
 * Entries read twice are harmless (the engine skips what it already holds). Deletions are not seen:
 * they wait for reconciliation, which lists every record (a time copied in by replication from
 * another server may be older than the cursor, so the listing also catches changes a poll missed).
 */
import type { Entry } from 'ldapts';
import { CursorExpired } from '../change-feed.js';
import type { CheckStep } from '../source.js';
import type { ChangeMark, FeedIntervals, MarkRound } from './change-mark.js';
import type { FeedBackend, FeedSession } from './feed-backend.js';
import { entryValues } from './ldap-entry.js';

const ATTRIBUTE = 'modifyTimestamp';
/** The timestamp's precision: a cursor a second back re-reads at most that second's changes. */
const PRECISION_MS = 1000;
/** How long after a time was first seen no write can be stamped with it any more. */
const SETTLE_MS = 2 * PRECISION_MS;
/**
 * How far behind ours the backend's clock may run (they are NTP-synchronised in practice): the
 * cursor never passes our clock less this, so a backend clock up to this much behind loses nothing.
 */
const CLOCK_TOLERANCE_MS = 60_000;

export interface TimestampLogger {
  warn(obj: object, msg: string): void;
}

export class ModifyTimestampMark implements ChangeMark {
  readonly attributes = [ATTRIBUTE];
  readonly idReconciliation = false;
  #warned = false;
  /** The latest time seen, and (our clock) when a round that saw it ended. */
  #latest: { readonly time: number; readonly seenAt: number } | undefined;

  constructor(
    private readonly backend: FeedBackend,
    private readonly logger?: TimestampLogger,
  ) {}

  begin(_session: unknown, cursor: string | undefined): Promise<MarkRound> {
    const since = cursor === undefined ? undefined : parseGeneralizedTime(cursor);
    if (cursor !== undefined && since === undefined)
      return Promise.reject(new CursorExpired(`the replica's cursor ${cursor} is no time`));
    const started = Date.now();
    let latest: number | undefined;
    return Promise.resolve({
      ...(cursor === undefined
        ? {}
        : { changed: { type: 'greaterOrEqual', attribute: ATTRIBUTE, value: cursor } }),
      see: (entry: Entry): void => {
        const time = timestampOf(entry);
        if (time !== undefined && (latest === undefined || time > latest)) latest = time;
      },
      end: (): string | undefined => {
        if (latest === undefined) {
          if (cursor === undefined) this.#warnUnreadable();
          return cursor;
        }
        return formatGeneralizedTime(this.#next(latest, since, started));
      },
    });
  }

  /** Where the round after one that began at `started` and saw `latest` starts (module comment). */
  #next(latest: number, since: number | undefined, started: number): number {
    const now = Date.now();
    const settled = this.#latest?.time === latest && started - this.#latest.seenAt >= SETTLE_MS;
    if (this.#latest?.time !== latest) this.#latest = { time: latest, seenAt: now };
    const next = settled ? latest + PRECISION_MS : latest - (now - started) - PRECISION_MS;
    return Math.max(since ?? -Infinity, Math.min(next, now - CLOCK_TOLERANCE_MS));
  }

  /** Whether the first person in scope shows its modifyTimestamp to the service account. */
  async describe(session: FeedSession, signal: AbortSignal, intervals: FeedIntervals): Promise<CheckStep> {
    const deletions = `deletions within ${intervals.reconcileSeconds} s, by reconciliation (a listing of everyone)`;
    const search = { scope: 'sub', filter: this.backend.scope, attributes: [ATTRIBUTE] } as const;
    for (const base of this.backend.bases) {
      for await (const entry of session.entries(base, search, signal)) {
        if (timestampOf(entry) === undefined) break;
        return {
          step: 'changes',
          ok: true,
          detail: `polled by modifyTimestamp every ${intervals.changeSeconds} s; ${deletions}`,
        };
      }
    }
    return {
      step: 'changes',
      ok: true,
      warning: true,
      detail: `no person shows the service account a modifyTimestamp: every ${intervals.changeSeconds} s the replica lists everyone again (let it read modifyTimestamp)`,
    };
  }

  #warnUnreadable(): void {
    if (this.#warned) return;
    this.#warned = true;
    this.logger?.warn(
      { source: this.backend.name },
      'no entry shows the service account its modifyTimestamp: every change interval lists everything again',
    );
  }
}

/** The latest modifyTimestamp of an entry, in ms since the epoch. */
function timestampOf(entry: Entry): number | undefined {
  const first = entryValues(entry, ATTRIBUTE)[0];
  return first === undefined ? undefined : parseGeneralizedTime(first);
}

const GENERALIZED_TIME = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)?(\d\d)?(?:[.,](\d+))?(Z|[+-]\d\d(?:\d\d)?)$/;

/** RFC 4517 GeneralizedTime (`20261206102410Z`, `20261206102410.0Z`, `202612061024+0100`) in ms. */
export function parseGeneralizedTime(text: string): number | undefined {
  const m = GENERALIZED_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute = '00', second = '00', fraction = '', zone] = m;
  const utc = Date.UTC(
    +year!,
    +month! - 1,
    +day!,
    +hour!,
    +minute,
    +second,
    Math.floor(+`0.${fraction || '0'}` * 1000),
  );
  if (Number.isNaN(utc)) return undefined;
  if (zone === 'Z') return utc;
  const sign = zone!.startsWith('-') ? -1 : 1;
  const offset = (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5) || '0')) * 60_000;
  return utc - sign * offset;
}

/** A time as GeneralizedTime in UTC, to the second (rounded down, so a `>=` includes that second). */
export function formatGeneralizedTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:T]|\.\d+/g, '');
}
