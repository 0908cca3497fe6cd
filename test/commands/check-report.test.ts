import { describe, expect, it } from 'vitest';
import {
  formatCheckSummary,
  formatSourceCheck,
  verdict,
  WITHHELD,
  type SourceCheck,
} from '../../src/commands/check-report.js';
import { makeEntry } from '../../src/schema/entry.js';

const passed: SourceCheck = {
  name: 'demo',
  type: 'file',
  mode: 'replica',
  report: {
    source: 'demo',
    ok: true,
    steps: [
      { step: 'read', ok: true, detail: '120 bytes from demo.csv' },
      { step: 'count', ok: true, detail: '2 records' },
    ],
    count: 2,
    samples: [],
  },
  samples: [
    makeEntry('entryUUID=1,ou=demo,dc=x', [
      { name: 'cn', values: ['Anna Müller'] },
      { name: 'mobile', values: ['+49 151 1', '+49 171 2'] },
    ]),
  ],
};

const failed: SourceCheck = {
  name: 'ad',
  type: 'ad',
  mode: 'live',
  report: {
    source: 'ad',
    ok: false,
    steps: [
      { step: 'connect', ok: true, detail: 'ldaps://dc1 in 12 ms' },
      { step: 'authenticate', ok: false, detail: '80090308: LdapErr: DSID-0C09042A, data 52e' },
    ],
    samples: [],
  },
  samples: [],
};

describe('check report', () => {
  it('shows each step, the samples as presented, and PASSED', () => {
    expect(formatSourceCheck(passed)).toBe(
      [
        'demo (file, replica)',
        '      STEP   RESULT',
        '  ok  read   120 bytes from demo.csv',
        '  ok  count  2 records',
        '  sample 1: entryUUID=1,ou=demo,dc=x',
        '      cn: Anna Müller',
        '      mobile: +49 151 1 | +49 171 2',
        '  PASSED',
        '',
        '',
      ].join('\n'),
    );
  });

  it('shows that a sample holds passwords, never what they are', () => {
    const withPasswords: SourceCheck = {
      ...passed,
      samples: [
        makeEntry('entryUUID=2,ou=demo,dc=x', [
          { name: 'cn', values: ['Paula People'] },
          { name: 'userPassword', values: ['{SSHA}c2VjcmV0LWhhc2g='] },
          { name: 'wuserPasswordSip', values: ['sip-Secret-0001', 'sip-Secret-0002'] },
        ]),
      ],
    };
    const text = formatSourceCheck(withPasswords);
    expect(text).toContain('      cn: Paula People\n');
    expect(text).toContain(`      userPassword: ${WITHHELD}\n`);
    expect(text).toContain(`      wuserPasswordSip: ${WITHHELD} | ${WITHHELD}\n`);
    expect(text).not.toMatch(/SSHA|sip-Secret/);
  });

  it('names the first failing step and its detail', () => {
    const text = formatSourceCheck(failed);
    expect(text).toContain('  FAIL  authenticate  80090308');
    expect(text).toContain('FAILED at step "authenticate": 80090308: LdapErr: DSID-0C09042A, data 52e');
    expect(verdict({ ...failed.report, steps: [] })).toBe('FAILED');
  });

  it('sums up which sources failed', () => {
    expect(formatCheckSummary([passed])).toBe('1 source checked: all passed.\n');
    expect(formatCheckSummary([passed, failed])).toBe('2 sources checked: 1 failed (ad).\n');
  });
});
