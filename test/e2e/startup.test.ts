/**
 * Start-up: a bad config names the file, the path inside it and the problem, and the process exits
 * non-zero before listening; the demo config serves and prints a line to paste.
 */
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoConfig, serveOnce, startDirbridge } from './support/dirbridge-process.js';

describe('start-up', () => {
  it.each([
    ['a limit of the wrong type', { limits: { maxConnections: 'many' } }, 'limits.maxConnections'],
    ['an unknown setting', { directory: { suffix: 'dc=x', sizeLimt: 5 } }, 'directory'],
    ['an unknown source type', { sources: [{ name: 'x', type: 'nosuchtype' }] }, 'sources[0].type'],
    ['a file source without a path', { sources: [{ name: 'x', type: 'file' }] }, 'sources[0]'],
  ])('%s stops start-up with the file, the path and the problem', (_what, overrides, path) => {
    const { status, stderr, file } = serveOnce(demoConfig(overrides));
    expect(status).not.toBe(0);
    expect(stderr).toContain(file);
    expect(stderr).toContain(path);
    expect(stderr).not.toContain('serving');
  });

  it('a CSV that does not exist stops start-up naming the source', () => {
    const { status, stderr } = serveOnce(
      demoConfig({ sources: [{ name: 'gone', type: 'file', path: '/nonexistent/people.csv' }] }),
    );
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/gone/);
    expect(stderr).toMatch(/nonexistent\/people\.csv/);
  });

  // Each is the one line on stderr: in plain words rather than Node's (`EADDRINUSE: address already
  // in use ...`, `ENOENT: no such file or directory, open ...`), and before any log line (the port is
  // bound before the sources load, and the certificate read before either).
  it('a port in use stops start-up with one line naming the file and listen[0].url', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const { status, stderr, file } = serveOnce(
        demoConfig({ listen: [{ url: `ldap://127.0.0.1:${port}` }] }),
      );
      expect(status).toBe(1);
      expect(stderr).toBe(
        `dirbridge: ${file}: listen[0].url: port ${port} on 127.0.0.1 is already in use by another program\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a certificate file that does not exist stops start-up with one line naming the file and tls.cert', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'dirbridge-startup-')), 'server.pem');
    const { status, stderr, file } = serveOnce(demoConfig({ tls: { cert: missing, key: missing } }));
    expect(status).toBe(1);
    expect(stderr).toBe(`dirbridge: ${file}: tls.cert: cannot read ${missing}: it does not exist\n`);
  });

  it('the demo config serves and prints an ldapsearch line', async () => {
    const server = await startDirbridge();
    try {
      expect(server.output()).toMatch(
        /Try: ldapsearch -x -H ldap:\/\/127\.0\.0\.1:\d+ -b 'dc=dirbridge,dc=local'/,
      );
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
