/**
 * The operator's command line, run as the operator runs it (`node dist/cli.js ...`): help and exit
 * codes, check (a good source, a missing file, bad rows), fields, search (LDIF parsed back), export
 * in both formats (the CSV served again as a file source gives the same entries), and status against
 * a running server's cn=Monitor with a service account — which anonymous binds may not read.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestCa } from '../../scripts/test-backends/test-ca.js';
import { runCli } from './support/cli-process.js';
import { demoRows } from './support/demo-data.js';
import {
  DEMO_CSV,
  SUFFIX,
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch, parseLdif, type LdifEntry } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';
import { scryptHash } from './support/scrypt-hash.js';

const OPS_PASSWORD = registerTestSecret('ops-Monitor-pw-7319');
const COMMANDS = ['serve', 'check', 'fields', 'search', 'export', 'status'];

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-cli-'));
const demo = writeConfig(demoConfig());

/** What `dirbridge hash-password` prints, made here with node:crypto so the test does not rely on it. */

function configWith(sources: readonly Record<string, unknown>[]): string {
  return writeConfig(demoConfig({ sources }));
}

function writeFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

/** An entry without its DN's mount, to compare entries served by two sources. */
function comparable(entry: LdifEntry): { uuid: string; attributes: Record<string, string[]> } {
  return { uuid: entry.attributes.entryUUID?.[0] ?? '', attributes: entry.attributes };
}

describe('help and usage', () => {
  it.each(COMMANDS)('%s --help shows its usage and exits 0', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: dirbridge ${command}`);
    expect(result.stdout).toContain('Exit status:');
  });

  it('--help lists every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of [...COMMANDS, 'hash-password']) expect(result.stdout).toContain(command);
  });

  it('an unknown command, a missing argument and a bad option value exit 2 with one line', async () => {
    for (const args of [['chek'], ['search'], ['search', '-s', 'deep', '(cn=x)'], ['export', '--bogus']]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^dirbridge: /);
      expect(result.stdout).toBe('');
    }
  });
});

describe('check', () => {
  it('passes a good source, with its steps and two samples as presented', async () => {
    const result = await runCli(['check', '--config', demo]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ok {2}read /);
    expect(result.stdout).toMatch(/ok {2}count +300 records/);
    expect(result.stdout).toContain(`sample 1: entryUUID=`);
    expect(result.stdout).toContain(`,ou=demo,${SUFFIX}`);
    expect(result.stdout).toContain('sample 2: ');
    expect(result.stdout).toContain('PASSED');
  });

  it('names the failing step: a missing file fails at "read", bad rows at "parse"; exit 1', async () => {
    const badRows = writeFile(
      'bad-rows.csv',
      'id,cn,sn\nr1,Anna Müller,Müller\n,No Id,Nobody\nr3,"never closed,x\n',
    );
    const config = configWith([
      { name: 'demo', type: 'file', path: DEMO_CSV },
      { name: 'gone', type: 'file', path: join(folder, 'no-such.csv') },
      { name: 'rows', type: 'file', path: badRows },
    ]);
    const result = await runCli(['check', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/gone \(file, replica\)[\s\S]*FAILED at step "read": .*no-such\.csv/);
    expect(result.stdout).toMatch(/rows \(file, replica\)[\s\S]*FAILED at step "parse": .*line \d/);
    expect(result.stdout).toContain('3 sources checked: 2 failed (gone, rows).');
  });

  it('--source checks one source; an unknown one is a usage error', async () => {
    const config = configWith([
      { name: 'demo', type: 'file', path: DEMO_CSV },
      { name: 'gone', type: 'file', path: join(folder, 'no-such.csv') },
    ]);
    const one = await runCli(['check', '--config', config, '--source', 'demo']);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('gone');
    const unknown = await runCli(['check', '--config', config, '--source', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no source named "nope" (sources: demo, gone)');
  });
});

describe('fields', () => {
  it('lists the fields, what each fills under the map, and map entries naming no field', async () => {
    const csv = writeFile('fields.csv', 'id,cn,sn,officePhone\nf1,Anna Müller,Müller,+49 30 1234\n');
    const config = configWith([
      {
        name: 'staff',
        type: 'file',
        path: csv,
        map: { telephoneNumber: 'officePhone', mobile: 'cellPhone' },
      },
    ]);
    const result = await runCli(['fields', '--config', config]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('staff (file)');
    expect(result.stdout).toMatch(/officePhone +telephoneNumber +1/);
    expect(result.stdout).toMatch(/\n {2}cn +cn +1/);
    expect(result.stdout).toMatch(/\n {2}id +- +1/);
    expect(result.stdout).toContain('map: mobile <- cellPhone, but the source has no field cellPhone');
  });
});

describe('search', () => {
  it('prints LDIF that parses back, non-ASCII values in base64 (RFC 2849)', async () => {
    const result = await runCli(['search', '--config', demo, '(sn=müller)', 'cn', 'telephoneNumber']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^cn:: /m);
    const entries = parseLdif(result.stdout);
    const expected = demoRows().filter((row) => (row.sn ?? []).some((sn) => sn.toLowerCase() === 'müller'));
    expect(entries.map((e) => e.attributes.cn?.[0]).sort()).toEqual(expected.map((row) => row.cn![0]).sort());
    for (const entry of entries)
      expect(Object.keys(entry.attributes).sort()).toEqual(['cn', 'telephoneNumber']);
  });

  it('answers like the server: same entries as ldapsearch for the same search', async () => {
    const server = await startDirbridge({ logName: 'search-compare' });
    try {
      const filter = '(|(cn=*jörg*)(mobile=*1234567*))';
      const cli = parseLdif((await runCli(['search', '--config', demo, filter, 'cn', 'mobile'])).stdout);
      const ldap = await ldapsearch(server.url, filter, { attributes: ['cn', 'mobile'] });
      expect(cli).toEqual(ldap.entries);
      expect(cli.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });

  it('takes --base, --scope and --size-limit', async () => {
    const base = await runCli([
      'search',
      '--config',
      demo,
      '--base',
      SUFFIX,
      '--scope',
      'base',
      '(objectClass=*)',
    ]);
    expect(parseLdif(base.stdout).map((e) => e.dn)).toEqual([SUFFIX]);
    const limited = await runCli(['search', '--config', demo, '-z', '3', '(objectClass=person)', 'cn']);
    expect(limited.code).toBe(0);
    expect(parseLdif(limited.stdout)).toHaveLength(3);
    expect(limited.stderr).toContain('size limit 3 reached');
  });

  it('--view searches and prints in the names of that view (seed-ad: Extension <- telephoneNumber)', async () => {
    const anna = demoRows().find((row) => row.cn?.[0] === 'Anna Müller')!;
    const args = ['search', '--config', demo, '--view', 'seed-ad'];
    // seed-ad's clients say ipPhone for the presented telephoneNumber, and telephoneNumber for ipPhone.
    const result = await runCli([
      ...args,
      `(ipPhone=${anna.telephoneNumber![0]!})`,
      'ipPhone',
      'telephoneNumber',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [entry, ...others] = parseLdif(result.stdout);
    expect(others).toEqual([]);
    expect(entry!.attributes).toEqual({ ipPhone: anna.telephoneNumber, telephoneNumber: anna.ipPhone });
    const unknown = await runCli(['search', '--config', demo, '--view', 'seed-nope', '(cn=*)']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--view: no view named 'seed-nope'");
  });

  it('a bad filter is a usage error (2); a base that does not exist an error (1)', async () => {
    const filter = await runCli(['search', '--config', demo, '(cn=x']);
    expect(filter.code).toBe(2);
    expect(filter.stderr).toContain('invalid LDAP filter');
    const missing = await runCli(['search', '--config', demo, '--base', `ou=nope,${SUFFIX}`, '(cn=*)']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`ou=nope,${SUFFIX}: no such entry`);
  });
});

describe('export', () => {
  let ldif: LdifEntry[];

  beforeAll(async () => {
    const result = await runCli(['export', '--config', demo]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith('version: 1\n')).toBe(true);
    expect(result.stderr).toBe(''); // no progress bar on a pipe
    ldif = parseLdif(result.stdout.replace(/^version: 1\n/, ''));
  });

  it('LDIF: every entry of every source, with its entryUUID, and nothing else', () => {
    expect(ldif).toHaveLength(demoRows().length);
    for (const entry of ldif) {
      expect(entry.dn).toMatch(new RegExp(`^entryUUID=[0-9a-f-]{36},ou=demo,${SUFFIX}$`));
      expect(entry.attributes.entryUUID).toHaveLength(1);
    }
  });

  it('CSV: written to --output, and served again as a file source it gives the same entries', async () => {
    const output = join(folder, 'export.csv');
    const result = await runCli(['export', '--config', demo, '--format', 'csv', '--output', output]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const csv = readFileSync(output, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^entryUUID,objectClass,/);
    expect(csv).toContain('+49 170 1234567|0171 7654321'); // several values joined with |

    const again = configWith([{ name: 'again', type: 'file', path: output }]);
    const reexport = await runCli(['export', '--config', again]);
    expect(reexport.code, reexport.stderr).toBe(0);
    const reimported = parseLdif(reexport.stdout.replace(/^version: 1\n/, ''));
    expect(reimported.map(comparable)).toEqual(ldif.map(comparable));
    expect(reimported[0]!.dn).toContain(`,ou=again,${SUFFIX}`);
  });

  it('an output that cannot be written is an error (1) and leaves no file', async () => {
    const result = await runCli(['export', '--config', demo, '--output', join(folder, 'missing/x.ldif')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^dirbridge: cannot write .*missing\/x\.ldif/);
  });
});

describe('status and cn=Monitor', () => {
  let server: DirbridgeProcess;
  let config: string;
  const passwordFile = writeFile('ops.password', `${OPS_PASSWORD}\n`);

  beforeAll(async () => {
    const overrides = {
      access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    };
    server = await startDirbridge({ config: overrides, logName: 'monitor' });
    // status reads the listener from the config: the one the server really listens on.
    config = writeConfig(demoConfig({ ...overrides, listen: [{ url: server.url }] }));
  });

  afterAll(async () => {
    await server.stop();
  });

  it('prints the sources, listeners and connections of the running server (password file)', async () => {
    const result = await runCli([
      'status',
      '--config',
      config,
      '--bind-name',
      'ops',
      '--password-file',
      passwordFile,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^dirbridge \d+\.\d+\.\d+ at ldap:\/\/127\.0\.0\.1:\d+, up since \d{4}-/);
    expect(result.stdout).toMatch(
      /\ndemo +file +replica +ready +300 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +-\n/,
    );
    expect(result.stdout).toContain(server.url);
    expect(result.stdout).toMatch(/Connections: \d+ open, \d+ accepted since start/);
  });

  it('takes the password from DIRBRIDGE_PASSWORD and the server from --url', async () => {
    const result = await runCli(['status', '--url', server.url, '-D', 'ops'], {
      env: { DIRBRIDGE_PASSWORD: OPS_PASSWORD },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ready');
  });

  it('a wrong password, or no password without a terminal, is one line and exit 1', async () => {
    const wrong = await runCli(['status', '--url', server.url, '-D', 'ops'], {
      env: { DIRBRIDGE_PASSWORD: 'not-the-password' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('bind as ops refused: wrong name or password (49)');
    const none = await runCli(['status', '--url', server.url, '-D', 'ops']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no password');
  });

  it('anonymous binds may not read cn=Monitor (50) even where anonymous reading is on', async () => {
    const result = await ldapsearch(server.url, '(objectClass=*)', { base: 'cn=Monitor' });
    expect(result.code).toBe(50);
    expect(result.entries).toEqual([]);
  });

  it('a service account reads the tree with ldapsearch; the root DSE announces it', async () => {
    const bind = { dn: 'ops', password: OPS_PASSWORD };
    const tree = await ldapsearch(server.url, '(objectClass=*)', {
      base: 'cn=monitor',
      bind,
      attributes: ['*', '+'],
    });
    expect(tree.code, tree.stderr).toBe(0);
    const dns = tree.entries.map((e) => e.dn);
    expect(dns).toEqual(
      expect.arrayContaining([
        'cn=Monitor',
        'cn=demo,cn=Sources,cn=Monitor',
        'cn=Listener 0,cn=Listeners,cn=Monitor',
        'cn=Current,cn=Connections,cn=Monitor',
      ]),
    );
    const current = await ldapsearch(server.url, '(objectClass=*)', {
      base: 'cn=Current,cn=Connections,cn=Monitor',
      scope: 'base',
      bind,
      attributes: ['monitorCounter'],
    });
    expect(Number(current.entries[0]!.attributes.monitorCounter![0])).toBeGreaterThanOrEqual(1);
    const rootDse = await ldapsearch(server.url, '(objectClass=*)', {
      base: '',
      scope: 'base',
      attributes: ['+'],
    });
    expect(rootDse.entries[0]!.attributes.monitorContext).toEqual(['cn=Monitor']);
    expect(rootDse.entries[0]!.attributes.namingContexts).toEqual([SUFFIX]);
  });
});

describe('status over TLS', () => {
  let server: DirbridgeProcess;

  beforeAll(async () => {
    const ca = ensureTestCa();
    server = await startDirbridge({
      logName: 'monitor-tls',
      config: {
        listen: [{ url: 'ldap://127.0.0.1:0' }, { url: 'ldaps://127.0.0.1:0' }],
        tls: { cert: ca.serverCert, key: ca.serverKey },
        // Loopback not trusted: a password needs TLS even from this machine.
        access: { trustLoopback: false, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
      },
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  const env = { DIRBRIDGE_PASSWORD: OPS_PASSWORD };

  it('says what to do when the server wants TLS for the password', async () => {
    const result = await runCli(['status', '--url', server.urls[0]!, '-D', 'ops'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('use --starttls or an ldaps:// URL');
  });

  it('reads cn=Monitor with StartTLS and over LDAPS, trusting the CA given', async () => {
    const { caCert } = ensureTestCa();
    const starttls = await runCli(
      ['status', '--url', server.urls[0]!, '-D', 'ops', '--starttls', '--ca', caCert],
      {
        env,
      },
    );
    expect(starttls.code, starttls.stderr).toBe(0);
    expect(starttls.stdout).toContain(server.urls[1]!);
    const ldaps = await runCli(['status', '--url', server.urls[1]!, '-D', 'ops', '--ca', caCert], { env });
    expect(ldaps.code, ldaps.stderr).toBe(0);
    expect(ldaps.stdout).toMatch(/\ndemo +file +replica +ready/);
  });
});
