import { describe, expect, it } from 'vitest';
import {
  PasswordHashError,
  checkScryptCost,
  formatPasswordHash,
  parsePasswordHash,
} from '../../src/access/password-hash-format.js';

const SALT = Buffer.alloc(16, 1).toString('base64');
const HASH = Buffer.alloc(32, 2).toString('base64');

describe('the written form of password hashes', () => {
  it('reads the parameters, salt and hash of a scrypt hash', () => {
    const parsed = parsePasswordHash(`$scrypt$N=1024,r=4,p=2$${SALT}$${HASH}`);
    expect([parsed.N, parsed.r, parsed.p]).toEqual([1024, 4, 2]);
    expect(parsed.salt).toEqual(Buffer.alloc(16, 1));
    expect(parsed.hash).toEqual(Buffer.alloc(32, 2));
  });

  it('writes what it reads back', () => {
    const text = `$scrypt$N=16384,r=8,p=1$${SALT}$${HASH}`;
    expect(formatPasswordHash(parsePasswordHash(text))).toBe(text);
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

  it('bounds a cost on its own, as it bounds the cost a hash carries', () => {
    expect(() => checkScryptCost({ N: 16384, r: 8, p: 1 })).not.toThrow();
    expect(() => checkScryptCost({ N: 2 ** 20, r: 8, p: 1 })).toThrow(PasswordHashError);
  });
});
