/**
 * Decides simple binds (DESIGN.md "Binds"). An empty name with an empty password is the anonymous
 * bind. A name with an empty password is an unauthenticated bind (RFC 4513 5.1.2), refused without
 * asking anyone, because AD would answer it with success. A name nobody owns is refused too.
 */
import { ANONYMOUS, type Identity } from './identity.js';

export type BindOutcome =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly code: 'invalidCredentials'; readonly diagnostic: string };

export class Authenticator {
  bind(name: string, password: Uint8Array): Promise<BindOutcome> {
    if (name === '' && password.length === 0) return Promise.resolve({ ok: true, identity: ANONYMOUS });
    if (password.length === 0) {
      return Promise.resolve(refuse('unauthenticated bind (name without password) refused'));
    }
    if (name === '') return Promise.resolve(refuse('a password without a name is not a bind'));
    return Promise.resolve(refuse('invalid credentials'));
  }
}

function refuse(diagnostic: string): BindOutcome {
  return { ok: false, code: 'invalidCredentials', diagnostic };
}
