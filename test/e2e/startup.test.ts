/**
 * Start-up: a bad config names the file, the path inside it and the problem, and the process exits
 * non-zero before listening; the demo config serves and prints a line to paste.
 */
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
