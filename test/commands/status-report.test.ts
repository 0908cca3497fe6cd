import { describe, expect, it } from 'vitest';
import { formatStatus, monitorEntry, readMonitor, readableTime } from '../../src/commands/status-report.js';
import { monitorEntries } from '../../src/directory/monitor-entries.js';

/** cn=Monitor's entries as an LDAP client receives them: plain records of values. */
function asReceived(): ReturnType<typeof monitorEntry>[] {
  const entries = monitorEntries({
    version: 'dirbridge 1.2.3',
    startedAt: new Date('2025-01-02T03:04:05Z'),
    sources: [
      {
        name: 'demo',
        type: 'file',
        mode: 'replica',
        status: { state: 'ready', lastLoad: new Date('2025-01-02T03:04:06Z') },
        entries: 300,
      },
      {
        name: 'ad',
        type: 'ad',
        mode: 'live',
        status: {
          state: 'failed',
          lastError: { message: 'connect ECONNREFUSED', at: new Date('2025-01-02T04:00:00Z') },
        },
      },
    ],
    listeners: [
      { url: 'ldap://0.0.0.0:1389', open: 2, accepted: 7 },
      { url: 'ldaps://0.0.0.0:1636', open: 1, accepted: 3 },
    ],
  });
  return entries.map((entry) =>
    monitorEntry(
      entry.dn,
      Object.fromEntries([...entry.attributes.values()].map((a) => [a.name, [...a.values]])),
    ),
  );
}

describe('status report', () => {
  it('reads cn=Monitor back by object class and shows it as tables', () => {
    const report = readMonitor(asReceived());
    expect(report.connections).toEqual({ current: '3', total: '10' });
    expect(formatStatus(report, 'ldap://127.0.0.1:1389')).toBe(
      [
        'dirbridge 1.2.3 at ldap://127.0.0.1:1389, up since 2025-01-02 03:04:05 UTC',
        '',
        'SOURCE  TYPE  MODE     STATE   ENTRIES  LAST LOAD                LAST ERROR',
        'demo    file  replica  ready   300      2025-01-02 03:04:06 UTC  -',
        'ad      ad    live     failed  -        -                        2025-01-02 04:00:00 UTC: connect ECONNREFUSED',
        '',
        'LISTENER              OPEN  ACCEPTED',
        'ldap://0.0.0.0:1389   2     7',
        'ldaps://0.0.0.0:1636  1     3',
        '',
        'Connections: 3 open, 10 accepted since start',
        '',
      ].join('\n'),
    );
  });

  it('reads attribute names in any case and Buffer values', () => {
    const entry = monitorEntry('cn=x', {
      OBJECTCLASS: ['monitorServer'],
      MonitoredInfo: Buffer.from('dirbridge 9'),
    });
    expect(readMonitor([entry]).version).toBe('dirbridge 9');
  });

  it('turns GeneralizedTime into a readable UTC time, and leaves anything else alone', () => {
    expect(readableTime('20250102030405Z')).toBe('2025-01-02 03:04:05 UTC');
    expect(readableTime('yesterday')).toBe('yesterday');
  });
});
