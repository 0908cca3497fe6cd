/**
 * SIGTERM drains: the listener closes at once, a search under way runs to its end and is answered
 * in full, and the process exits 0; a search longer than `limits.shutdownTimeout` is cut there, the
 * client told the server is shutting down (RFC 4511 4.4.1 notice of disconnection).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { REPO, SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';

const progressFile = (): string => join(mkdtempSync(join(tmpdir(), 'dirbridge-shutdown-')), 'progress');

/** dirbridge over a live source yielding `count` records 50 ms apart (a search of count × 50 ms). */
function slowServer(count: number, shutdownTimeout: number): Promise<DirbridgeProcess> {
  return startDirbridge({
    entry: join(REPO, 'test/e2e/fixtures/slow-source-server.ts'),
    logName: 'shutdown',
    config: {
      limits: { shutdownTimeout },
      sources: [
        { name: 'slow', type: 'slow', mode: 'live', intervalMs: 50, count, progressFile: progressFile() },
      ],
    },
  });
}

/** ldapsearch over the slow source, started now: its exit code, output and error output when it ends. */
function slowSearch(
  server: DirbridgeProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('ldapsearch', [
    '-x',
    '-LLL',
    '-H',
    server.url,
    '-b',
    `ou=slow,${SUFFIX}`,
    '(cn=*)',
    'cn',
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const entriesIn = (ldif: string): number => (ldif.match(/^dn: /gm) ?? []).length;

describe('shutdown', () => {
  it('lets a search under way finish, refuses new connections, and exits 0', async () => {
    const server = await slowServer(40, 30);
    const search = slowSearch(server);
    await sleep(500); // the search is under way (2 s in all)
    const stopped = server.stop();
    await sleep(200);
    const late = await ldapsearch(server.url, '(cn=*)', { base: `ou=slow,${SUFFIX}` });
    expect(late.code).toBe(255); // can't contact the LDAP server: the listener is closed
    const answered = await search;
    expect(answered.code).toBe(0);
    expect(entriesIn(answered.stdout)).toBe(40);
    expect(await stopped).toBe(0);
  });

  it('cuts what outlasts shutdownTimeout, telling the client why', async () => {
    const server = await slowServer(100_000, 1);
    const search = slowSearch(server);
    await sleep(500);
    const started = Date.now();
    const stopped = server.stop();
    const cut = await search;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(cut.code).not.toBe(0);
    expect(entriesIn(cut.stdout)).toBeGreaterThan(5);
    expect(await stopped).toBe(0);
    expect(server.output()).toMatch(/shutting down/);
  });
});
