import { describe, expect, it } from 'vitest';
import { explainAdBindDiagnostic } from '../../../src/sources/ad/bind-diagnostic.js';

/** What the test Samba AD DC (Samba 4.17, Debian 12) sends, copied from its answers to simple binds over LDAPS. */
function samba(code: string): string {
  return `80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data ${code}, v1db1`;
}

describe('explainAdBindDiagnostic', () => {
  it.each([
    // user, or what was bound, on the test DC (scripts/test-backends/samba-ad.ts)
    ['alice, wrong password', samba('52e'), 'wrong password (or unknown user)'],
    ['a user that does not exist', samba('52e'), 'wrong password (or unknown user)'],
    ['dora, disabled', samba('533'), 'account disabled'],
    ['mike, must change his password', samba('773'), 'must change password'],
    ['erin, account expired', samba('701'), 'account expired'],
    ['peter, password expired', samba('532'), 'password expired'],
    ['nora, no logon hours', samba('530'), 'not permitted to log on at this time'],
    ['walter, another workstation only', samba('531'), 'not permitted to log on at this workstation'],
    // Not captured: locking `locked` out would disturb the e2e tests that depend on its state.
    ['larry, locked out', samba('775'), 'account locked out'],
  ])('explains what Samba says to %s', (_, diagnostic, words) => {
    expect(explainAdBindDiagnostic(diagnostic)).toBe(words);
  });

  it('reads the message as ldapts reports it, with its code appended', () => {
    expect(explainAdBindDiagnostic(`${samba('533')} Code: 0x31`)).toBe('account disabled');
  });

  // Windows AD's form: the DSID and the version tail differ by release and by where the check failed.
  it.each([
    [
      '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e, v3839',
      'wrong password (or unknown user)',
    ],
    [
      '80090308: LdapErr: DSID-0C090334, comment: AcceptSecurityContext error, data 525, vece',
      'user not found',
    ],
    [
      '80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 568, v4563',
      'too many security IDs',
    ],
    [
      '80090308: LdapErr: DSID-0C090569, comment: AcceptSecurityContext error, data 775, v4f7c',
      'account locked out',
    ],
  ])('explains Windows AD diagnostics, whatever their DSID and version tail: %s', (diagnostic, words) => {
    expect(explainAdBindDiagnostic(diagnostic)).toBe(words);
  });

  it('reads the keyword and the hex code in any case', () => {
    expect(explainAdBindDiagnostic(samba('52E'))).toBe('wrong password (or unknown user)');
    expect(explainAdBindDiagnostic('AcceptSecurityContext error, DATA 533, v1db1')).toBe('account disabled');
    expect(explainAdBindDiagnostic('Data 0000052E')).toBe('wrong password (or unknown user)');
  });

  it.each([
    '',
    'invalid credentials',
    'BindSimple: Transport encryption required.',
    '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, v1db1',
    samba('0'),
    samba('52f'),
    samba('1330'),
    'metadata 52e',
    'data 52ez',
    'data52e',
  ])('gives undefined without a data code it knows: %j', (diagnostic) => {
    expect(explainAdBindDiagnostic(diagnostic)).toBeUndefined();
  });
});
