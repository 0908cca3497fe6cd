import { describe, expect, it } from 'vitest';
import { PasswordHashError, parsePasswordHash } from '../../src/access/password-hash-format.js';
import { DEFAULT_COST, hashPassword, verifyPassword } from '../../src/auth/password-hash.js';

const password = (text: string): Buffer => Buffer.from(text, 'utf8');

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

  it('bounds the cost of the hashes it makes, too', async () => {
    await expect(hashPassword(password('x'), { N: 2 ** 20, r: 8, p: 1 })).rejects.toThrow(PasswordHashError);
  });
});
