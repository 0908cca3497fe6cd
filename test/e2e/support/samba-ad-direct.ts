/**
 * The run's Samba DC seen directly, the yardstick for sign-on through dirbridge: the verdict of a
 * simple bind over LDAPS, attributes read as Administrator (badPwdCount), unlocking the lockout
 * user, and Samba's authentication audit, one line per simple bind that reached the DC (the DC runs
 * with `auth_audit:3`, scripts/test-backends/samba-ad.ts), which tells whether and how often a bind
 * through dirbridge was sent on.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Attribute, Change, Client, ResultCodeError } from 'ldapts';
import type { SambaAdInfo } from '../../../scripts/test-backends/samba-ad.js';
import { guidToUuid } from '../../../src/sources/ldap/index.js';
import { registerTestSecret } from './test-secrets.js';

/** A bind's outcome as far as an LDAP client can compare it: result code and AD's `data` code. */
export interface BindVerdict {
  /** 0 for success. */
  readonly code: number;
  /** AD's Win32 reason (`52e`, `775`, ...) from the diagnostic, when it has one. */
  readonly data?: string;
}

export function verdictOf(code: number, diagnostic: string): BindVerdict {
  const data = /\bdata ([0-9a-f]+)\b/i.exec(diagnostic)?.[1]?.toLowerCase();
  return data === undefined ? { code } : { code, data };
}

function client(ad: SambaAdInfo): Client {
  return new Client({
    url: ad.url,
    timeout: 10_000,
    connectTimeout: 5_000,
    tlsOptions: { ca: [readFileSync(ad.caFile)] },
  });
}

/** Binds to the DC itself over LDAPS (a new connection) and says how it answered. */
export async function bindDirectly(ad: SambaAdInfo, name: string, password: string): Promise<BindVerdict> {
  registerTestSecret(password);
  const c = client(ad);
  try {
    await c.bind(name, password);
    return { code: 0 };
  } catch (error) {
    if (error instanceof ResultCodeError) return verdictOf(error.code, error.message);
    throw error;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function asAdmin<T>(ad: SambaAdInfo, action: (c: Client) => Promise<T>): Promise<T> {
  const c = client(ad);
  try {
    await c.bind(ad.adminDn, ad.adminPassword);
    return await action(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

/**
 * The user's badPwdCount as the DC keeps it. Samba counts bad passwords only for accounts under a
 * lockout policy: of the seeded users, only the lockout user (`locked`, threshold 3) has one.
 */
export async function badPwdCount(ad: SambaAdInfo, dn: string): Promise<number> {
  const { searchEntries } = await asAdmin(ad, (c) =>
    c.search(dn, { scope: 'base', attributes: ['badPwdCount'] }),
  );
  return Number(searchEntries[0]?.['badPwdCount'] ?? 0);
}

/** Unlocks an account (and so clears its bad password count), as an administrator would. */
export async function unlock(ad: SambaAdInfo, dn: string): Promise<void> {
  await asAdmin(ad, (c) =>
    c.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'lockoutTime', values: ['0'] }),
      }),
    ),
  );
}

/** One simple bind as Samba's authentication audit records it. */
export interface AuthEvent {
  /** The bind name as the client sent it. */
  readonly name: string;
  /** `NT_STATUS_OK`, `NT_STATUS_WRONG_PASSWORD`, `NT_STATUS_NO_SUCH_USER`, ... */
  readonly status: string;
  /** The sAMAccountName the DC took the name for, if any. */
  readonly account?: string;
}

const AUTH_LINE =
  /^Auth: \[LDAP,simple bind[^\]]*\] user \[[^\]]*\]\\\[(.*?)\] at \[[^\]]*\] with \[[^\]]*\] status \[(\w+)\] .*? (?:mapped to|became) \[[^\]]*\]\\\[([^\]]*)\]/;
const MARKER_PASSWORD = registerTestSecret('Audit#Marker-Not-A-Password');

/**
 * The simple binds the DC saw while `action` ran, other than the service account's (dirbridge
 * searches with it whenever it needs to). A bind of a name nobody has ends the window: Samba
 * writes its audit in order, so once that line is there, every earlier bind's line is too.
 */
export async function authEventsDuring(ad: SambaAdInfo, action: () => Promise<void>): Promise<AuthEvent[]> {
  const start = statSync(ad.logFile).size;
  await action();
  const marker = `audit-marker-${randomUUID()}@${ad.realm.toLowerCase()}`;
  await bindDirectly(ad, marker, MARKER_PASSWORD);
  const service = ad.serviceAccount.userPrincipalName.split('@')[0]!.toLowerCase();
  for (const deadline = Date.now() + 10_000; ;) {
    const events = auditSince(ad.logFile, start);
    const end = events.findIndex((event) => event.name === marker);
    if (end >= 0) return events.slice(0, end).filter((event) => event.account?.toLowerCase() !== service);
    if (Date.now() > deadline) throw new Error(`Samba's audit never showed the bind of ${marker}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function auditSince(file: string, offset: number): AuthEvent[] {
  const length = statSync(file).size - offset;
  const bytes = Buffer.alloc(Math.max(0, length));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
  const events: AuthEvent[] = [];
  for (const line of bytes.toString('utf8').split('\n')) {
    const match = AUTH_LINE.exec(line);
    if (!match) continue;
    const [, name = '', status = '', account = ''] = match;
    // Samba doubles a backslash in the name it logs (`EXAMPLE\\alice`).
    events.push({
      name: name.replaceAll('\\\\', '\\'),
      status,
      ...(account === '(null)' ? {} : { account }),
    });
  }
  return events;
}

/** An entry as the DC itself returns it: its objectGUID as a UUID and the values asked for. */
export interface DcEntry {
  readonly uuid: string;
  /** Only the attributes the entry holds. */
  readonly values: Readonly<Record<string, string[]>>;
}

/** Every entry the DC returns for a filter (paged), read as Administrator or the service account. */
export async function readFromDc(
  ad: SambaAdInfo,
  filter: string,
  attributes: readonly string[] = [],
  as: 'admin' | 'service' = 'admin',
): Promise<DcEntry[]> {
  const client = new Client({
    url: ad.url,
    timeout: 30_000,
    connectTimeout: 5_000,
    tlsOptions: { ca: [readFileSync(ad.caFile)] },
  });
  const found: DcEntry[] = [];
  try {
    if (as === 'admin') await client.bind(ad.adminDn, ad.adminPassword);
    else await client.bind(ad.serviceAccount.userPrincipalName, ad.serviceAccount.password);
    const pages = client.searchPaginated(ad.baseDn, {
      scope: 'sub',
      filter,
      attributes: ['objectGUID', ...attributes],
      explicitBufferAttributes: ['objectGUID'],
      paged: { pageSize: 500 },
    });
    for await (const page of pages) {
      for (const entry of page.searchEntries) {
        const values: Record<string, string[]> = {};
        for (const name of attributes) {
          const raw = entry[name];
          const list = raw === undefined ? [] : [raw].flat().map(String);
          if (list.length > 0) values[name] = list;
        }
        found.push({ uuid: guidToUuid(entry.objectGUID as Buffer), values });
      }
    }
  } finally {
    await client.unbind().catch(() => undefined);
  }
  return found;
}
