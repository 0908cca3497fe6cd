/**
 * Abandon (RFC 4511 4.11): a search over a deliberately slow test source stops pulling from the
 * source when the client abandons it. ldapsearch sends the abandon on SIGINT with `-e abandon`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DEMO_CSV,
  REPO,
  SUFFIX,
  startDirbridge,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';

let server: DirbridgeProcess;
const progressFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-slow-')), 'progress');

beforeAll(async () => {
  server = await startDirbridge({
    entry: join(REPO, 'test/e2e/fixtures/slow-source-server.ts'),
    config: {
      sources: [
        { name: 'demo', type: 'file', path: DEMO_CSV },
        { name: 'slow', type: 'slow', mode: 'live', intervalMs: 50, count: 100000, progressFile },
      ],
    },
  });
});

afterAll(async () => {
  await server.stop();
});

const produced = (): number => Number(readFileSync(progressFile, 'utf8'));

it('an abandoned search stops reading its source; other searches are unaffected', async () => {
  const search = spawn('ldapsearch', [
    '-x',
    '-LLL',
    '-e',
    'abandon',
    '-H',
    server.url,
    '-b',
    `ou=slow,${SUFFIX}`,
    '(objectClass=*)',
    'cn',
  ]);
  let entries = 0;
  search.stdout.on('data', (chunk: Buffer) => (entries += (chunk.toString().match(/^dn: /gm) ?? []).length));
  await sleep(1500);
  expect(entries).toBeGreaterThan(3);
  search.kill('SIGINT');
  await new Promise((resolve) => search.once('exit', resolve));
  await sleep(500);
  const afterAbandon = produced();
  await sleep(1500);
  expect(produced()).toBe(afterAbandon);
  expect(afterAbandon).toBeLessThan(200);

  const demo = await ldapsearch(server.url, '(cn=anna*)', { base: `ou=demo,${SUFFIX}`, attributes: ['cn'] });
  expect(demo.code, demo.stderr).toBe(0);
  expect(demo.entries.length).toBeGreaterThan(0);
});

it('a time limit stops a slow search with timeLimitExceeded (3) and what was found', async () => {
  const result = await ldapsearch(server.url, '(objectClass=*)', {
    base: `ou=slow,${SUFFIX}`,
    attributes: ['cn'],
    timeLimit: 1,
  });
  expect(result.code).toBe(3);
  expect(result.entries.length).toBeGreaterThan(0);
});
