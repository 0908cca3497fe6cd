/** A local account's password hash for a test config, as `dirbridge hash-password` would print it. */
import { randomBytes, scryptSync } from 'node:crypto';
import { DEFAULT_COST } from '../../../src/auth/password-hash.js';

export function scryptHash(password: string): string {
  const { N, r, p } = DEFAULT_COST;
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r, p });
  return `$scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
