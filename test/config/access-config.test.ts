/** The `access` section as the loader reads it: defaults, accounts, secrets and the errors it gives. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password-hash.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadTestConfig } from '../support/load-test-config.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-access-'));
const SOURCES =
  'sources:\n  - { name: people, type: file, path: p.csv }\n  - { name: staff, type: file, path: s.csv }\n';
let hash: string;

beforeAll(async () => {
  hash = await hashPassword(Buffer.from('secret'), { N: 1024, r: 8, p: 1 });
});

function configFile(name: string, yaml: string): string {
  const file = join(folder, name);
  writeFileSync(file, yaml);
  return file;
}

async function problems(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const file = configFile('bad.yaml', yaml);
  const error: unknown = await loadTestConfig(file, { env }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message.split('\n').map((line) => line.replace(`${file}: `, ''));
}

describe('access config', () => {
  it('applies the defaults: no anonymous reads, no accounts, loopback trusted, throttling on', async () => {
    const config = await loadTestConfig(configFile('minimal.yaml', SOURCES));
    expect(config.access).toEqual({
      anonymous: false,
      accounts: [],
      trustedAddresses: [],
      trustLoopback: true,
      throttle: {
        loginFailures: 5,
        addressFailures: 50,
        delay: 1,
        maxDelay: 30,
        decay: 60,
        maxTracked: 10000,
      },
      signedOn: {},
    });
  });

  it('reads accounts, anonymous read lists and trusted addresses, with account defaults', async () => {
    const yaml = [
      'access:',
      '  anonymous: { read: [people] }',
      '  trustedAddresses: [10.1.0.0/16, "192.0.2.10", "fd00::/8"]',
      '  trustLoopback: false',
      '  throttle: { loginFailures: 3, delay: 0.5 }',
      '  accounts:',
      `    - { name: pbx, passwordHash: "${hash}", sensitive: [userPassword] }`,
      `    - { name: phones, passwordHash: "${hash}", read: [people] }`,
      SOURCES,
    ].join('\n');
    const { access } = await loadTestConfig(configFile('full.yaml', yaml));
    expect(access.anonymous).toEqual({ read: ['people'] });
    expect(access.trustedAddresses).toEqual(['10.1.0.0/16', '192.0.2.10', 'fd00::/8']);
    expect(access.trustLoopback).toBe(false);
    expect(access.throttle).toMatchObject({ loginFailures: 3, delay: 0.5, maxDelay: 30 });
    expect(access.accounts).toEqual([
      { name: 'pbx', passwordHash: hash, read: 'all', sensitive: ['userPassword'] },
      { name: 'phones', passwordHash: hash, read: ['people'], sensitive: [] },
    ]);
  });

  it('takes a password hash from the environment or a file', async () => {
    const hashFile = join(folder, 'pbx.hash');
    writeFileSync(hashFile, `${hash}\n`);
    const yaml = [
      'access:',
      '  accounts:',
      '    - { name: pbx, passwordHash: "${env:PBX_HASH}" }',
      `    - { name: phones, passwordHash: "file:pbx.hash" }`,
      SOURCES,
    ].join('\n');
    const { access } = await loadTestConfig(configFile('secrets.yaml', yaml), { env: { PBX_HASH: hash } });
    expect(access.accounts.map((account) => account.passwordHash)).toEqual([hash, hash]);
  });

  it('names the config path of a missing environment variable once, without checking the placeholder', async () => {
    const yaml = `access:\n  accounts:\n    - name: pbx\n      passwordHash: \${env:PBX_HASH}\n${SOURCES}`;
    expect(await problems(yaml)).toEqual([
      'access.accounts[0].passwordHash: environment variable PBX_HASH is not set (line 4, column 21)',
    ]);
  });

  it('reports every problem of the access section, each at its place', async () => {
    const yaml = [
      'access:',
      '  anonymous: sometimes',
      '  trustedAddresses: [10.0.0.0/33, printer]',
      '  accounts:',
      `    - { name: pbx, passwordHash: "${hash}", read: [people, hr], sensitive: [userpassword] }`,
      `    - { name: PBX, passwordHash: "$scrypt$N=1048576,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }`,
      '    - { name: "bad name", passwordHash: secret, read: everything }',
      '  throttle: { delay: -1, maxTracked: 5 }',
      SOURCES,
    ].join('\n');
    const lines = await problems(yaml);
    // Sorted by line; problems on one line come in no particular order.
    expect(lines.map((line) => line.replace(/ \(line \d+, column \d+\)$/, '')).sort()).toEqual(
      [
        'access.anonymous: must be true, false, or a mapping with `read` (a list of source names, or `all`)',
        "access.trustedAddresses[0]: '10.0.0.0/33': the prefix length must be 0 to 32",
        "access.trustedAddresses[1]: 'printer' is not an IP address or a CIDR range such as 10.0.0.0/8",
        "access.accounts[0].read[1]: no source named 'hr' (sources: people, staff)",
        'access.accounts[0].sensitive[0]: must be one of: userPassword, wuserPasswordSip',
        "access.accounts[1].name: duplicate account name 'PBX' (also access.accounts[0].name)",
        'access.accounts[1].passwordHash: scrypt N=1048576,r=8 needs more than 64 MiB per bind',
        "access.accounts[2].name: must be made of letters, digits, '.', '_' and '-', starting with a letter or digit",
        'access.accounts[2].passwordHash: must be a hash printed by `dirbridge hash-password` ($scrypt$N=…,r=…,p=…$<salt>$<hash>)',
        'access.accounts[2].read: must be `all` or a list of source names',
        'access.throttle.delay: must be >= 0',
        'access.throttle.maxTracked: must be >= 100',
      ].sort(),
    );
    expect(lines[0]).toMatch(/^access\.anonymous: .* \(line 2, column 14\)$/);
    expect(lines.join('\n')).not.toContain('AAAAAAAA');
  });

  it('requires read in the mapping form of anonymous', async () => {
    expect(await problems(`access:\n  anonymous: {}\n${SOURCES}`)).toEqual([
      expect.stringMatching(/^access\.anonymous: must be true, false, or a mapping with `read`/),
    ]);
  });
});
