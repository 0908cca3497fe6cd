/**
 * Who may read cn=Monitor: service accounts, never anonymous binds, whatever `access.anonymous` says.
 * The monitor names every source and its last error, which tells an outsider what the directory
 * fronts and where it is weak. Its own file, so that finer rules (a monitoring role in an account's
 * config) change one decision.
 */
import { isAnonymous, type Identity } from './identity.js';

export function mayReadMonitor(identity: Identity): boolean {
  return !isAnonymous(identity);
}
