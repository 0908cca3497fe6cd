/**
 * Local service accounts from config (`access.accounts`), for the PBX and the phones: found by the
 * plain name (`pbx`, any case) or by the DN `cn=<name>,<suffix>` (any case or spacing), and checked
 * against their scrypt hash. A name no account has is checked against a decoy hash with the same
 * cost, so that a bind's timing does not tell which names are accounts.
 */
import { createHash, hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { parsePasswordHash, type ScryptHash } from '../access/password-hash-format.js';
import type { AccountConfig } from '../config/types.js';
import { DnSyntaxError, formatDn, parseDn } from '../dn/distinguished-name.js';
import { normalizeRdns } from '../schema/normalized-dn.js';
import { decoyHash, verifyPassword } from './password-hash.js';

export interface LocalAccount {
  /** As config spells it. */
  readonly name: string;
  /** `cn=<name>,<suffix>`: what Who am I? answers after `dn:`. */
  readonly dn: string;
  readonly hash: ScryptHash;
}

/** Checks a password against a hash (scrypt); tests pass one that records what it is asked. */
export type PasswordVerifier = (password: Uint8Array, hash: ScryptHash) => Promise<boolean>;

/** How long a verified password is remembered. */
const VERIFIED_TTL_MS = 5 * 60_000;

/** RDN types that name an account: `cn`, its long name and its OID (a DN may use any of them). */
const CN_TYPES = new Set(['cn', 'commonname', '2.5.4.3']);

export class LocalAccounts {
  /** Lower-cased name -> account (bind names compare without regard to case). */
  readonly #byName = new Map<string, LocalAccount>();
  readonly #suffixNorm: string;
  readonly #memoKey = randomBytes(32);
  readonly #verified = new LRUCache<string, true>({ max: 4096, ttl: VERIFIED_TTL_MS });
  /**
   * Checks under way, by memo key, for accounts and for decoys apart: binds of one name and
   * password at once (a hundred phones reconnecting after a restart) share one scrypt. Each still
   * takes its turn and has its outcome counted; only the computation is shared. Decoys share alike,
   * so that a made-up name answers a burst of one password when a real name with a wrong one does.
   */
  readonly #underWay = new Map<string, Promise<boolean>>();
  readonly #decoysUnderWay = new Map<string, Promise<boolean>>();
  /** What a name without an account is checked against: the first account's cost, or the default. */
  readonly #decoy: ScryptHash;

  /** Throws PasswordHashError for a bad hash; the config loader has reported those already. */
  constructor(
    accounts: readonly AccountConfig[],
    suffix: string,
    private readonly verifier: PasswordVerifier = verifyPassword,
  ) {
    const suffixRdns = parseDn(suffix);
    this.#suffixNorm = formatDn(normalizeRdns(suffixRdns));
    for (const account of accounts) {
      this.#byName.set(account.name.toLowerCase(), {
        name: account.name,
        dn: formatDn([[{ type: 'cn', value: account.name }], ...suffixRdns]),
        hash: parsePasswordHash(account.passwordHash),
      });
    }
    this.#decoy = decoyHash(this.#byName.values().next().value?.hash);
  }

  /** The account a bind name means, if any: `pbx`, `PBX`, `cn=pbx,dc=…` or `CN=PBX, DC=…`. */
  find(bindName: string): LocalAccount | undefined {
    const name = this.nameOf(bindName);
    return name === undefined ? undefined : this.#byName.get(name);
  }

  /**
   * The account name a bind name would mean, lower-cased, whether or not such an account exists
   * (`pbx` for `PBX` and `cn=pbx,<suffix>`); undefined for any other DN.
   */
  nameOf(bindName: string): string | undefined {
    const name = bindName.includes('=') ? this.#nameInDn(bindName) : bindName;
    return name?.toLowerCase();
  }

  /**
   * Whether the password is the account's. A right password is remembered for a few minutes, so a
   * fleet of phones that binds before every lookup does not pay scrypt's deliberate cost each time;
   * a wrong one pays it each time it is asked, except that asks of one password at once share one
   * check (`underWay`). The memo is keyed by a keyed hash (SHA-256 under a key made at start-up), so
   * it holds neither passwords nor anything that could be checked offline against them.
   */
  verify(account: LocalAccount, password: Uint8Array): Promise<boolean> {
    const key = this.#memoKeyOf(account.name, password);
    if (this.#verified.has(key)) return Promise.resolve(true);
    return shared(this.#underWay, key, async () => {
      const ok = await this.verifier(password, account.hash);
      if (ok) this.#verified.set(key, true);
      return ok;
    });
  }

  /** Whether `verify` would answer from memory (a right password checked a few minutes ago). */
  remembers(account: LocalAccount, password: Uint8Array): boolean {
    return this.#verified.has(this.#memoKeyOf(account.name, password));
  }

  /** The check of this password for the account under way, if one is: a bind joins it, no scrypt of its own. */
  underWay(account: LocalAccount, password: Uint8Array): Promise<boolean> | undefined {
    return this.#underWay.get(this.#memoKeyOf(account.name, password));
  }

  /**
   * Checks the password of a bind name no account has against the decoy hash: the scrypt work a
   * wrong password for an account costs, so the two cannot be told apart by their timing (or by
   * the server's CPU). `login`: the name as the throttle counts it (one for every spelling of it),
   * so that its checks are shared as an account's are. Never true.
   */
  async verifyDecoy(login: string, password: Uint8Array): Promise<false> {
    await shared(this.#decoysUnderWay, this.#memoKeyOf(login, password), () =>
      this.verifier(password, this.#decoy),
    );
    return false;
  }

  /** The decoy check of this login and password under way, if one is (see `underWay`). */
  decoyUnderWay(login: string, password: Uint8Array): Promise<unknown> | undefined {
    return this.#decoysUnderWay.get(this.#memoKeyOf(login, password));
  }

  /**
   * SHA-256 over the start-up key, the name, a NUL and the password: a keyed hash, used
   * only as a lookup key, which no one can compute without the key (an HMAC cost twice as much, on
   * every bind). The bytes hashed in one go are wiped at once.
   */
  #memoKeyOf(name: string, password: Uint8Array): string {
    if (typeof hash !== 'function') {
      // Node before 20.12: the same digest, fed in parts.
      return createHash('sha256')
        .update(this.#memoKey)
        .update(name)
        .update('\0')
        .update(password)
        .digest('base64');
    }
    const input = Buffer.concat([this.#memoKey, Buffer.from(`${name}\0`), password]);
    const key = hash('sha256', input, 'base64');
    input.fill(0);
    return key;
  }

  /** The `cn` of a DN that is `cn=<something>,<suffix>`; undefined for any other DN or bad syntax. */
  #nameInDn(dn: string): string | undefined {
    let rdns;
    try {
      rdns = parseDn(dn);
    } catch (error) {
      if (error instanceof DnSyntaxError) return undefined;
      throw error;
    }
    const [first, ...rest] = rdns;
    const ava = first?.length === 1 ? first[0] : undefined;
    if (!ava || ava.binary || !CN_TYPES.has(ava.type.toLowerCase())) return undefined;
    return formatDn(normalizeRdns(rest)) === this.#suffixNorm ? ava.value : undefined;
  }
}

/** The check under way for `key`, or `check` started and kept there until it settles. */
function shared(
  underWay: Map<string, Promise<boolean>>,
  key: string,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const running = underWay.get(key);
  if (running) return running;
  const started = check().finally(() => underWay.delete(key));
  underWay.set(key, started);
  return started;
}
