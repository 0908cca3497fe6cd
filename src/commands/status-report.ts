/**
 * The `status` report: cn=Monitor's entries (src/directory/monitor-entries.ts) read back by object
 * class and shown as tables a person scans in a second: sources with their state and last error,
 * listeners with their connections.
 */
import { textTable } from './text-table.js';

/** An entry as an LDAP client returns it: attribute values by name (any case). */
export interface MonitorEntry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, readonly string[]>;
}

export interface SourceRow {
  readonly name: string;
  readonly type: string;
  readonly mode: string;
  /** The state, with since when for a stale replica. */
  readonly state: string;
  readonly entries: string;
  readonly lastLoad: string;
  readonly lastError: string;
  /** A sync the deletion guard holds, and how to let it through. */
  readonly held: string;
}

export interface ListenerRow {
  readonly url: string;
  readonly open: string;
  readonly accepted: string;
}

export interface MonitorReport {
  readonly version: string;
  readonly startedAt: string;
  readonly sources: readonly SourceRow[];
  readonly listeners: readonly ListenerRow[];
  readonly connections: { readonly current: string; readonly total: string };
}

/** Builds a MonitorEntry from a plain record of attribute values (ldapts's shape), names lower-cased. */
export function monitorEntry(dn: string, values: Readonly<Record<string, unknown>>): MonitorEntry {
  const attributes = new Map<string, string[]>();
  for (const [name, value] of Object.entries(values)) {
    const list = (Array.isArray(value) ? value : [value]).map((v) =>
      Buffer.isBuffer(v) ? v.toString('utf8') : String(v),
    );
    attributes.set(name.toLowerCase(), list);
  }
  return { dn, attributes };
}

export function readMonitor(entries: readonly MonitorEntry[]): MonitorReport {
  const server = entries.find((entry) => hasClass(entry, 'monitorServer'));
  const counters = entries.filter((entry) => hasClass(entry, 'monitorCounterObject'));
  const counter = (cn: string): string =>
    first(counters.find((entry) => first(entry, 'cn').toLowerCase() === cn) ?? undefined, 'monitorCounter');
  return {
    version: first(server, 'monitoredInfo'),
    startedAt: readableTime(first(server, 'monitorTimestamp')),
    sources: entries.filter((entry) => hasClass(entry, 'dirbridgeMonitoredSource')).map(sourceRow),
    listeners: entries.filter((entry) => hasClass(entry, 'dirbridgeMonitoredListener')).map(listenerRow),
    connections: { current: counter('current'), total: counter('total') },
  };
}

function sourceRow(entry: MonitorEntry): SourceRow {
  const error = first(entry, 'dirbridgeLastError');
  const errorAt = readableTime(first(entry, 'dirbridgeLastErrorTime'));
  return {
    name: first(entry, 'cn'),
    type: first(entry, 'dirbridgeSourceType'),
    mode: first(entry, 'dirbridgeSourceMode'),
    state: stateOf(entry),
    entries: first(entry, 'dirbridgeEntries'),
    lastLoad: readableTime(first(entry, 'dirbridgeLastLoad')),
    lastError: error === '' ? '' : `${errorAt}: ${error}`,
    held: first(entry, 'dirbridgeHeldSync'),
  };
}

function stateOf(entry: MonitorEntry): string {
  const state = first(entry, 'dirbridgeSourceState');
  const staleSince = readableTime(first(entry, 'dirbridgeStaleSince'));
  return staleSince === '' ? state : `${state} since ${staleSince}`;
}

function listenerRow(entry: MonitorEntry): ListenerRow {
  return {
    url: first(entry, 'dirbridgeListenerURL'),
    open: first(entry, 'dirbridgeOpenConnections'),
    accepted: first(entry, 'dirbridgeAcceptedConnections'),
  };
}

export function formatStatus(report: MonitorReport, url: string): string {
  const since = report.startedAt === '' ? '' : `, up since ${report.startedAt}`;
  const sources = textTable(
    ['SOURCE', 'TYPE', 'MODE', 'STATE', 'ENTRIES', 'LAST LOAD', 'LAST ERROR'],
    report.sources.map((s) =>
      [s.name, s.type, s.mode, s.state, s.entries, s.lastLoad, s.lastError].map(dash),
    ),
  );
  const listeners = textTable(
    ['LISTENER', 'OPEN', 'ACCEPTED'],
    report.listeners.map((l) => [l.url, l.open, l.accepted].map(dash)),
  );
  const held = report.sources
    .filter((s) => s.held !== '')
    .map((s) => `Held: ${s.name}: ${s.held}\n`)
    .join('');
  const { current, total } = report.connections;
  return (
    `${report.version || 'dirbridge'} at ${url}${since}\n\n${sources}${held}\n${listeners}\n` +
    `Connections: ${dash(current)} open, ${dash(total)} accepted since start\n`
  );
}

/** `20250102030405Z` -> `2025-01-02 03:04:05 UTC`; anything else as it is. */
export function readableTime(generalized: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(generalized);
  if (!match) return generalized;
  const [, year, month, day, hour, minute, second] = match;
  return `${year!}-${month!}-${day!} ${hour!}:${minute!}:${second!} UTC`;
}

function hasClass(entry: MonitorEntry, name: string): boolean {
  return (entry.attributes.get('objectclass') ?? []).some(
    (value) => value.toLowerCase() === name.toLowerCase(),
  );
}

function first(entry: MonitorEntry | undefined, name: string): string {
  return entry?.attributes.get(name.toLowerCase())?.[0] ?? '';
}

function dash(value: string): string {
  return value === '' ? '-' : value;
}
