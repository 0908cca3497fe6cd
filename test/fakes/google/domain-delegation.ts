/**
 * Domain-wide delegation as an admin configures it in the Admin console (Security > API controls
 * > Domain-wide delegation): per numeric client id, the scopes it may request for any user.
 */
export type DelegationVerdict = 'granted' | 'none' | 'partial';

export class DomainDelegation {
  private readonly grants = new Map<string, ReadonlySet<string>>();

  /** Replace the scopes a client id may use; an empty list removes the client. */
  set(clientId: string, scopes: readonly string[]): void {
    if (scopes.length === 0) this.grants.delete(clientId);
    else this.grants.set(clientId, new Set(scopes));
  }

  scopes(clientId: string): readonly string[] {
    return [...(this.grants.get(clientId) ?? [])];
  }

  /** Google refuses outright when none of the scopes is delegated, differently when some are. */
  judge(clientId: string, requested: readonly string[]): DelegationVerdict {
    const granted = this.grants.get(clientId);
    if (granted === undefined) return 'none';
    const covered = requested.filter((scope) => granted.has(scope)).length;
    if (covered === requested.length) return 'granted';
    return covered === 0 ? 'none' : 'partial';
  }
}
