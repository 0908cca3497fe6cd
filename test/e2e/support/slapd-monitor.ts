/**
 * What a slapd test backend started with `monitor: true` has answered, read from its own counters
 * (`cn=Monitor`, as the rootdn): proof that a request reached the backend, without a log to parse.
 */
import type { Client } from 'ldapts';

/** A slapd test backend (slapd.ts or slapd-domino.ts) the rootdn can read. */
interface MonitoredSlapd {
  asRoot<T>(action: (client: Client) => Promise<T>): Promise<T>;
}

const BINDS = 'cn=Bind,cn=Operations,cn=Monitor';
/** Entries the backend has sent in answer to searches, whoever asked. */
const ENTRIES = 'cn=Entries,cn=Statistics,cn=Monitor';

/**
 * Binds the backend has completed so far, whatever their outcome. Reading the counter is itself a
 * bind (as the rootdn), counted before the read: two reads in a row differ by one.
 */
export function bindsCompleted(backend: MonitoredSlapd): Promise<number> {
  return counter(backend, BINDS, 'monitorOpCompleted');
}

/** The binds the backend completed while `body` ran, not counting the reads of the counter. */
export async function bindsDuring(backend: MonitoredSlapd, body: () => Promise<unknown>): Promise<number> {
  const before = await bindsCompleted(backend);
  await body();
  const after = await bindsCompleted(backend);
  return after - before - 1;
}

const SEARCHES = 'cn=Search,cn=Operations,cn=Monitor';

/**
 * The searches the backend completed while `body` ran, not counting the reads of the counter (each
 * read is a search, counted once it has read the value).
 */
export async function searchesDuring(backend: MonitoredSlapd, body: () => Promise<unknown>): Promise<number> {
  const before = await counter(backend, SEARCHES, 'monitorOpCompleted');
  await body();
  const after = await counter(backend, SEARCHES, 'monitorOpCompleted');
  return after - before - 1;
}

/**
 * The entries the backend sent while `body` ran, not counting the reads of the counter (each read
 * sends one entry, the counter's own, counted after its value is read).
 */
export async function entriesSentDuring(
  backend: MonitoredSlapd,
  body: () => Promise<unknown>,
): Promise<number> {
  const before = await counter(backend, ENTRIES, 'monitorCounter');
  await body();
  const after = await counter(backend, ENTRIES, 'monitorCounter');
  return after - before - 1;
}

/** One counter of the monitor, read as the rootdn. */
async function counter(backend: MonitoredSlapd, dn: string, attribute: string): Promise<number> {
  const entries = await backend.asRoot(async (client) => {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [attribute] });
    return searchEntries;
  });
  const value = entries[0]?.[attribute];
  const count = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isInteger(count)) throw new Error(`${dn} has no ${attribute}: is the monitor on?`);
  return count;
}
