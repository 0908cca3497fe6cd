/**
 * What changed in Active Directory, told by update sequence numbers. Every write on a domain
 * controller takes the next USN of that DC (`uSNChanged` on the entry, `highestCommittedUSN` in
 * the root DSE), so a poll asks for `(uSNChanged>=<last USN + 1>)` and misses nothing that DC
 * holds. USNs count per DC: the cursor names the DC's `invocationId` with the USN, and a round on
 * another DC (a failover, a DC restored from backup) lists everything again.
 *
 * Two things a poll of the people themselves cannot see:
 * - a person added to or removed from a group the filter names (`memberOf`) changes only the
 *   group's USN: the named groups are polled too, and a change to one lists everything again;
 * - a deletion moves the entry to `CN=Deleted Objects`, which an ordinary account cannot list: it
 *   is polled with the show-deleted control where the service account may read it, and
 *   reconciliation (an id-only listing) finds deletions otherwise.
 */
import { Control, type Entry } from 'ldapts';
import type { Filter } from '../../filter/ast.js';
import { MATCH_ALL } from '../../filter/ast.js';
import { CursorExpired } from '../change-feed.js';
import type { CheckStep } from '../source.js';
import { SourceError } from '../source.js';
import type { ChangeMark, FeedIntervals, MarkRound } from '../ldap/change-mark.js';
import type { FeedBackend, FeedSession } from '../ldap/feed-backend.js';
import { guidToUuid } from '../ldap/index.js';
import { entryValues, rawValues } from '../ldap/ldap-entry.js';

/** LDAP_SERVER_SHOW_DELETED_OID: tombstones are returned to those allowed to read them. */
const SHOW_DELETED = '1.2.840.113556.1.4.417';

/** The domain controller a round talks to. */
interface DcState {
  readonly invocationId: string;
  readonly usn: number;
  readonly domainNc: string;
}

export class UsnMark implements ChangeMark {
  readonly attributes: readonly string[] = [];
  readonly idReconciliation = true;
  /** The groups the source's filters name by `memberOf`. */
  readonly #groups: readonly string[];

  constructor(private readonly backend: FeedBackend) {
    this.#groups = memberOfGroups(backend.scope);
  }

  async begin(session: FeedSession, cursor: string | undefined, signal: AbortSignal): Promise<MarkRound> {
    const dc = await this.#dcState(session, signal);
    const round = { see: (): void => undefined, end: (): string => `${dc.invocationId}:${dc.usn}` };
    if (cursor === undefined) return round;
    const previous = parseCursor(cursor);
    if (!previous)
      throw new CursorExpired(`the replica's cursor ${cursor} names no domain controller and USN`);
    if (previous.invocationId !== dc.invocationId)
      throw new CursorExpired(
        `another domain controller answers (invocationId ${dc.invocationId}; the copy followed ${previous.invocationId}), and USNs count per domain controller`,
      );
    if (dc.usn < previous.usn)
      throw new CursorExpired(
        `the domain controller's highest USN ${dc.usn} is below the copy's ${previous.usn}`,
      );
    if (dc.usn === previous.usn) return round;
    const changed: Filter = {
      type: 'greaterOrEqual',
      attribute: 'uSNChanged',
      value: String(previous.usn + 1),
    };
    const group = await this.#changedGroup(session, changed, signal);
    if (group !== undefined)
      throw new CursorExpired(
        `group ${group}, which the source's filter names, changed (adding or removing a member changes only the group)`,
      );
    return { ...round, changed, deletions: (s) => this.#tombstones(session, dc.domainNc, changed, s) };
  }

  /** What `check` says about changes and deletions: which way deletions reach the copy. */
  async describe(session: FeedSession, signal: AbortSignal, intervals: FeedIntervals): Promise<CheckStep> {
    const dc = await this.#dcState(session, signal);
    const readable = await this.#tombstonesReadable(session, dc.domainNc, signal);
    const deletions = readable
      ? `deletions at the next poll (the service account reads CN=Deleted Objects)`
      : `deletions within ${intervals.reconcileSeconds} s, by reconciliation (the service account sees no deleted objects; ` +
        'to serve them at the next poll, let it list CN=Deleted Objects)';
    const groups =
      this.#groups.length === 0 ? '' : `; ${this.#groups.length} group(s) named by memberOf polled too`;
    return {
      step: 'changes',
      ok: true,
      detail: `polled by USN every ${intervals.changeSeconds} s (DC invocationId ${dc.invocationId}, highest USN ${dc.usn})${groups}; ${deletions}`,
    };
  }

  async #dcState(session: FeedSession, signal: AbortSignal): Promise<DcState> {
    const rootDse = await first(
      session,
      '',
      ['highestCommittedUSN', 'dsServiceName', 'defaultNamingContext'],
      signal,
    );
    const usn = Number(entryValues(rootDse, 'highestCommittedUSN')[0]);
    const [service] = entryValues(rootDse, 'dsServiceName');
    const [domainNc] = entryValues(rootDse, 'defaultNamingContext');
    if (!Number.isSafeInteger(usn) || service === undefined || domainNc === undefined)
      throw new SourceError(
        this.backend.name,
        'the root DSE shows no highestCommittedUSN, dsServiceName and defaultNamingContext: is this an Active Directory domain controller?',
      );
    const settings = await first(session, service, ['invocationId'], signal, ['invocationId']);
    const [raw] = rawValues(settings, 'invocationId');
    if (!(raw instanceof Buffer) || raw.length !== 16)
      throw new SourceError(this.backend.name, `${service} shows no invocationId to the service account`);
    return { invocationId: guidToUuid(raw), usn, domainNc };
  }

  /** The first named group with a USN past the cursor. */
  async #changedGroup(
    session: FeedSession,
    changed: Filter,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    for (const group of this.#groups) {
      const search = { scope: 'base', filter: changed, attributes: ['1.1'] } as const;
      for await (const _ of session.entries(group, search, signal)) return group;
    }
    return undefined;
  }

  /** Ids of entries deleted since the cursor; none where the service account may not list tombstones. */
  async *#tombstones(
    session: FeedSession,
    domainNc: string,
    changed: Filter,
    signal: AbortSignal,
  ): AsyncIterable<string> {
    const search = {
      scope: 'one',
      filter: changed,
      attributes: [this.backend.idAttribute],
      controls: [new Control(SHOW_DELETED, { critical: true })],
    } as const;
    try {
      for await (const entry of session.entries(`CN=Deleted Objects,${domainNc}`, search, signal)) {
        const id = this.backend.recordId(entry);
        if (id !== undefined) yield id;
      }
    } catch (error) {
      if (!session.refused(error)) throw error;
    }
  }

  /** Whether the service account sees any tombstone (an ordinary account sees only the container). */
  async #tombstonesReadable(session: FeedSession, domainNc: string, signal: AbortSignal): Promise<boolean> {
    for await (const _ of this.#tombstones(session, domainNc, MATCH_ALL, signal)) return true;
    return false;
  }
}

function parseCursor(cursor: string): { invocationId: string; usn: number } | undefined {
  const m = /^([0-9a-f-]{36}):(\d+)$/i.exec(cursor);
  return m ? { invocationId: m[1]!.toLowerCase(), usn: Number(m[2]) } : undefined;
}

/** DNs the filter names in `memberOf` conditions (equality, or an extensible match such as the in-chain rule). */
export function memberOfGroups(filter: Filter): string[] {
  switch (filter.type) {
    case 'and':
    case 'or':
      return [...new Set(filter.filters.flatMap(memberOfGroups))];
    case 'not':
      return memberOfGroups(filter.filter);
    case 'equality':
    case 'extensible':
      return filter.attribute?.toLowerCase() === 'memberof' ? [filter.value] : [];
    default:
      return [];
  }
}

async function first(
  session: FeedSession,
  dn: string,
  attributes: readonly string[],
  signal: AbortSignal,
  binary: readonly string[] = [],
): Promise<Entry | undefined> {
  for await (const entry of session.entries(
    dn,
    { scope: 'base', filter: MATCH_ALL, attributes, binary },
    signal,
  ))
    return entry;
  return undefined;
}
