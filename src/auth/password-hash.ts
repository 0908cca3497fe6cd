/**
 * Hashing and checking the passwords of local accounts with scrypt (RFC 7914). The written form of a
 * hash and the bounds on its cost live in access/password-hash-format.ts, which config checks too.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import {
  checkScryptCost,
  formatPasswordHash,
  scryptMemory,
  type ScryptCost,
  type ScryptHash,
} from '../access/password-hash-format.js';

/** What `dirbridge hash-password` uses: about 16 MiB and a few tens of milliseconds per bind. */
export const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const HASH_BYTES = 32;

function derive(password: Uint8Array, salt: Buffer, length: number, cost: ScryptOptions): Promise<Buffer> {
  const N = cost.N ?? DEFAULT_COST.N;
  const r = cost.r ?? DEFAULT_COST.r;
  // Node refuses anything above 32 MiB unless told; our own bounds are checked before this.
  const options = { ...cost, maxmem: scryptMemory(N, r) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: Uint8Array, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  checkScryptCost(cost);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, cost);
  return formatPasswordHash({ N: cost.N, r: cost.r, p: cost.p, salt, hash });
}

/**
 * A hash no password matches (a random salt and a random hash), with the cost and lengths of `like`
 * (or of DEFAULT_COST): checking a password against it costs what checking it against `like` costs,
 * so a bind name that has no account can be made to pay what a wrong password pays.
 */
export function decoyHash(like?: ScryptHash): ScryptHash {
  const { N, r, p } = like ?? DEFAULT_COST;
  return {
    N,
    r,
    p,
    salt: randomBytes(like?.salt.length ?? SALT_BYTES),
    hash: randomBytes(like?.hash.length ?? HASH_BYTES),
  };
}

/** Whether `password` hashes to `expected`, compared in constant time. */
export async function verifyPassword(password: Uint8Array, expected: ScryptHash): Promise<boolean> {
  const { N, r, p, salt, hash } = expected;
  const actual = await derive(password, salt, hash.length, { N, r, p });
  return timingSafeEqual(actual, hash);
}
