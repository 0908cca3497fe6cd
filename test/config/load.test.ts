import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import type { SourceTypeSchema } from '../../src/config/source-type-schema.js';
import { FILE_SOURCE as FILE_SOURCE_TYPE } from '../../src/sources/file/descriptor.js';
import { loadTestConfig } from '../support/load-test-config.js';

/** A type a test registers, with one setting of its own. */
const SLOW_SOURCE_TYPE: SourceTypeSchema = {
  type: 'slow',
  description: 'A test source that answers slowly.',
  settings: {
    properties: {
      mode: { description: 'Live only.', enum: ['live'], default: 'live' },
      delayMs: { description: 'Milliseconds between records.', type: 'integer', minimum: 0 },
    },
  },
  pathSettings: [],
};

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-config-'));

function configFile(name: string, yaml: string): string {
  const file = join(folder, name);
  writeFileSync(file, yaml);
  return file;
}

async function configError(
  file: string,
  options?: Parameters<typeof loadTestConfig>[1],
): Promise<ConfigError> {
  const error: unknown = await loadTestConfig(file, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const FILE_SOURCE = 'sources:\n  - name: demo\n    type: file\n    path: people.csv\n';

describe('loadConfig', () => {
  it('loads config/default.yaml with every default applied', async () => {
    const config = await loadTestConfig('config/default.yaml');
    expect(config).toEqual({
      file: 'config/default.yaml',
      listen: [{ url: 'ldap://127.0.0.1:1389' }],
      listenerThreads: 0,
      directory: {
        suffix: 'dc=dirbridge,dc=local',
        sizeLimit: 1000,
        maxPageSize: 1000,
        timeLimit: 30,
        defaultCountry: 'DE',
        dataDir: resolve('config/data'),
      },
      limits: {
        maxConnections: 4096,
        shutdownTimeout: 10,
        idleTimeout: 900,
        requestTimeout: 30,
        writeTimeout: 30,
        maxRequestBytes: 1048576,
        maxQueuedBytes: 1048576,
        maxFilterDepth: 64,
        maxFilterNodes: 2048,
        maxFilterEvaluations: 2000000,
      },
      access: {
        anonymous: true,
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
      },
      log: { level: 'info' },
      views: {},
      sources: [
        {
          name: 'demo',
          type: 'file',
          mode: 'replica',
          maxDeletes: '10%',
          maxStale: 3600,
          path: resolve('config/demo-phonebook.csv'),
          kind: 'both',
          multiValueSeparator: '|',
          encoding: 'utf8',
        },
      ],
    });
  });

  it('fills defaults for a minimal config: listen, anonymous off', async () => {
    const config = await loadTestConfig(configFile('minimal.yaml', FILE_SOURCE));
    expect(config.listen).toEqual([{ url: 'ldap://127.0.0.1:1389' }]);
    expect(config.access.anonymous).toBe(false);
    expect(config.sources[0]?.path).toBe(join(folder, 'people.csv'));
  });

  it('reads the balancers a listener takes PROXY headers from, and names a bad address at its place', async () => {
    const listen = (from: string): string =>
      `listen:\n  - url: ldap://0.0.0.0:1389\n    proxyProtocol: { from: ${from} }\n${FILE_SOURCE}`;
    const config = await loadTestConfig(configFile('proxied.yaml', listen('[10.0.0.5, "fd00::/8"]')));
    expect(config.listen).toEqual([
      { url: 'ldap://0.0.0.0:1389', proxyProtocol: { from: ['10.0.0.5', 'fd00::/8'] } },
    ]);
    const error = await configError(configFile('proxied-bad.yaml', listen('[10.0.0.5, balancer1]')));
    expect(error.message).toContain(
      "listen[0].proxyProtocol.from[1]: 'balancer1' is not an IP address or a CIDR range such as 10.0.0.0/8",
    );
    expect((await configError(configFile('proxied-empty.yaml', listen('[]')))).message).toContain(
      'listen[0].proxyProtocol.from',
    );
  });

  it('keeps absolute paths and resolves relative ones against the config folder, not the working directory', async () => {
    const config = await loadTestConfig(
      configFile(
        'paths.yaml',
        'sources:\n  - { name: a, type: file, path: /srv/a.csv }\n  - { name: b, type: file, path: ../b.ldif }\n',
      ),
    );
    expect(config.sources.map((source) => source.path)).toEqual(['/srv/a.csv', resolve(folder, '../b.ldif')]);
  });

  it('accepts source types registered at run time, with their own settings and defaults', async () => {
    const file = configFile('slow.yaml', 'sources:\n  - { name: slow, type: slow, delayMs: 50 }\n');
    const config = await loadTestConfig(file, { sourceTypes: [FILE_SOURCE_TYPE, SLOW_SOURCE_TYPE] });
    expect(config.sources[0]).toEqual({
      name: 'slow',
      type: 'slow',
      mode: 'live',
      delayMs: 50,
      maxDeletes: '10%',
      maxStale: 3600,
    });
    const typo = configFile('slow-typo.yaml', 'sources:\n  - { name: slow, type: slow, delayMS: 50 }\n');
    const error = await configError(typo, { sourceTypes: [SLOW_SOURCE_TYPE] });
    expect(error.message).toContain("sources[0].delayMS: unknown setting (did you mean 'delayMs'?)");
  });

  it('accepts map values that are a field or a list of fields', async () => {
    const yaml = `${FILE_SOURCE}    map: { mobile: CellPhoneNumber, userPrincipalName: [userPrincipalName, mail] }\n`;
    const config = await loadTestConfig(configFile('map-lists.yaml', yaml));
    expect(config.sources[0]?.map).toEqual({
      mobile: 'CellPhoneNumber',
      userPrincipalName: ['userPrincipalName', 'mail'],
    });
  });

  it('names the file when it cannot be read', async () => {
    const error = await configError(join(folder, 'missing.yaml'));
    expect(error.message).toContain('missing.yaml: cannot read the config');
  });

  it('reports an empty file', async () => {
    const error = await configError(configFile('empty.yaml', ''));
    expect(error.message).toBe(
      `${join(folder, 'empty.yaml')}: the file is empty: it needs at least \`sources\``,
    );
  });

  it('gives one line per problem, all at once', async () => {
    const file = configFile(
      'many.yaml',
      'directory:\n  sizeLimit: 0\nlimits:\n  maxConnections: -5\nsources:\n  - { name: a, type: file }\n',
    );
    const error = await configError(file);
    expect(error.message.split('\n')).toEqual([
      `${file}: directory.sizeLimit: must be >= 1 (line 2, column 14)`,
      `${file}: limits.maxConnections: must be >= 1 (line 4, column 19)`,
      `${file}: sources[0].path: is required (line 6, column 5)`,
    ]);
    expect(error.problems).toHaveLength(3);
  });

  describe('rejects an invalid config with the file, the path inside it and the problem', () => {
    const cases: readonly {
      name: string;
      yaml: string;
      path: string;
      problem: string;
      options?: { sourceTypes: readonly SourceTypeSchema[] };
    }[] = [
      {
        name: 'YAML syntax error (with line and column)',
        yaml: 'sources:\n  - name: a\n   type: file\n',
        path: '',
        problem: 'YAML syntax error',
      },
      {
        name: 'duplicate YAML key',
        yaml: `${FILE_SOURCE}sources: []\n`,
        path: '',
        problem: 'YAML syntax error: Map keys must be unique',
      },
      {
        name: 'unknown top-level key',
        yaml: `${FILE_SOURCE}listener: []\n`,
        path: 'listener',
        problem: 'unknown setting',
      },
      {
        name: 'misspelt key (with a suggestion)',
        yaml: `directory:\n  sizelimit: 10\n${FILE_SOURCE}`,
        path: 'directory.sizelimit',
        problem: "unknown setting (did you mean 'sizeLimit'?)",
      },
      {
        name: 'unknown file source setting',
        yaml: `${FILE_SOURCE}    seperator: ';'\n`,
        path: 'sources[0].seperator',
        problem: 'unknown setting',
      },
      {
        name: 'wrong type',
        yaml: `directory:\n  timeLimit: soon\n${FILE_SOURCE}`,
        path: 'directory.timeLimit',
        problem: 'must be a whole number',
      },
      {
        name: 'negative limit',
        yaml: `limits:\n  idleTimeout: -1\n${FILE_SOURCE}`,
        path: 'limits.idleTimeout',
        problem: 'must be >= 1',
      },
      {
        name: 'an output queue smaller than one socket buffer',
        yaml: `limits:\n  maxQueuedBytes: 4096\n${FILE_SOURCE}`,
        path: 'limits.maxQueuedBytes',
        problem: 'must be >= 16384',
      },
      {
        name: 'bad enum value',
        yaml: `log:\n  level: loud\n${FILE_SOURCE}`,
        path: 'log.level',
        problem: 'must be one of: fatal, error, warn, info, debug, trace, silent',
      },
      {
        name: 'bad country',
        yaml: `directory:\n  defaultCountry: de\n${FILE_SOURCE}`,
        path: 'directory.defaultCountry',
        problem: 'must be two upper-case letters',
      },
      {
        name: 'listener that is not an LDAP URL',
        yaml: `listen:\n  - url: http://0.0.0.0:80\n${FILE_SOURCE}`,
        path: 'listen[0].url',
        problem: 'must be an ldap:// or ldaps:// URL',
      },
      {
        name: 'listener port out of range',
        yaml: `listen:\n  - url: ldap://0.0.0.0:70000\n${FILE_SOURCE}`,
        path: 'listen[0].url',
        problem: 'port 70000 is out of range',
      },
      { name: 'no sources', yaml: 'sources: []\n', path: 'sources', problem: 'must have at least 1 entry' },
      { name: 'sources missing', yaml: 'log: { level: info }\n', path: 'sources', problem: 'is required' },
      {
        name: 'duplicate source names (ignoring case)',
        yaml: `${FILE_SOURCE}  - { name: Demo, type: file, path: other.csv }\n`,
        path: 'sources[1].name',
        problem: "duplicate source name 'Demo' (also sources[0].name)",
      },
      {
        name: 'bad source name',
        yaml: 'sources:\n  - { name: "my source", type: file, path: x.csv }\n',
        path: 'sources[0].name',
        problem: 'must be made of letters',
      },
      {
        name: 'unknown source type',
        yaml: `${FILE_SOURCE}  - { name: b, type: foo, url: x }\n`,
        path: 'sources[1].type',
        problem: "unknown source type 'foo' (known: file, ldap, ad, domino, graph, google, ews)",
      },
      {
        name: 'unknown source type, known types given by the caller',
        yaml: 'sources:\n  - { name: b, type: foo }\n',
        path: 'sources[0].type',
        problem: "unknown source type 'foo' (known: file, slow)",
        options: { sourceTypes: [FILE_SOURCE_TYPE, SLOW_SOURCE_TYPE] },
      },
      {
        name: 'missing file path',
        yaml: 'sources:\n  - name: demo\n    type: file\n',
        path: 'sources[0].path',
        problem: 'is required',
      },
      {
        name: 'file source in live mode',
        yaml: `${FILE_SOURCE}    mode: live\n`,
        path: 'sources[0].mode',
        problem: "must be 'replica'",
      },
      {
        name: 'bad file format',
        yaml: `${FILE_SOURCE}    format: xlsx\n`,
        path: 'sources[0].format',
        problem: 'must be one of: csv, ldif',
      },
      {
        name: 'map value that is not a field name',
        yaml: `${FILE_SOURCE}    map: { telephoneNumber: 42 }\n`,
        path: 'sources[0].map.telephoneNumber',
        problem: 'must be a field name, or a non-empty list of field names',
      },
      {
        name: 'map value that is an empty list',
        yaml: `${FILE_SOURCE}    map: { userPrincipalName: [] }\n`,
        path: 'sources[0].map.userPrincipalName',
        problem: 'must be a field name, or a non-empty list of field names',
      },
      {
        name: 'map list holding something other than field names',
        yaml: `${FILE_SOURCE}    map: { mobile: [mobile, { a: 1 }] }\n`,
        path: 'sources[0].map.mobile',
        problem: 'must be a field name, or a non-empty list of field names',
      },
    ];

    it.each(cases)('$name', async ({ name, yaml, path, problem, options }) => {
      const file = configFile(`${name.replace(/\W+/g, '-')}.yaml`, yaml);
      const error = await configError(file, options);
      const line = error.message.split('\n').find((text) => text.includes(problem));
      expect(line, error.message).toBeDefined();
      expect(line!.startsWith(`${file}: ${path === '' ? '' : `${path}: `}`)).toBe(true);
    });
  });

  it('gives YAML syntax errors a line and column', async () => {
    const file = configFile('syntax.yaml', 'sources:\n  - name: a\n   type: file\n');
    const error = await configError(file);
    expect(error.problems[0]).toMatchObject({ path: '', line: 3 });
    expect(error.problems[0]?.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^.*syntax\.yaml: YAML syntax error: .* \(line 3, column \d+\)/);
  });

  it('does not expand aliases without bound', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      FILE_SOURCE,
    ].join('\n');
    const error = await configError(configFile('bomb.yaml', bomb));
    expect(error.message).toContain('bomb.yaml: cannot be read: Excessive alias count');
  });
});

describe('replica settings', () => {
  it('resolves directory.dataDir against the config folder and reads maxDeletes as a count or a share', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dirbridge-datadir-'));
    const file = join(folder, 'config.yaml');
    writeFileSync(
      file,
      'directory: { dataDir: state }\nsources:\n  - { name: a, type: file, path: a.csv, maxDeletes: 250 }\n  - { name: b, type: file, path: b.csv, maxDeletes: 12.5% }\n',
    );
    const config = await loadTestConfig(file);
    expect(config.directory.dataDir).toBe(join(folder, 'state'));
    expect(config.sources.map((source) => source.maxDeletes)).toEqual([250, '12.5%']);
  });

  it.each(['-1', '10 percent', '150%', '5.5', 'true'])('refuses maxDeletes: %s', async (value) => {
    const folder = mkdtempSync(join(tmpdir(), 'dirbridge-maxdeletes-'));
    const file = join(folder, 'config.yaml');
    writeFileSync(file, `sources:\n  - { name: a, type: file, path: a.csv, maxDeletes: ${value} }\n`);
    await expect(loadTestConfig(file)).rejects.toThrow(/sources\[0\]\.maxDeletes/);
  });
});
