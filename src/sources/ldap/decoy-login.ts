/**
 * A login that names nobody, for a bind name the source looked up at its backend and did not find
 * (or found shared by several people): binding as it with the presented password costs the backend,
 * and the client, what a wrong password for a real person costs, and the backend refuses it as it
 * refuses a wrong password. So a name's timing does not tell whether someone has it.
 *
 * The DN lies under the source's base, as a real person's would, with a random UUID for a `cn` that
 * nobody can have created beforehand; `dirbridge-decoy-` tells a backend's admin whose binds these are.
 */
import { randomUUID } from 'node:crypto';
import type { LoginRef } from '../source.js';

export function decoyLogin(source: string, base: string): LoginRef {
  return { source, account: decoyDn(base), decoy: true };
}

export function decoyDn(base: string): string {
  const rdn = `cn=dirbridge-decoy-${randomUUID()}`;
  return base === '' ? rdn : `${rdn},${base}`;
}
