/**
 * The Active Directory accounts the fake knows, and who a request acts as once authenticated. An
 * account signs in as `DOMAIN\user`, `user@upn-suffix` or the bare `user` (IIS's default domain);
 * OAuth tokens map to a user or to an application (app-only, Exchange Online's client credentials).
 */
export interface Account {
  /** NetBIOS domain, e.g. CONTOSO. */
  readonly domain: string;
  /** sAMAccountName, e.g. alice. */
  readonly user: string;
  readonly upn: string;
  readonly password: string;
  /** Primary SMTP address of the account's own mailbox, if it has one (a service account may not). */
  readonly mailbox?: string;
  /** Holds the ApplicationImpersonation RBAC role. */
  readonly impersonation?: boolean;
  /** Mailboxes it has FullAccess to (delegate access through a Mailbox in DistinguishedFolderId). */
  readonly fullAccess?: readonly string[];
}

/** Who a request runs as. */
export interface Principal {
  readonly kind: 'user' | 'application';
  readonly name: string;
  readonly mailbox: string | undefined;
  readonly impersonation: boolean;
  readonly fullAccess: readonly string[];
}

export function principalOf(account: Account): Principal {
  return {
    kind: 'user',
    name: `${account.domain}\\${account.user}`,
    mailbox: account.mailbox?.toLowerCase(),
    impersonation: account.impersonation ?? false,
    fullAccess: (account.fullAccess ?? []).map((smtp) => smtp.toLowerCase()),
  };
}

export class Accounts {
  private readonly accounts: Account[] = [];

  add(account: Account): void {
    this.accounts.push(account);
  }

  /** The account a Basic sign-in name names: `DOMAIN\user`, a UPN, or a bare user name. */
  bySignInName(name: string): Account | undefined {
    const backslash = name.indexOf('\\');
    if (backslash >= 0) return this.byDomainUser(name.slice(0, backslash), name.slice(backslash + 1));
    if (name.includes('@')) return this.accounts.find((account) => equal(account.upn, name));
    return this.accounts.find((account) => equal(account.user, name));
  }

  /** The account an NTLM type 3 message names (the domain may be empty when the user is a UPN). */
  byDomainUser(domain: string, user: string): Account | undefined {
    if (user.includes('@') && domain === '') return this.accounts.find((account) => equal(account.upn, user));
    return this.accounts.find(
      (account) => equal(account.user, user) && (domain === '' || equal(account.domain, domain)),
    );
  }

  byUpn(upn: string): Account | undefined {
    return this.accounts.find((account) => equal(account.upn, upn));
  }
}

function equal(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
