/**
 * A client that re-binds one user 10,000 times on one connection (as a PBX that signs people on
 * through one connection does all day) through a real dirbridge process: every bind succeeds, each
 * reaches the DC exactly once (Samba's authentication audit), and dirbridge's connections to the DC
 * stay within its two pools, `bindPoolSize` + `poolSize`, counted from outside with `ss` while the
 * binds run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DEMO_SOURCE, adSignOnSource } from './support/ad-sign-on.js';
import { startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { authEventsDuring } from './support/samba-ad-direct.js';
import './support/samba-ad-setup.js';

const ad = inject('sambaAd');
const { alice } = ad.users;
const REBINDS = 10_000;
const BIND_POOL_SIZE = 2;
const POOL_SIZE = 4;

let server: DirbridgeProcess;

beforeAll(async () => {
  server = await startDirbridge({
    config: {
      sources: [adSignOnSource(ad, { bindPoolSize: BIND_POOL_SIZE, poolSize: POOL_SIZE }), DEMO_SOURCE],
      access: {},
      // Warnings only: one line per operation would be 20,000 lines here.
      log: { level: 'warn' },
    },
    logName: 'ad-sign-on-rebinds',
  });
});

afterAll(async () => {
  await server.stop();
});

/** Established TCP connections from process `pid` to the DC's LDAPS port, as `ss` lists them. */
async function connectionsToDc(pid: number): Promise<number> {
  const { hostname, port } = new URL(ad.url);
  const { stdout } = await promisify(execFile)('ss', [
    '-tnpH',
    'state',
    'established',
    'dst',
    `${hostname}:${port || '636'}`,
  ]);
  return stdout.split('\n').filter((line) => line.includes(`pid=${pid},`)).length;
}

it(
  `re-binds alice ${REBINDS} times on one connection within bindPoolSize + poolSize connections to the DC`,
  { timeout: 30 * 60_000 },
  async ({ annotate }) => {
    const pid = server.child.pid!;
    const samples: number[] = [];
    let running = true;
    const sampler = (async () => {
      while (running) {
        samples.push(await connectionsToDc(pid));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const client = new Client({ url: server.url, timeout: 30_000 });
    const failures: string[] = [];
    let seconds = 0;
    const events = await authEventsDuring(ad, async () => {
      const started = Date.now();
      try {
        for (let i = 0; i < REBINDS; i++) {
          await client.bind(alice.userPrincipalName, alice.password).catch((error: unknown) => {
            failures.push(`bind ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
          });
        }
      } finally {
        seconds = (Date.now() - started) / 1000;
        running = false;
        await sampler;
        await client.unbind().catch(() => undefined);
      }
    });
    const most = Math.max(...samples);
    const figure =
      `${REBINDS} re-binds in ${seconds.toFixed(1)} s (${(REBINDS / seconds).toFixed(0)}/s); ` +
      `at most ${most} connections to the DC in ${samples.length} samples`;
    console.log(figure); // the figure to report, in the run's output
    await annotate(figure);

    expect({ failed: failures.length, first: failures.slice(0, 5) }).toEqual({ failed: 0, first: [] });
    // Each bind reached the DC once: none retried, none answered without asking.
    expect(
      events.filter((e) => e.account === alice.sAMAccountName && e.status === 'NT_STATUS_OK'),
    ).toHaveLength(REBINDS);
    expect(events.filter((e) => e.status !== 'NT_STATUS_OK')).toEqual([]);
    expect(samples.length).toBeGreaterThan(10);
    expect(most).toBeGreaterThan(0); // ss saw the connections at all
    expect(most).toBeLessThanOrEqual(BIND_POOL_SIZE + POOL_SIZE);
  },
);
