/**
 * Whose mailbox a request works in. With an ExchangeImpersonation header, the caller needs the
 * ApplicationImpersonation role (an app-only token: full_access_as_app), else ErrorImpersonateUserDenied;
 * an address without a mailbox is ErrorNonExistentMailbox. Without the header, a user works in their
 * own mailbox, and an app-only token is refused (Exchange Online requires the header for it). All
 * three come back as SOAP faults.
 */
import { ewsErrors, type EwsError } from '../soap/ews-errors.js';
import type { ConnectingSid } from '../soap/soap-request.js';
import type { Accounts, Principal } from './accounts.js';

export interface ActingAs {
  /** Primary SMTP address of the mailbox distinguished folder ids resolve in; none for a mailbox-less account. */
  readonly mailbox: string | undefined;
  readonly impersonated: string | undefined;
}

export function actingAs(
  principal: Principal,
  sid: ConnectingSid | undefined,
  accounts: Accounts,
  mailboxExists: (smtp: string) => boolean,
): ActingAs | EwsError {
  if (sid === undefined) {
    if (principal.kind === 'application') return ewsErrors.impersonationHeaderRequired();
    return { mailbox: principal.mailbox, impersonated: undefined };
  }
  if (!principal.impersonation) return ewsErrors.impersonateUserDenied();
  const smtp =
    sid.kind === 'PrincipalName'
      ? accounts.byUpn(sid.value)?.mailbox
      : sid.kind === 'SID'
        ? undefined
        : sid.value;
  if (smtp === undefined || !mailboxExists(smtp)) return ewsErrors.nonExistentMailbox();
  return { mailbox: smtp.toLowerCase(), impersonated: smtp.toLowerCase() };
}
