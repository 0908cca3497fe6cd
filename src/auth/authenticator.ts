/**
 * Decides simple binds (DESIGN.md "Binds"). An empty name with an empty password is the anonymous
 * bind. A name with an empty password is an unauthenticated bind (RFC 4513 5.1.2), refused without
 * asking anyone, because AD would answer it with success. A password over plain LDAP is refused
 * unless the client's address is trusted. Local accounts come first; any other name goes to the
 * source that owns it (sign-on.ts), whose verdict is passed on as it is.
 *
 * A name nobody owns is refused like a wrong password, after the same work, under the same
 * throttle, with the same answer, so that neither the timing, the server's CPU, the throttle nor the
 * answer tells which names exist, and guessing names is no faster than guessing passwords:
 * - a source that looked the name up (Domino searches for it) gives a decoy login, and the password
 *   is bound as it: the backend refuses it as it refuses a wrong password (sign-on.ts);
 * - every refused password costs one scrypt at an account's cost: an account's own hash, or else a
 *   decoy hash. So a name nobody owns costs what a local account's wrong password costs, and a
 *   password a backend refused costs the same again, which keeps a source's names (a lookup, a bind,
 *   a scrypt) from standing out against local accounts' (a scrypt) when both sign on.
 *
 * Those scrypts take their turns in a bounded queue (scrypt-queue.ts), so a flood of binds cannot
 * take every thread of libuv's pool. A bind that finds no place is answered busy (51) before any
 * password is checked, whatever its name, and counted as a failure like a wrong password, so the
 * answer tells nothing about the password, and flooding the queue buys no uncounted guesses.
 */
import type { AccessConfig } from '../config/types.js';
import type { AuthFailure } from '../sources/source.js';
import { cancellableOf, type Cancellable } from './cancellable.js';
import { ANONYMOUS, type Identity } from './identity.js';
import { LocalAccounts, type LocalAccount, type PasswordVerifier } from './local-accounts.js';
import { accountKey, nameKey } from './login-key.js';
import { ScryptQueue, type ScryptLimits, type ScryptPlace } from './scrypt-queue.js';
import type { SharedTurns } from './shared-turns.js';
import { Throttle, addressKey, type BindAttempt, type BindThrottle } from './throttle.js';
import type { Decoy, SignOn } from './sign-on.js';
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
  /**
   * The failures counted so far (a config reload that left `access.throttle` as it was keeps them, so
   * a reload does not forgive a guesser); absent: a new throttle from `access.throttle`.
   */
  readonly throttle?: BindThrottle;
  /** Where a new throttle counts binds under way when listener threads give turns too (SharedTurns). */
  readonly turns?: SharedTurns;
  /** The throttle's clock; tests pass a fake one. */
  readonly now?: () => number;
  /** Waits `ms`, or less when `signal` aborts; tests pass a fake one. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Checks a password against a scrypt hash; tests pass one that records what it is asked. */
  readonly verifier?: PasswordVerifier;
  /** How many scrypt computations run at once, and wait (scrypt-queue.ts); tests pass small ones. */
  readonly scrypt?: ScryptLimits;
}

/** What checking a password found, before the throttle's delay is added. */
type Verdict =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly code: AuthFailure; readonly diagnostic: string };

export const PLAINTEXT_REFUSED =
  'a password needs an encrypted connection: use LDAPS or StartTLS (or trust this client in access.trustedAddresses)';

const INVALID = 'invalid credentials';
const WRONG_PASSWORD: Verdict = { ok: false, code: 'invalidCredentials', diagnostic: INVALID };

export const SCRYPT_BUSY = 'too many binds are being checked at once: try again in a moment';
/** No place in the scrypt queue (scrypt-queue.ts): RFC 4511's busy, which clients may retry. */
const BUSY: Verdict = { ok: false, code: 'busy', diagnostic: SCRYPT_BUSY };

/** Takes the bind's place in the scrypt queue (the same one when asked again); undefined when full. */
type Reserve = () => ScryptPlace | undefined;

export class Authenticator {
  readonly #accounts: LocalAccounts;
  readonly #trusted: TrustedAddresses;
  readonly #throttle: BindThrottle;
  readonly #turns: SharedTurns | undefined;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #signOn: SignOn | undefined;
  readonly #scrypt: ScryptQueue;

  constructor(options: AuthenticatorOptions) {
    this.#signOn = options.signOn;
    this.#scrypt = new ScryptQueue(options.scrypt);
    const { access, suffix } = options;
    this.#accounts = new LocalAccounts(access.accounts, suffix, options.verifier);
    this.#trusted = new TrustedAddresses(access.trustedAddresses, access.trustLoopback);
    this.#turns = options.turns;
    this.#throttle = options.throttle ?? new Throttle(access.throttle, options.now, options.turns);
    this.#sleep = options.sleep ?? sleep;
  }

  /** The failures counted, for the authenticator a reload builds (see AuthenticatorOptions.throttle). */
  get throttle(): BindThrottle {
    return this.#throttle;
  }

  /** Where binds under way are counted across threads, for the authenticator a reload builds. */
  get turns(): SharedTurns | undefined {
    return this.#turns;
  }

  /** `cancelledBy`: the session's cancellation (its signal is made only if a bind has to wait), or a signal. */
  async bind(request: SimpleBind, cancelledBy: Cancellable | AbortSignal): Promise<BindOutcome> {
    const cancel = cancellableOf(cancelledBy);
    const { name, password } = request;
    if (name === '' && password.length === 0) return { ok: true, identity: ANONYMOUS, delayedMs: 0 };
    if (password.length === 0) return refuse('unauthenticated bind (name without password) refused');
    if (name === '') return refuse('a password without a name is not a bind');
    const trusted = this.#trusted.has(request.remoteAddress);
    if (!request.secure && !trusted) return refuse(PLAINTEXT_REFUSED, 0, 'strongerAuthRequired');
    const account = this.#accounts.find(name);
    if (account) {
      return this.#throttled(chargeTo(accountKey(account.name), request, trusted), cancel, (reserve) =>
        this.#checkAccount(account, request, reserve, cancel),
      );
    }
    if (this.#signOn?.enabled) return this.#delegate(request, trusted, cancel);
    return this.#refuseUnowned(request, this.#nameKey(name), trusted, undefined, cancel);
  }

  /**
   * An account's password: a right one checked a few minutes ago is known without scrypt (phones
   * bind before every lookup), any other costs a scrypt in its turn.
   */
  async #checkAccount(
    account: LocalAccount,
    request: SimpleBind,
    reserve: Reserve,
    cancel: Cancellable,
  ): Promise<Verdict> {
    const { password } = request;
    if (!this.#accounts.remembers(account, password)) {
      const place = reserve();
      if (!place) return BUSY;
      // The same password being checked for the account already (phones reconnecting at once): joined.
      const right = await (this.#accounts.underWay(account, password) ??
        place.run(() => this.#accounts.verify(account, password), cancel.signal));
      // `undefined`: gone while queued, unchecked, and counted as a client gone during its delay is.
      if (right !== true) return WRONG_PASSWORD;
    }
    return { ok: true, identity: accountIdentity(account, request.name) };
  }

  /**
   * A bind for a name that is no local account's: the source that owns it decides. It is counted
   * under the key its form gives it (login-key.ts), decided before and apart from what any lookup
   * finds, so that the throttle treats it alike whether or not anyone has it.
   */
  async #delegate(request: SimpleBind, trusted: boolean, cancel: Cancellable): Promise<BindOutcome> {
    const signOn = this.#signOn!;
    const { signal } = cancel;
    let login: string;
    try {
      login = (await signOn.loginKey(request.name, signal)) ?? this.#nameKey(request.name);
    } catch (error) {
      signal.throwIfAborted();
      return refuse(error instanceof Error ? error.message : String(error), 0, 'unavailable');
    }
    const ownership = await signOn.owner(request.name, signal);
    if (ownership.kind === 'unknown') return refuse(ownership.diagnostic, 0, 'unavailable');
    if (ownership.kind === 'unowned') {
      return this.#refuseUnowned(request, login, trusted, ownership.decoy, cancel);
    }
    return this.#throttled(chargeTo(login, request, trusted), cancel, async (reserve) => {
      // The place for the scrypt a refusal costs is taken before the backend is asked: a bind that
      // would have to be answered busy afterwards is not sent at all.
      const place = reserve();
      if (!place) return BUSY;
      const result = await signOn.verify(ownership, utf8(request.password), signal);
      if (!result.ok) return this.#withDecoyScrypt(result, login, request.password, place, signal);
      const identity: Identity = {
        kind: 'user',
        bindName: request.name,
        authzId: result.authzId ?? `u:${request.name}`,
        source: ownership.owner.mount,
      };
      return { ok: true, identity };
    });
  }

  /**
   * A name nobody owns: counted under its login key, as a name someone owns would be (and the
   * client's address, unless trusted, as every bind is), and refused only after its password was
   * checked against the decoys, so it costs and answers what a wrong password for a real name does:
   * the decoy bind of a source that looked the name up (answered with the backend's own refusal),
   * and the decoy scrypt.
   */
  #refuseUnowned(
    request: SimpleBind,
    login: string,
    trusted: boolean,
    decoy: Decoy | undefined,
    cancel: Cancellable,
  ): Promise<BindOutcome> {
    return this.#throttled(chargeTo(login, request, trusted), cancel, async (reserve) => {
      const place = reserve();
      if (!place) return BUSY;
      const verdict = decoy
        ? await this.#signOn!.verifyDecoy(decoy, utf8(request.password), cancel.signal)
        : WRONG_PASSWORD;
      return this.#withDecoyScrypt(verdict, login, request.password, place, cancel.signal);
    });
  }

  /** The key of a name no source claims by its form (login-key.ts). */
  #nameKey(name: string): string {
    return nameKey(name, this.#accounts.nameOf(name));
  }

  /**
   * A password refused other than by an account's own hash costs the decoy scrypt (see above), in
   * its place in the queue, or joins the one under way for the same login and password, as an
   * account's check does. A client gone before its turn costs none: nobody reads the answer.
   */
  async #withDecoyScrypt<V extends Verdict>(
    verdict: V,
    login: string,
    password: Uint8Array,
    place: ScryptPlace,
    signal: AbortSignal,
  ): Promise<V> {
    if (!verdict.ok && verdict.code === 'invalidCredentials') {
      await (this.#accounts.decoyUnderWay(login, password) ??
        place.run(() => this.#accounts.verifyDecoy(login, password), signal));
    }
    return verdict;
  }

  /**
   * Checks a password in its turn (throttle.ts): waits for the turn and the delay, checks, and
   * reports the outcome so that the next binds for the login see it.
   */
  async #throttled(
    attempt: BindAttempt,
    cancel: Cancellable,
    check: (reserve: Reserve) => Promise<Verdict>,
  ): Promise<BindOutcome> {
    const admission = await this.#throttle.admit(attempt, cancel);
    // Gone before its turn came: nothing was tried, nothing is counted, and nobody reads the answer.
    if (!admission) return refuse(INVALID);
    const { delayMs } = admission;
    if (delayMs > 0) await this.#sleep(delayMs, cancel.signal);
    // Gone while waiting: the password is not checked, so a client cannot cut the delay short.
    if (cancel.aborted) {
      admission.failed();
      return refuse(INVALID, delayMs);
    }
    let place: ScryptPlace | undefined;
    const reserve: Reserve = () => (place ??= this.#scrypt.reserve(attempt.trusted ?? false));
    let verdict: Verdict;
    try {
      verdict = await check(reserve);
    } catch (error) {
      admission.released();
      throw error;
    } finally {
      place?.release();
    }
    if (verdict.ok) admission.succeeded();
    // A refused password counts, and so does busy: uncounted, a full queue would let guesses
    // through free (a remembered right password is still accepted without a place).
    else if (verdict.code === 'invalidCredentials' || verdict === BUSY) admission.failed();
    // A backend that is down (or busy itself) says nothing about the guess.
    else admission.released();
    return { ...verdict, delayedMs: delayMs };
  }
}

/**
 * What a bind is charged to: its login, and the client's address unless it is trusted. Every bind
 * from an untrusted address is charged to the address, whoever owns its name: were only names
 * nobody owns counted there, an attacker could push the address past `addressFailures` with made-up
 * names and then tell real names by their fast answers. Trusted addresses (the PBX, which makes
 * every user's sign-on) are never counted, so one mistyping user does not slow everyone.
 */
function chargeTo(login: string, request: SimpleBind, trusted: boolean): BindAttempt {
  return { login, trusted, ...(trusted ? {} : { address: addressKey(request.remoteAddress) }) };
}

function accountIdentity(account: LocalAccount, bindName: string): Identity {
  return { kind: 'account', bindName, authzId: `dn:${account.dn}`, account: account.name };
}

function utf8(password: Uint8Array): string {
  return Buffer.from(password).toString('utf8');
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
