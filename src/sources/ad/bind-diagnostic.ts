/**
 * Active Directory's bind diagnostics in plain words. AD refuses every failed simple bind with the same
 * result code (49) and puts the reason in the diagnostic as a Win32 error code in hex:
 * `80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e, v3839`.
 * Only the `data` code is read: the DSID and the version tail differ between AD and Samba releases.
 */

/** Win32 error codes AD reports for sign-on failures. */
const REASONS: ReadonlyMap<number, string> = new Map([
  // AD answers an unknown user with 52e too, so as not to tell which names exist.
  [0x52e, 'wrong password (or unknown user)'],
  [0x525, 'user not found'],
  [0x530, 'not permitted to log on at this time'],
  [0x531, 'not permitted to log on at this workstation'],
  [0x532, 'password expired'],
  [0x533, 'account disabled'],
  [0x568, 'too many security IDs'],
  [0x701, 'account expired'],
  [0x773, 'must change password'],
  [0x775, 'account locked out'],
]);

const DATA_CODE = /\bdata\s+([0-9a-f]{1,8})\b/i;

/** What an AD bind diagnostic's `data XXX` code means, or undefined when it has none this knows. */
export function explainAdBindDiagnostic(diagnostic: string): string | undefined {
  const hex = DATA_CODE.exec(diagnostic)?.[1];
  return hex === undefined ? undefined : REASONS.get(parseInt(hex, 16));
}
