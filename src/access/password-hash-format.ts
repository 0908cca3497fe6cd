/**
 * The written form of a local account's password hash: scrypt (RFC 7914) in a self-describing
 * string, `$scrypt$N=16384,r=8,p=1$<salt base64>$<hash base64>`, so the cost can be raised later
 * without breaking hashes already in configs. The parameters a hash may carry are bounded: the hash
 * comes from a config file, and a hostile or mistyped one must not make every bind take minutes or
 * gigabytes. Config reports a hash this refuses; auth hashes and verifies with what it reads.
 */

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

export type ScryptCost = Pick<ScryptHash, 'N' | 'r' | 'p'>;

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

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
  checkScryptCost(parsed);
  checkLength('salt', parsed.salt, LIMITS.saltBytes);
  checkLength('hash', parsed.hash, LIMITS.hashBytes);
  return parsed;
}

/** The string `parsePasswordHash` reads back. */
export function formatPasswordHash({ N, r, p, salt, hash }: ScryptHash): string {
  return `$scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Throws PasswordHashError when a cost is outside the bounds a config may ask for. */
export function checkScryptCost({ N, r, p }: ScryptCost): void {
  if (N < LIMITS.minN || (N & (N - 1)) !== 0) {
    throw new PasswordHashError(`scrypt N=${N} must be a power of two of at least ${LIMITS.minN}`);
  }
  if (r < 1 || r > LIMITS.maxR) throw new PasswordHashError(`scrypt r=${r} must be 1 to ${LIMITS.maxR}`);
  if (p < 1 || p > LIMITS.maxP) throw new PasswordHashError(`scrypt p=${p} must be 1 to ${LIMITS.maxP}`);
  if (scryptMemory(N, r) > LIMITS.maxMemory) {
    throw new PasswordHashError(`scrypt N=${N},r=${r} needs more than 64 MiB per bind`);
  }
  if (scryptMemory(N, r) * p > LIMITS.maxWork) {
    throw new PasswordHashError(`scrypt N=${N},r=${r},p=${p} is too slow for a bind`);
  }
}

function checkLength(what: string, bytes: Buffer, [min, max]: readonly [number, number]): void {
  if (bytes.length < min || bytes.length > max) {
    throw new PasswordHashError(`the ${what} must be ${min} to ${max} bytes, not ${bytes.length}`);
  }
}

/** Bytes scrypt allocates for one computation (RFC 7914: 128 * N * r). */
export function scryptMemory(N: number, r: number): number {
  return 128 * N * r;
}
