/**
 * Local accounts and access policy through real clients: accounts bound by name and by DN read only
 * their sources, sensitive attributes reach only the account allowed them, anonymous reads are
 * refused by default, passwords over plain LDAP are refused except from trusted addresses (proven
 * from a network namespace of the test's own), and failed binds are throttled without holding up
 * anyone else. The account hashes come from `dirbridge hash-password` and reach the config through
 * `file:` and `${env:…}` secrets.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch, runTool } from './support/ldap-utils.js';
import { createNetworkNamespace, type NetworkNamespace } from './support/network-namespace.js';
import { registerTestSecret } from './support/test-secrets.js';

const PASSWORDS = {
  pbx: registerTestSecret('pbx pass wörd'),
  phones: registerTestSecret('phones-secret'),
  target: registerTestSecret('target-secret'),
};
/** A wrong password, distinctive enough for the log scan to find it if it ever leaked. */
const WRONG = registerTestSecret('not-the-Pw-6610');
/** Paula's WEB and SIP passwords in the CSV: data, which must never be logged either. */
const PAULA_WEB = registerTestSecret('Paula-web-7731');
const PAULA_SIP = registerTestSecret('Paula-sip-8842');
const PHONES_HASH_VARIABLE = 'DIRBRIDGE_E2E_PHONES_HASH';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-accounts-'));
const PEOPLE_CSV = join(folder, 'people.csv');
const STAFF_CSV = join(folder, 'staff.csv');
writeFileSync(
  PEOPLE_CSV,
  [
    'id,objectClass,cn,sn,telephoneNumber,userPassword,wuserPasswordSip',
    `p1,user,Paula People,People,+49 30 1111,${PAULA_WEB},${PAULA_SIP}`,
    `p2,user,Peter People,People,+49 30 2222,${registerTestSecret('Peter-web-1902')},${registerTestSecret('Peter-sip-2290')}`,
  ].join('\n'),
);
writeFileSync(
  STAFF_CSV,
  ['id,objectClass,cn,sn,telephoneNumber', 's1,user,Stella Staff,Staff,+49 30 3333'].join('\n'),
);

const SOURCES = [
  { name: 'people', type: 'file', path: PEOPLE_CSV },
  { name: 'staff', type: 'file', path: STAFF_CSV },
];

let hashes: Record<keyof typeof PASSWORDS, string>;
let server: DirbridgeProcess;

/** `dirbridge hash-password` fed through a pipe, as an operator would script it. */
function hashWithCli(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'hash-password'], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
    child.stdin.end(`${password}\n`);
  });
}

function accountsConfig(): Record<string, unknown>[] {
  const pbxHashFile = join(folder, 'pbx.hash');
  writeFileSync(pbxHashFile, `${hashes.pbx}\n`, { mode: 0o600 });
  return [
    {
      name: 'pbx',
      passwordHash: `file:${pbxHashFile}`,
      read: 'all',
      sensitive: ['userPassword', 'wuserPasswordSip'],
    },
    { name: 'phones', passwordHash: `\${env:${PHONES_HASH_VARIABLE}}`, read: ['people'] },
    { name: 'target', passwordHash: hashes.target },
  ];
}

beforeAll(async () => {
  const [pbx, phones, target] = await Promise.all([
    hashWithCli(PASSWORDS.pbx),
    hashWithCli(PASSWORDS.phones),
    hashWithCli(PASSWORDS.target),
  ]);
  hashes = { pbx: pbx.trim(), phones: phones.trim(), target: target.trim() };
  process.env[PHONES_HASH_VARIABLE] = hashes.phones;
  server = await startDirbridge({
    config: {
      sources: SOURCES,
      access: {
        accounts: accountsConfig(),
        throttle: { loginFailures: 3, delay: 1.5, maxDelay: 3 },
      },
    },
  });
});

afterAll(async () => {
  await server.stop();
});

/** Bind settings for ldapsearch: an account by name (with its password) or any name and password. */
function bind(name: string, password?: string): { dn: string; password: string } {
  return { dn: name, password: password ?? PASSWORDS[name as keyof typeof PASSWORDS] };
}

function names(entries: readonly { attributes: Record<string, string[]> }[]): string[] {
  return entries.flatMap((entry) => entry.attributes.cn ?? []).sort();
}

describe('dirbridge hash-password', () => {
  it('prints a scrypt hash of what a pipe sends, and its help', async () => {
    expect(hashes.pbx).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hashes.pbx).not.toBe(hashes.phones);
    const help = await runTool(process.execPath, [join(REPO, 'dist/cli.js'), 'hash-password', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: dirbridge hash-password');
    const usage = await runTool(process.execPath, [join(REPO, 'dist/cli.js'), '--help']);
    expect(usage.stdout).toContain('hash-password');
  });
});

describe('local accounts', () => {
  it.each(['pbx', 'PBX', `cn=pbx,${SUFFIX}`, 'CN=Pbx , DC=DirBridge,dc=LOCAL'])(
    'an account bound as %j reads every source it is given',
    async (name) => {
      const result = await ldapsearch(server.url, '(cn=*)', {
        bind: bind(name, PASSWORDS.pbx),
        attributes: ['cn'],
      });
      expect(result.code, result.stderr).toBe(0);
      expect(names(result.entries)).toEqual(['Paula People', 'Peter People', 'Stella Staff']);
    },
  );

  it('an account reads its sources only: others do not exist for it', async () => {
    const all = await ldapsearch(server.url, '(objectClass=*)', { bind: bind('phones'), attributes: ['cn'] });
    expect(all.code, all.stderr).toBe(0);
    expect(names(all.entries)).toEqual(['Paula People', 'Peter People']);
    expect(all.entries.map((entry) => entry.dn)).not.toContain(`ou=staff,${SUFFIX}`);
    const staff = await ldapsearch(server.url, '(objectClass=*)', {
      bind: bind('phones'),
      base: `ou=staff,${SUFFIX}`,
    });
    expect(staff.code).toBe(32);
  });

  it('Who am I? answers the account DN', async () => {
    for (const name of ['pbx', 'CN=PBX,DC=DIRBRIDGE,DC=LOCAL']) {
      const result = await runTool('ldapwhoami', ['-x', '-H', server.url, '-D', name, '-w', PASSWORDS.pbx]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(`dn:cn=pbx,${SUFFIX}`);
    }
  });

  it('a wrong password, another account password and an unknown name answer invalidCredentials (49)', async () => {
    for (const [name, password] of [
      ['phones', WRONG],
      ['phones', PASSWORDS.pbx],
      ['nobody', PASSWORDS.pbx],
      [`cn=phones,ou=people,${SUFFIX}`, PASSWORDS.phones],
    ] as const) {
      const result = await runTool('ldapwhoami', ['-x', '-H', server.url, '-D', name, '-w', password]);
      expect(result.code, `${name}: ${result.stderr}`).toBe(49);
    }
  });

  it('an account name with an empty password answers 49, never anonymous', async () => {
    const client = new Client({ url: server.url });
    try {
      await expect(client.bind('pbx', '')).rejects.toBeInstanceOf(InvalidCredentialsError);
    } finally {
      await client.unbind();
    }
  });

  it('anonymous binds succeed, but their searches answer insufficientAccessRights (50); the root DSE stays readable', async () => {
    const search = await ldapsearch(server.url, '(cn=*)');
    expect(search.code).toBe(50);
    expect(search.stderr).toContain('anonymous search is not allowed');
    const whole = await ldapsearch(server.url, '(cn=*)', { base: '', attributes: ['cn'] });
    expect(names(whole.entries)).toEqual([]);
    const rootDse = await ldapsearch(server.url, '(objectClass=*)', {
      base: '',
      scope: 'base',
      attributes: ['namingContexts'],
    });
    expect(rootDse.code, rootDse.stderr).toBe(0);
    expect(rootDse.entries[0]?.attributes.namingContexts).toEqual([SUFFIX]);
  });
});

describe('sensitive attributes', () => {
  const SENSITIVE = ['userPassword', 'wuserPasswordSip'];

  async function paula(name: 'pbx' | 'phones', attributes: string[]): Promise<Record<string, string[]>> {
    const result = await ldapsearch(server.url, '(cn=Paula People)', { bind: bind(name), attributes });
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries).toHaveLength(1);
    return result.entries[0]!.attributes;
  }

  it('reach only the account they are granted to', async () => {
    expect(await paula('pbx', SENSITIVE)).toEqual({
      userPassword: [PAULA_WEB],
      wuserPasswordSip: [PAULA_SIP],
    });
    expect(await paula('phones', SENSITIVE)).toEqual({});
    // Asked alike, right after the account that may read them: its answer is not the one kept for it.
    expect(await paula('pbx', ['*'])).toHaveProperty('userPassword', [PAULA_WEB]);
    const everything = await paula('phones', ['*']);
    expect(everything.cn).toEqual(['Paula People']);
    expect(Object.keys(everything).map((name) => name.toLowerCase())).not.toContain('userpassword');
  });

  it('cannot be probed through a filter by anyone else', async () => {
    for (const filter of [
      `(userPassword=${PAULA_WEB})`,
      '(userPassword=*)',
      '(!(userPassword=nothing))',
      '(wuserPasswordSip=sip*)',
    ]) {
      const phones = await ldapsearch(server.url, filter, { bind: bind('phones'), attributes: ['cn'] });
      expect(phones.code, phones.stderr).toBe(0);
      expect(names(phones.entries), filter).toEqual([]);
    }
    const pbx = await ldapsearch(server.url, `(userPassword=${PAULA_WEB})`, {
      bind: bind('pbx'),
      attributes: ['cn'],
    });
    expect(names(pbx.entries)).toEqual(['Paula People']);
  });

  it('cannot be compared by anyone else', async () => {
    const dn = (await ldapsearch(server.url, '(cn=Paula People)', { bind: bind('pbx'), attributes: ['1.1'] }))
      .entries[0]!.dn;
    const compare = (name: 'pbx' | 'phones') =>
      runTool('ldapcompare', [
        '-x',
        '-H',
        server.url,
        '-D',
        name,
        '-w',
        PASSWORDS[name],
        dn,
        `userPassword:${PAULA_WEB}`,
      ]);
    expect((await compare('pbx')).code).toBe(6);
    expect((await compare('phones')).code).toBe(50);
  });
});

describe('bind throttling', () => {
  it('delays the next bind of a login after repeated failures, while another connection is answered at once', async () => {
    for (let i = 0; i < 3; i++) {
      const result = await runTool('ldapwhoami', ['-x', '-H', server.url, '-D', 'target', '-w', WRONG]);
      expect(result.code).toBe(49);
    }
    const reader = new Client({ url: server.url });
    const guesser = new Client({ url: server.url });
    try {
      await reader.bind('pbx', PASSWORDS.pbx);
      const started = performance.now();
      const order: string[] = [];
      const throttled = guesser.bind('target', WRONG).then(
        () => order.push('bind succeeded?!'),
        (error: unknown) =>
          order.push(error instanceof InvalidCredentialsError ? 'bind refused' : String(error)),
      );
      // Give the bind a head start, so the search is sent while the bind is being held back.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { searchEntries } = await reader.search(SUFFIX, { filter: '(cn=Stella*)', attributes: ['cn'] });
      order.push('search answered');
      const searchMs = performance.now() - started;
      await throttled;
      const bindMs = performance.now() - started;
      expect(searchEntries.map((entry: Entry) => entry.cn)).toEqual(['Stella Staff']);
      expect(order).toEqual(['search answered', 'bind refused']);
      expect(bindMs).toBeGreaterThan(1000);
      expect(searchMs).toBeLessThan(bindMs);
    } finally {
      await Promise.all([reader.unbind(), guesser.unbind()]);
    }
    expect(server.output()).toContain('bind throttled after repeated failures');
    expect(server.output()).not.toContain(PASSWORDS.target);
  });
});

describe('passwords over plain LDAP', () => {
  let strict: DirbridgeProcess;

  beforeAll(async () => {
    strict = await startDirbridge({
      config: {
        sources: SOURCES,
        access: { trustLoopback: false, accounts: [{ name: 'pbx', passwordHash: hashes.pbx }] },
      },
    });
  });

  afterAll(async () => {
    await strict.stop();
  });

  it('are refused with strongerAuthRequired (8) when loopback is not trusted', async () => {
    const result = await runTool('ldapwhoami', ['-x', '-H', strict.url, '-D', 'pbx', '-w', PASSWORDS.pbx]);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('a password needs an encrypted connection');
  });

  it('anonymous binds are never refused for it, and a name without a password still answers 49', async () => {
    const anonymous = await runTool('ldapwhoami', ['-x', '-H', strict.url]);
    expect(anonymous.code, anonymous.stderr).toBe(0);
    const client = new Client({ url: strict.url });
    try {
      await expect(client.bind('pbx', '')).rejects.toBeInstanceOf(InvalidCredentialsError);
    } finally {
      await client.unbind();
    }
  });
});

describe('trusted addresses, from a network namespace', () => {
  let namespace: NetworkNamespace | undefined;
  const servers: DirbridgeProcess[] = [];

  beforeAll(() => {
    namespace = createNetworkNamespace();
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    namespace?.remove();
  });

  async function serveOnVeth(trustedAddresses: string[]): Promise<DirbridgeProcess> {
    const started = await startDirbridge({
      config: {
        listen: [{ url: `ldap://${namespace!.hostAddress}:0` }],
        sources: SOURCES,
        access: { trustedAddresses, accounts: [{ name: 'pbx', passwordHash: hashes.pbx }] },
      },
    });
    servers.push(started);
    return started;
  }

  const whoAmI = (url: string) =>
    namespace!.run('ldapwhoami', ['-x', '-H', url, '-D', 'pbx', '-w', PASSWORDS.pbx]);

  it('refuses a password from an address config does not trust (8)', async () => {
    const untrusting = await serveOnVeth(['192.0.2.0/24']);
    const result = await whoAmI(untrusting.url);
    expect(result.code, result.stderr).toBe(8);
  });

  it('accepts it from an address config trusts, as an address or as a range', async () => {
    for (const trusted of [namespace!.clientAddress, `${namespace!.hostAddress.replace(/\.1$/, '.0')}/30`]) {
      const trusting = await serveOnVeth([trusted]);
      const result = await whoAmI(trusting.url);
      expect(result.code, `${trusted}: ${result.stderr}`).toBe(0);
      expect(result.stdout.trim()).toBe(`dn:cn=pbx,${SUFFIX}`);
    }
  });
});

describe('secrets in the config', () => {
  it('a missing environment variable stops start-up, naming the config path and the variable only', async () => {
    const failed = await startDirbridge({
      config: {
        sources: SOURCES,
        access: { accounts: [{ name: 'pbx', passwordHash: '${env:DIRBRIDGE_E2E_NOT_SET}' }] },
      },
      timeoutMs: 15_000,
    }).then(
      async (started) => {
        await started.stop();
        return 'started';
      },
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(failed).toContain(
      'access.accounts[0].passwordHash: environment variable DIRBRIDGE_E2E_NOT_SET is not set',
    );
    expect(failed).toContain('exited with 1');
  });
});
