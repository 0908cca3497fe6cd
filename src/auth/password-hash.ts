/**
 * Password hashes of local accounts: scrypt (RFC 7914) in a self-describing string,
 * `$scrypt$N=16384,r=8,p=1$<salt base64>$<hash base64>`, so the cost can be raised later without
 * breaking hashes already in configs. The parameters a hash may carry are bounded: the hash comes
 * from a config file, and a hostile or mistyped one must not make every bind take minutes or
 * gigabytes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptHash {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

/** What `dirbridge hash-password` uses: about 16 MiB and a few tens of milliseconds per bind. */
export const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** Bounds on what a config may ask for: at most 64 MiB per hash and 256 MiB of work in all. */
const LIMITS = {
  minN: 2 ** 10,
  maxMemory: 64 * 1024 * 1024,
  maxWork: 256 * 1024 * 1024,
  maxR: 32,
  maxP: 16,
  saltBytes: [8, 64],
  hashBytes: [16, 64],
} as const;

const FORMAT =
  /^\$scrypt\$N=(\d{1,10}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Reads a hash string; throws PasswordHashError saying what is wrong (never echoing the hash). */
export function parsePasswordHash(text: string): ScryptHash {
  const match = FORMAT.exec(text);
  if (!match) {
    throw new PasswordHashError(
      'must be a hash printed by `dirbridge hash-password` ($scrypt$N=…,r=…,p=…$<salt>$<hash>)',
    );
  }
  const [, n, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const parsed: ScryptHash = {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
  checkCost(parsed);
  checkLength('salt', parsed.salt, LIMITS.saltBytes);
  checkLength('hash', parsed.hash, LIMITS.hashBytes);
  return parsed;
}

function checkCost({ N, r, p }: Pick<ScryptHash, 'N' | 'r' | 'p'>): void {
  if (N < LIMITS.minN || (N & (N - 1)) !== 0) {
    throw new PasswordHashError(`scrypt N=${N} must be a power of two of at least ${LIMITS.minN}`);
  }
  if (r < 1 || r > LIMITS.maxR) throw new PasswordHashError(`scrypt r=${r} must be 1 to ${LIMITS.maxR}`);
  if (p < 1 || p > LIMITS.maxP) throw new PasswordHashError(`scrypt p=${p} must be 1 to ${LIMITS.maxP}`);
  if (memoryOf(N, r) > LIMITS.maxMemory) {
    throw new PasswordHashError(`scrypt N=${N},r=${r} needs more than 64 MiB per bind`);
  }
  if (memoryOf(N, r) * p > LIMITS.maxWork) {
    throw new PasswordHashError(`scrypt N=${N},r=${r},p=${p} is too slow for a bind`);
  }
}

function checkLength(what: string, bytes: Buffer, [min, max]: readonly [number, number]): void {
  if (bytes.length < min || bytes.length > max) {
    throw new PasswordHashError(`the ${what} must be ${min} to ${max} bytes, not ${bytes.length}`);
  }
}

/** Bytes scrypt allocates for one computation (RFC 7914: 128 * N * r). */
function memoryOf(N: number, r: number): number {
  return 128 * N * r;
}

function derive(password: Uint8Array, salt: Buffer, length: number, cost: ScryptOptions): Promise<Buffer> {
  const N = cost.N ?? DEFAULT_COST.N;
  const r = cost.r ?? DEFAULT_COST.r;
  // Node refuses anything above 32 MiB unless told; our own bounds are checked before this.
  const options = { ...cost, maxmem: memoryOf(N, r) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(
  password: Uint8Array,
  cost: { N: number; r: number; p: number } = DEFAULT_COST,
): Promise<string> {
  checkCost(cost);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, cost);
  return `$scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
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
