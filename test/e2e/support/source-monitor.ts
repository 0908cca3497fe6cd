/** A source's cn=Monitor entry, as an operator reads it: bound as a service account. */
import { expect } from 'vitest';
import { ldapsearch } from './ldap-utils.js';

/** Every attribute of `cn=<source>,cn=Sources,cn=Monitor`, operational ones included. */
export async function sourceMonitor(
  url: string,
  source: string,
  password: string,
  account = 'ops',
): Promise<Readonly<Record<string, string[]>>> {
  const result = await ldapsearch(url, '(objectClass=*)', {
    base: `cn=${source},cn=Sources,cn=Monitor`,
    scope: 'base',
    bind: { dn: account, password },
    attributes: ['*', '+'],
  });
  expect(result.code, result.stderr).toBe(0);
  return result.entries[0]!.attributes;
}

/** The source's state (`ready`, `stale`, `failed`, …), from its monitor entry. */
export async function sourceState(
  url: string,
  source: string,
  password: string,
): Promise<string | undefined> {
  return (await sourceMonitor(url, source, password)).dirbridgeSourceState?.[0];
}
