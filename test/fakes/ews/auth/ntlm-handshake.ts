/**
 * NTLM is connection-based, as IIS does it: the NEGOTIATE arrives (ews-javascript-api sends it on a
 * GET with keep-alive), the CHALLENGE goes back in a 401, and the AUTHENTICATE must come on the same
 * socket, checked against the challenge issued there. A socket that authenticated stays
 * authenticated for later requests without an Authorization header. `Negotiate` carrying raw NTLMSSP
 * (what a client without Kerberos sends) is handled the same way.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { principalOf, type Accounts, type Principal } from './accounts.js';
import { challengeMessage, messageType, readAuthenticate, type ChallengeTarget } from './ntlm-messages.js';
import { verifyNtlmV2 } from './ntlm-verify.js';

export type NtlmOutcome =
  | { readonly kind: 'challenge'; readonly wwwAuthenticate: string }
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  | { readonly kind: 'rejected' };

export class NtlmHandshakes {
  private readonly challenges = new WeakMap<Socket, Buffer>();
  private readonly signedIn = new WeakMap<Socket, Principal>();

  constructor(
    private readonly accounts: Accounts,
    private readonly target: ChallengeTarget,
  ) {}

  handle(socket: Socket, scheme: 'NTLM' | 'Negotiate', token: string): NtlmOutcome {
    const message = Buffer.from(token, 'base64');
    const type = messageType(message);
    if (type === 1) {
      const serverChallenge = randomBytes(8);
      this.challenges.set(socket, serverChallenge);
      this.signedIn.delete(socket);
      return {
        kind: 'challenge',
        wwwAuthenticate: `${scheme} ${challengeMessage(serverChallenge, this.target).toString('base64')}`,
      };
    }
    if (type === 3) return this.authenticate(socket, message);
    return { kind: 'rejected' };
  }

  /** The principal a socket signed in as earlier, if any. */
  connectionPrincipal(socket: Socket): Principal | undefined {
    return this.signedIn.get(socket);
  }

  private authenticate(socket: Socket, message: Buffer): NtlmOutcome {
    const serverChallenge = this.challenges.get(socket);
    this.challenges.delete(socket);
    const authenticate = readAuthenticate(message);
    if (serverChallenge === undefined || authenticate === undefined) return { kind: 'rejected' };
    const account = this.accounts.byDomainUser(authenticate.domain, authenticate.user);
    if (account === undefined) return { kind: 'rejected' };
    const valid = verifyNtlmV2(
      authenticate.ntResponse,
      serverChallenge,
      authenticate.user,
      authenticate.domain,
      account.password,
    );
    if (!valid) return { kind: 'rejected' };
    const principal = principalOf(account);
    this.signedIn.set(socket, principal);
    return { kind: 'authenticated', principal };
  }
}
