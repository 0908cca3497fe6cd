/**
 * HTTP Basic: `Authorization: Basic base64(utf8("user:password"))`, the name in any form the account
 * signs in with. ews-javascript-api encodes non-ASCII passwords as UTF-8 (verified), which is what
 * IIS expects.
 */
import { principalOf, type Accounts, type Principal } from './accounts.js';

export function basicPrincipal(credentials: string, accounts: Accounts): Principal | undefined {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const account = accounts.bySignInName(decoded.slice(0, colon));
  if (account === undefined || account.password !== decoded.slice(colon + 1)) return undefined;
  return principalOf(account);
}
