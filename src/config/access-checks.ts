/**
 * Checks of `access` the schema cannot express: account names unique (they compare without regard
 * to case, as bind names do), password hashes readable and affordable, every mount named in a
 * `read` list an existing source, every trusted address a valid address or range.
 */
import { AddressSyntaxError, parseAddressRange } from '../access/address-range.js';
import { PasswordHashError, parsePasswordHash } from '../access/password-hash-format.js';
import type { ConfigPath, Problem } from './problem.js';

export function checkAccess(data: unknown): Problem[] {
  if (!isRecord(data) || !isRecord(data.access)) return [];
  const { access } = data;
  const sources = listOf(data.sources).flatMap((source) =>
    isRecord(source) && typeof source.name === 'string' ? [source.name] : [],
  );
  const accounts = listOf(access.accounts);
  return [
    ...checkAccountNames(accounts),
    ...accounts.flatMap((account, index) => checkAccount(account, ['access', 'accounts', index], sources)),
    ...(isRecord(access.anonymous)
      ? checkRead(access.anonymous.read, ['access', 'anonymous', 'read'], sources)
      : []),
    ...(isRecord(access.signedOn)
      ? checkRead(access.signedOn.read, ['access', 'signedOn', 'read'], sources)
      : []),
    ...listOf(access.trustedAddresses).flatMap((address, index) =>
      checkAddress(address, ['access', 'trustedAddresses', index]),
    ),
  ];
}

function checkAccountNames(accounts: readonly unknown[]): Problem[] {
  const firstByName = new Map<string, number>();
  return accounts.flatMap((account, index): Problem[] => {
    const name = isRecord(account) ? account.name : undefined;
    if (typeof name !== 'string') return [];
    const first = firstByName.get(name.toLowerCase());
    if (first === undefined) {
      firstByName.set(name.toLowerCase(), index);
      return [];
    }
    const message = `duplicate account name '${name}' (also access.accounts[${first}].name)`;
    return [{ at: ['access', 'accounts', index, 'name'], message }];
  });
}

function checkAccount(account: unknown, at: ConfigPath, sources: readonly string[]): Problem[] {
  if (!isRecord(account)) return [];
  return [
    ...checkHash(account.passwordHash, [...at, 'passwordHash']),
    ...checkRead(account.read, [...at, 'read'], sources),
  ];
}

function checkHash(hash: unknown, at: ConfigPath): Problem[] {
  if (typeof hash !== 'string') return [];
  try {
    parsePasswordHash(hash);
    return [];
  } catch (error) {
    if (!(error instanceof PasswordHashError)) throw error;
    return [{ at, message: error.message }];
  }
}

/** Mount names are source names exactly as config spells them. */
function checkRead(read: unknown, at: ConfigPath, sources: readonly string[]): Problem[] {
  return listOf(read).flatMap((mount, index): Problem[] => {
    if (typeof mount !== 'string' || sources.includes(mount)) return [];
    const known = sources.length > 0 ? sources.join(', ') : 'none';
    return [{ at: [...at, index], message: `no source named '${mount}' (sources: ${known})` }];
  });
}

/** An address or CIDR range config gives (trusted addresses, balancers). */
export function checkAddress(address: unknown, at: ConfigPath): Problem[] {
  if (typeof address !== 'string') return [];
  try {
    parseAddressRange(address);
    return [];
  } catch (error) {
    if (!(error instanceof AddressSyntaxError)) throw error;
    return [{ at, message: error.message }];
  }
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
