import {
  InvalidCredentialsError,
  UnknownStatusCodeError,
  StrongAuthRequiredError,
  UnwillingToPerformError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import { refusedBind, serverDiagnostic } from '../../../src/sources/ldap/bind-verdict.js';

const AD_52E = '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1';

describe('bind verdicts', () => {
  it("keeps the server's diagnostic exactly, without ldapts's code suffix", () => {
    expect(refusedBind(new InvalidCredentialsError(AD_52E))).toEqual({
      ok: false,
      code: 'invalidCredentials',
      diagnostic: AD_52E,
    });
  });

  it('names the result code the server sent', () => {
    expect(refusedBind(new StrongAuthRequiredError('BindSimple: Transport encryption required.'))).toEqual({
      ok: false,
      code: 'strongerAuthRequired',
      diagnostic: 'BindSimple: Transport encryption required.',
    });
    expect(refusedBind(new UnwillingToPerformError('no'))).toMatchObject({ code: 'unwillingToPerform' });
    expect(refusedBind(new UnknownStatusCodeError(80, 'odd'))).toEqual({
      ok: false,
      code: 'other',
      diagnostic: 'odd',
    });
  });

  it("passes on no text when the server sent none (ldapts's stand-in is not the server's)", () => {
    expect(serverDiagnostic(new InvalidCredentialsError())).toBe('');
    expect(serverDiagnostic(new InvalidCredentialsError(''))).toBe('');
  });
});
