/**
 * Who a connection is bound as: anonymous, a local service account from config, or a user who
 * signed on through a source (a delegated bind that the backend accepted).
 */
interface BoundAs {
  /** The name the client bound with, as it sent it; empty for anonymous. */
  readonly bindName: string;
  /** What Who am I? answers (RFC 4532): empty for anonymous, else `dn:...` or `u:...`. */
  readonly authzId: string;
}

export interface AnonymousIdentity extends BoundAs {
  readonly kind: 'anonymous';
}

export interface AccountIdentity extends BoundAs {
  readonly kind: 'account';
  /** The account's name as config spells it (`access.accounts[].name`). */
  readonly account: string;
}

export interface UserIdentity extends BoundAs {
  readonly kind: 'user';
  /** The source (mount) that accepted the password. */
  readonly source: string;
}

export type Identity = AnonymousIdentity | AccountIdentity | UserIdentity;

export const ANONYMOUS: Identity = { kind: 'anonymous', bindName: '', authzId: '' };

export function isAnonymous(identity: Identity): identity is AnonymousIdentity {
  return identity.kind === 'anonymous';
}
