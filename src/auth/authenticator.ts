/**
 * Decides simple binds (DESIGN.md "Binds"). An empty name with an empty password is the anonymous
 * bind. A name with an empty password is an unauthenticated bind (RFC 4513 5.1.2), refused without
 * asking anyone, because AD would answer it with success. A password over plain LDAP is refused
 * unless the client's address is trusted. Local accounts come first; any other name goes to the
 * source that owns it (sign-on.ts), whose verdict is passed on as it is. A name nobody owns is
 * refused too, after the throttle's delay like any other failure, so guessing names is no faster
 * than guessing passwords.
 */
import type { AccessConfig } from '../config/types.js';
import type { AuthFailure } from '../sources/source.js';
import { ANONYMOUS, type Identity } from './identity.js';
import { LocalAccounts, type LocalAccount } from './local-accounts.js';
import { Throttle, addressKey, type BindAttempt } from './throttle.js';
import type { SignOn, Ownership } from './sign-on.js';
import { TrustedAddresses } from './trusted-addresses.js';

export type BindOutcome =
  | { readonly ok: true; readonly identity: Identity; readonly delayedMs: number }
  | {
      readonly ok: false;
      readonly code: AuthFailure;
      readonly diagnostic: string;
      /** How long the answer was held back by the throttle. */
      readonly delayedMs: number;
    };

export interface SimpleBind {
  readonly name: string;
  readonly password: Uint8Array;
  /** The client's address (no port). */
  readonly remoteAddress: string;
  /** Whether the connection is protected by TLS. */
  readonly secure: boolean;
}

export interface AuthenticatorOptions {
  readonly access: AccessConfig;
  readonly suffix: string;
  /** Sources users sign on through; absent: local accounts only. */
  readonly signOn?: SignOn;
  /** The throttle's clock; tests pass a fake one. */
  readonly now?: () => number;
  /** Waits `ms`, or less when `signal` aborts; tests pass a fake one. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const PLAINTEXT_REFUSED =
  'a password needs an encrypted connection: use LDAPS or StartTLS (or trust this client in access.trustedAddresses)';

const INVALID = 'invalid credentials';

export class Authenticator {
  readonly #accounts: LocalAccounts;
  readonly #trusted: TrustedAddresses;
  readonly #throttle: Throttle;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #signOn: SignOn | undefined;

  constructor(options: AuthenticatorOptions) {
    this.#signOn = options.signOn;
    const { access, suffix } = options;
    this.#accounts = new LocalAccounts(access.accounts, suffix);
    this.#trusted = new TrustedAddresses(access.trustedAddresses, access.trustLoopback);
    this.#throttle = new Throttle(access.throttle, options.now);
    this.#sleep = options.sleep ?? sleep;
  }

  async bind(request: SimpleBind, signal: AbortSignal): Promise<BindOutcome> {
    const { name, password } = request;
    if (name === '' && password.length === 0) return { ok: true, identity: ANONYMOUS, delayedMs: 0 };
    if (password.length === 0) return refuse('unauthenticated bind (name without password) refused');
    if (name === '') return refuse('a password without a name is not a bind');
    const trusted = this.#trusted.has(request.remoteAddress);
    if (!request.secure && !trusted) return refuse(PLAINTEXT_REFUSED, 0, 'strongerAuthRequired');
    const account = this.#accounts.find(name);
    if (!account && this.#signOn?.enabled) return this.#delegate(request, trusted, signal);
    const attempt = attemptOf(account, trusted ? undefined : request.remoteAddress);
    const delayedMs = await this.#hold(attempt, signal);
    // Gone while waiting: the password is not checked, so a client cannot cut the delay short.
    if (signal.aborted || !account || !(await this.#accounts.verify(account, password))) {
      this.#throttle.failed(attempt);
      return refuse(INVALID, delayedMs);
    }
    this.#throttle.succeeded(loginKey(account));
    return { ok: true, identity: accountIdentity(account, name), delayedMs };
  }

  /** A bind for a name that is no local account's: the source that owns it decides. */
  async #delegate(request: SimpleBind, trusted: boolean, signal: AbortSignal): Promise<BindOutcome> {
    const signOn = this.#signOn!;
    const ownership = await signOn.owner(request.name, signal);
    if (ownership.kind === 'unknown') return refuse(ownership.diagnostic, 0, 'unavailable');
    const attempt: BindAttempt =
      ownership.kind === 'owned'
        ? { login: sourceLoginKey(ownership) }
        : trusted
          ? {}
          : { address: addressKey(request.remoteAddress) };
    const delayedMs = await this.#hold(attempt, signal);
    if (signal.aborted || ownership.kind !== 'owned') {
      this.#throttle.failed(attempt);
      return refuse(INVALID, delayedMs);
    }
    const password = Buffer.from(request.password).toString('utf8');
    const result = await signOn.verify(ownership, password, signal);
    if (!result.ok) {
      // Only a refused password counts: a backend that is down says nothing about the guess.
      if (result.code === 'invalidCredentials') this.#throttle.failed(attempt);
      return { ok: false, code: result.code, diagnostic: result.diagnostic, delayedMs };
    }
    this.#throttle.succeeded(attempt.login!);
    const identity: Identity = {
      kind: 'user',
      bindName: request.name,
      authzId: result.authzId ?? `u:${request.name}`,
      source: ownership.owner.mount,
    };
    return { ok: true, identity, delayedMs };
  }

  async #hold(attempt: BindAttempt, signal: AbortSignal): Promise<number> {
    const delayedMs = this.#throttle.delayFor(attempt);
    if (delayedMs > 0) await this.#sleep(delayedMs, signal);
    return delayedMs;
  }
}

/** A login someone owns is counted by login; a name nobody owns, by (untrusted) client address. */
function attemptOf(account: LocalAccount | undefined, untrustedAddress: string | undefined): BindAttempt {
  if (account) return { login: loginKey(account) };
  return untrustedAddress === undefined ? {} : { address: addressKey(untrustedAddress) };
}

/** Prefixed, so that logins of sources that sign on can share the table without colliding. */
function loginKey(account: LocalAccount): string {
  return `account:${account.name.toLowerCase()}`;
}

/** The source's login, as the source names the account it will ask its backend about. */
function sourceLoginKey(ownership: Extract<Ownership, { kind: 'owned' }>): string {
  return `source:${ownership.owner.mount.toLowerCase()}:${ownership.login.account.toLowerCase()}`;
}

function accountIdentity(account: LocalAccount, bindName: string): Identity {
  return { kind: 'account', bindName, authzId: `dn:${account.dn}`, account: account.name };
}

function refuse(diagnostic: string, delayedMs = 0, code: AuthFailure = 'invalidCredentials'): BindOutcome {
  return { ok: false, code, diagnostic, delayedMs };
}

/** A timer that ends early, without throwing, when the connection goes away. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
