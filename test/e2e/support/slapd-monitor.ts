/**
 * What a slapd test backend started with `monitor: true` has answered, read from its own counters
 * (`cn=Monitor`, as the rootdn): proof that a request reached the backend, without a log to parse.
 */
import type { SlapdDomino } from '../../../scripts/test-backends/slapd-domino.js';

const BINDS = 'cn=Bind,cn=Operations,cn=Monitor';

/**
 * Binds the backend has completed so far, whatever their outcome. Reading the counter is itself a
 * bind (as the rootdn), counted before the read: two reads in a row differ by one.
 */
export async function bindsCompleted(backend: SlapdDomino): Promise<number> {
  const entries = await backend.asRoot(async (client) => {
    const { searchEntries } = await client.search(BINDS, {
      scope: 'base',
      attributes: ['monitorOpCompleted'],
    });
    return searchEntries;
  });
  const value = entries[0]?.['monitorOpCompleted'];
  const count = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isInteger(count)) throw new Error(`${BINDS} has no monitorOpCompleted: is the monitor on?`);
  return count;
}

/** The binds the backend completed while `body` ran, not counting the reads of the counter. */
export async function bindsDuring(backend: SlapdDomino, body: () => Promise<unknown>): Promise<number> {
  const before = await bindsCompleted(backend);
  await body();
  const after = await bindsCompleted(backend);
  return after - before - 1;
}
