/**
 * The cn=Monitor subtree, laid out as OpenLDAP's back-monitor lays out its own (so tools that read
 * OpenLDAP's connection counters, such as telegraf's openldap input, find them where they look):
 *
 *   cn=Monitor                                   monitorServer: version, start time
 *     cn=Sources,cn=Monitor                      monitorContainer
 *       cn=<source>,cn=Sources,cn=Monitor        dirbridgeMonitoredSource: type, mode, state, entries,
 *                                                last load, last error and when
 *     cn=Listeners,cn=Monitor                    monitorContainer
 *       cn=Listener <n>,cn=Listeners,cn=Monitor  dirbridgeMonitoredListener: URL, open, accepted
 *     cn=Connections,cn=Monitor                  monitorContainer
 *       cn=Current,cn=Connections,cn=Monitor     monitorCounterObject: connections open now
 *       cn=Total,cn=Connections,cn=Monitor       monitorCounterObject: connections accepted since start
 *
 * The values are operational attributes, as in OpenLDAP: ask for `+` (or by name) to see them.
 */
import { formatDn, parseDn } from '../dn/distinguished-name.js';
import { makeEntry, type Entry, type EntryAttribute } from '../schema/entry.js';
import { MONITOR_DN } from './namespace.js';
import type { SourceStatus } from './source-status.js';

/** A source as the monitor reports it. */
export interface MonitoredSource {
  readonly name: string;
  readonly type?: string;
  readonly mode: string;
  readonly status: SourceStatus;
  /** Entries held (replicas); unknown for live sources. */
  readonly entries?: number;
}

/** A listener's counters, kept by the server. */
export interface ListenerStatus {
  readonly url: string;
  readonly open: number;
  readonly accepted: number;
}

export interface MonitorSnapshot {
  readonly version: string;
  readonly startedAt: Date;
  readonly sources: readonly MonitoredSource[];
  readonly listeners: readonly ListenerStatus[];
}

/** The RDN values from cn=Monitor down to an entry: `[]` is cn=Monitor, `['Sources', 'demo']` a source. */
type MonitorPath = readonly string[];

/** Every entry of the subtree, each parent before its children. */
export function monitorEntries(snapshot: MonitorSnapshot): Entry[] {
  const open = snapshot.listeners.reduce((sum, listener) => sum + listener.open, 0);
  const accepted = snapshot.listeners.reduce((sum, listener) => sum + listener.accepted, 0);
  return [
    monitorEntry(
      [],
      ['monitorServer'],
      [
        { name: 'description', values: ['dirbridge monitoring: sources, listeners and connections'] },
        { name: 'monitoredInfo', values: [snapshot.version] },
        { name: 'monitorTimestamp', values: [generalizedTime(snapshot.startedAt)] },
      ],
    ),
    container('Sources', 'one entry per source, in config order'),
    ...snapshot.sources.map(sourceEntry),
    container('Listeners', 'one entry per listener'),
    ...snapshot.listeners.map(listenerEntry),
    container('Connections', 'client connections, all listeners together'),
    counter(['Connections', 'Current'], open, 'connections open now'),
    counter(['Connections', 'Total'], accepted, 'connections accepted since start'),
  ];
}

function sourceEntry(source: MonitoredSource): Entry {
  const { status } = source;
  return monitorEntry(
    ['Sources', source.name],
    ['monitoredObject', 'dirbridgeMonitoredSource'],
    [
      { name: 'monitoredInfo', values: [describeSource(source)] },
      optional('dirbridgeSourceType', source.type),
      { name: 'dirbridgeSourceMode', values: [source.mode] },
      { name: 'dirbridgeSourceState', values: [status.state] },
      optional('dirbridgeEntries', source.entries?.toString()),
      optional('dirbridgeLastLoad', status.lastLoad && generalizedTime(status.lastLoad)),
      optional('dirbridgeLastError', status.lastError?.message),
      optional('dirbridgeLastErrorTime', status.lastError && generalizedTime(status.lastError.at)),
      optional('dirbridgeStaleSince', status.staleSince && generalizedTime(status.staleSince)),
      optional('dirbridgeHeldSync', status.heldMessage),
    ],
  );
}

function describeSource(source: MonitoredSource): string {
  const what = source.type === undefined ? 'source' : `${source.type} source`;
  return `${what} ${source.name} (${source.mode}): ${source.status.state}`;
}

function listenerEntry(listener: ListenerStatus, index: number): Entry {
  const path = ['Listeners', `Listener ${index}`];
  return monitorEntry(
    path,
    ['monitoredObject', 'dirbridgeMonitoredListener'],
    [
      { name: 'monitoredInfo', values: [listener.url] },
      { name: 'dirbridgeListenerURL', values: [listener.url] },
      { name: 'dirbridgeOpenConnections', values: [String(listener.open)] },
      { name: 'dirbridgeAcceptedConnections', values: [String(listener.accepted)] },
    ],
  );
}

function container(name: string, description: string): Entry {
  return monitorEntry([name], ['monitorContainer'], [{ name: 'description', values: [description] }]);
}

function counter(path: MonitorPath, value: number, description: string): Entry {
  return monitorEntry(
    path,
    ['monitorCounterObject'],
    [
      { name: 'description', values: [description] },
      { name: 'monitorCounter', values: [String(value)] },
    ],
  );
}

/**
 * An entry of the subtree. `classes` are those below `monitor`, most specific last, so that
 * structuralObjectClass (the last class) names it.
 */
function monitorEntry(
  path: MonitorPath,
  classes: readonly string[],
  attributes: readonly EntryAttribute[],
): Entry {
  const rdns = [...path].reverse().map((value) => [{ type: 'cn', value }]);
  return makeEntry(formatDn([...rdns, ...parseDn(MONITOR_DN)]), [
    { name: 'objectClass', values: ['top', 'monitor', ...classes] },
    { name: 'cn', values: [path.at(-1) ?? 'Monitor'] },
    ...attributes,
  ]);
}

function optional(name: string, value: string | undefined): EntryAttribute {
  return { name, values: value === undefined ? [] : [value] };
}

/** RFC 4517 GeneralizedTime in UTC, to the second: `20250102030405Z`. */
export function generalizedTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}
