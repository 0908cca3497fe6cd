/** The `admin` settings and each source's `maxStale`, as the config loader checks and defaults them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTestConfig } from '../support/load-test-config.js';

const SOURCE = 'sources:\n  - name: demo\n    type: file\n    path: people.csv\n';

function configFile(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-admin-config-'));
  writeFileSync(join(folder, 'people.csv'), 'cn,telephoneNumber\nAda,+4930123\n');
  const file = join(folder, 'config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('admin config', () => {
  it('is off unless set, and each source may be stale an hour by default', async () => {
    const config = await loadTestConfig(configFile(SOURCE));
    expect(config.admin).toBeUndefined();
    expect(config.sources[0]!.maxStale).toBe(3600);
  });

  it('takes an http://host:port and a token of 16 characters or more', async () => {
    const config = await loadTestConfig(
      configFile(
        `${SOURCE}    maxStale: 300\nadmin:\n  listen: http://[::1]:9389\n  token: 0123456789abcdef\n`,
      ),
    );
    expect(config.admin).toEqual({ listen: 'http://[::1]:9389', token: '0123456789abcdef' });
    expect(config.sources[0]!.maxStale).toBe(300);
  });

  it('takes the host names it answers to without a token, and refuses what is no DNS name', async () => {
    const listen = 'admin:\n  listen: http://0.0.0.0:9389\n';
    const config = await loadTestConfig(configFile(`${SOURCE}${listen}  hosts: [dir.example.com]\n`));
    expect(config.admin).toEqual({ listen: 'http://0.0.0.0:9389', hosts: ['dir.example.com'] });
    await expect(
      loadTestConfig(configFile(`${SOURCE}${listen}  hosts: ['evil.example:80']\n`)),
    ).rejects.toThrow(/admin\.hosts/);
  });

  it('refuses https, a missing port, a short token and unknown keys, naming the setting', async () => {
    for (const [admin, problem] of [
      ['listen: https://127.0.0.1:9389', /admin\.listen/],
      ['listen: http://127.0.0.1', /admin\.listen/],
      ['listen: http://127.0.0.1:9389\n  token: short', /admin\.token/],
      ['listen: http://127.0.0.1:9389\n  port: 1', /admin.*port/],
    ] as const)
      await expect(loadTestConfig(configFile(`${SOURCE}admin:\n  ${admin}\n`))).rejects.toThrow(problem);
  });
});
