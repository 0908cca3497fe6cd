/** The `tls` section of the config: defaults, paths, and the mistakes the loader must name. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadTestConfig } from '../support/load-test-config.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-tls-config-'));
const SOURCES = 'sources:\n  - { name: demo, type: file, path: people.csv }\n';

function configFile(name: string, yaml: string): string {
  const file = join(folder, name);
  writeFileSync(file, `${yaml}${SOURCES}`);
  return file;
}

async function problemLines(file: string): Promise<string[]> {
  const error: unknown = await loadTestConfig(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message.split('\n');
}

describe('tls config', () => {
  it('is absent unless configured', async () => {
    const config = await loadTestConfig(configFile('none.yaml', ''));
    expect(config.tls).toBeUndefined();
  });

  it('defaults to TLS 1.2 and no client certificates, and resolves paths against the config folder', async () => {
    const config = await loadTestConfig(
      configFile('relative.yaml', 'tls: { cert: tls/cert.pem, key: ../key.pem, ca: /etc/ca.pem }\n'),
    );
    expect(config.tls).toEqual({
      cert: join(folder, 'tls/cert.pem'),
      key: join(folder, '../key.pem'),
      ca: '/etc/ca.pem',
      minVersion: 'TLSv1.2',
      requestClientCert: false,
    });
  });

  it('accepts ldaps:// listeners and TLS 1.3 when tls is set', async () => {
    const config = await loadTestConfig(
      configFile(
        'ldaps.yaml',
        'listen:\n  - url: ldap://0.0.0.0:1389\n  - url: ldaps://[::]:1636\n' +
          'tls: { cert: c.pem, key: k.pem, minVersion: TLSv1.3 }\n',
      ),
    );
    expect(config.listen.map((listener) => listener.url)).toEqual([
      'ldap://0.0.0.0:1389',
      'ldaps://[::]:1636',
    ]);
    expect(config.tls?.minVersion).toBe('TLSv1.3');
  });

  const cases: { name: string; yaml: string; path: string; problem: string }[] = [
    {
      name: 'ldaps listener without tls',
      yaml: 'listen:\n  - url: ldap://0.0.0.0:1389\n  - url: ldaps://0.0.0.0:1636\n',
      path: 'listen[1].url',
      problem: 'an ldaps:// listener needs the `tls` section',
    },
    { name: 'missing cert', yaml: 'tls: { key: k.pem }\n', path: 'tls.cert', problem: 'is required' },
    { name: 'missing key', yaml: 'tls: { cert: c.pem }\n', path: 'tls.key', problem: 'is required' },
    {
      name: 'TLS 1.1',
      yaml: 'tls: { cert: c.pem, key: k.pem, minVersion: TLSv1.1 }\n',
      path: 'tls.minVersion',
      problem: 'must be one of: TLSv1.2, TLSv1.3',
    },
    {
      name: 'client certificates without a CA',
      yaml: 'tls: { cert: c.pem, key: k.pem, requestClientCert: true }\n',
      path: 'tls.ca',
      problem: 'is required',
    },
    {
      name: 'typo in a tls setting',
      yaml: 'tls: { cert: c.pem, key: k.pem, minVersoin: TLSv1.3 }\n',
      path: 'tls.minVersoin',
      problem: "did you mean 'minVersion'?",
    },
  ];

  it.each(cases)('$name is named with its path', async ({ name, yaml, path, problem }) => {
    const file = configFile(`${name.replace(/\W+/g, '-')}.yaml`, yaml);
    const lines = await problemLines(file);
    const line = lines.find((text) => text.includes(problem));
    expect(line, lines.join('\n')).toBeDefined();
    expect(line!.startsWith(`${file}: ${path}: `)).toBe(true);
  });
});
