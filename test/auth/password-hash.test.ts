import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COST,
  PasswordHashError,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from '../../src/auth/password-hash.js';

const password = (text: string): Buffer => Buffer.from(text, 'utf8');
const SALT = Buffer.alloc(16, 1).toString('base64');
const HASH = Buffer.alloc(32, 2).toString('base64');

describe('password hashes', () => {
  it('hashes in the self-describing scrypt format with the default cost, and verifies', async () => {
    const hash = await hashPassword(password('s3cret Pässword'));
    expect(hash).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(DEFAULT_COST).toEqual({ N: 16384, r: 8, p: 1 });
    const parsed = parsePasswordHash(hash);
    expect(await verifyPassword(password('s3cret Pässword'), parsed)).toBe(true);
    expect(await verifyPassword(password('s3cret Password'), parsed)).toBe(false);
    expect(await verifyPassword(password(''), parsed)).toBe(false);
  });

  it('salts every hash', async () => {
    const cost = { N: 1024, r: 8, p: 1 };
    expect(await hashPassword(password('same'), cost)).not.toBe(await hashPassword(password('same'), cost));
  });

  it('reads the parameters from the hash, so older and cheaper hashes keep working', async () => {
    const hash = await hashPassword(password('pbx'), { N: 1024, r: 4, p: 2 });
    const parsed = parsePasswordHash(hash);
    expect([parsed.N, parsed.r, parsed.p]).toEqual([1024, 4, 2]);
    expect(await verifyPassword(password('pbx'), parsed)).toBe(true);
  });

  it.each([
    ['', /hash-password/],
    ['secret', /hash-password/],
    ['$2y$10$abcdefghijklmnopqrstuv', /hash-password/],
    [`$scrypt$N=16384,r=8$${SALT}$${HASH}`, /hash-password/],
    [`$scrypt$N=16384,r=8,p=1$${SALT}$not base64!`, /hash-password/],
    [`$scrypt$N=1000,r=8,p=1$${SALT}$${HASH}`, /power of two/],
    [`$scrypt$N=512,r=8,p=1$${SALT}$${HASH}`, /power of two of at least 1024/],
    [`$scrypt$N=16384,r=0,p=1$${SALT}$${HASH}`, /r=0 must be 1 to 32/],
    [`$scrypt$N=16384,r=8,p=17$${SALT}$${HASH}`, /p=17 must be 1 to 16/],
    [`$scrypt$N=1048576,r=8,p=1$${SALT}$${HASH}`, /more than 64 MiB/],
    [`$scrypt$N=65536,r=8,p=16$${SALT}$${HASH}`, /too slow/],
    [`$scrypt$N=16384,r=8,p=1$AAAA$${HASH}`, /salt must be 8 to 64 bytes/],
    [`$scrypt$N=16384,r=8,p=1$${SALT}$AAAA`, /hash must be 16 to 64 bytes/],
  ])('refuses %j, saying why', (text, reason) => {
    expect(() => parsePasswordHash(text)).toThrow(PasswordHashError);
    expect(() => parsePasswordHash(text)).toThrow(reason);
  });

  it('never echoes the hash in its errors', () => {
    const text = `$scrypt$N=16384,r=8,p=1$${SALT}$AAAA`;
    expect(() => parsePasswordHash(text)).not.toThrow(new RegExp(SALT.slice(0, 8)));
  });

  it('bounds the cost of the hashes it makes, too', async () => {
    await expect(hashPassword(password('x'), { N: 2 ** 20, r: 8, p: 1 })).rejects.toThrow(PasswordHashError);
  });
});
