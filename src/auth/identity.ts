/**
 * Who a connection is bound as. Anonymous for now; local service accounts and users signed on
 * through a source come with later issues and add what they need here.
 */
export interface Identity {
  /** The name the client bound with; empty for anonymous. */
  readonly bindName: string;
  /** What Who am I? answers (RFC 4532): empty for anonymous, else `dn:...` or `u:...`. */
  readonly authzId: string;
}

export const ANONYMOUS: Identity = { bindName: '', authzId: '' };

export function isAnonymous(identity: Identity): boolean {
  return identity.bindName === '';
}
