/**
 * Who a connection is bound as: anonymous, or a local service account from config. Users signed on
 * through a source come with delegated binds and add their kind here.
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

export type Identity = AnonymousIdentity | AccountIdentity;

export const ANONYMOUS: Identity = { kind: 'anonymous', bindName: '', authzId: '' };

export function isAnonymous(identity: Identity): identity is AnonymousIdentity {
  return identity.kind === 'anonymous';
}
