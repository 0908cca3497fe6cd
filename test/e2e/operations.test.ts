/**
 * The operations besides search, through real clients: binds, compare, Who am I?, writes refused,
 * extended operations and controls we do not know, the root DSE and the schema, and access policy.
 */
import {
  Client,
  Control,
  InvalidCredentialsError,
  ProtocolError,
  UnavailableCriticalExtensionError,
} from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch, runTool } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';

/** Sent for names nobody owns; registered so the run proves no log ever shows it. */
const NOBODY_PASSWORD = registerTestSecret('nobody-Pw-4471');

let server: DirbridgeProcess;
let annaDn: string;

beforeAll(async () => {
  server = await startDirbridge();
  const anna = await ldapsearch(server.url, '(cn=Anna Müller)', { attributes: ['1.1'] });
  annaDn = anna.entries[0]!.dn;
});

afterAll(async () => {
  await server.stop();
});

describe('bind', () => {
  it('anonymous binds succeed, LDAPv3 and LDAPv2', async () => {
    for (const version of ['3', '2']) {
      const result = await runTool('ldapsearch', [
        '-x',
        '-P',
        version,
        '-H',
        server.url,
        '-b',
        '',
        '-s',
        'base',
        '(objectClass=*)',
        'vendorName',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('vendorName: dirbridge');
    }
  });

  it.each([
    ['EXAMPLE\\alice', NOBODY_PASSWORD],
    ['alice@example.test', NOBODY_PASSWORD],
    ['alice', NOBODY_PASSWORD],
    [`cn=nobody,${SUFFIX}`, NOBODY_PASSWORD],
  ])('a name nobody owns (%s) answers invalidCredentials (49)', async (name, password) => {
    const result = await runTool('ldapwhoami', ['-x', '-H', server.url, '-D', name, '-w', password]);
    expect(result.code).toBe(49);
  });

  it('a name with an empty password is refused (49), never anonymous', async () => {
    const client = new Client({ url: server.url });
    try {
      await expect(client.bind('alice@example.test', '')).rejects.toBeInstanceOf(InvalidCredentialsError);
    } finally {
      await client.unbind();
    }
  });

  it('Who am I? answers anonymous for an anonymous connection', async () => {
    const result = await runTool('ldapwhoami', ['-x', '-H', server.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('anonymous');
  });
});

describe('compare', () => {
  it('answers compareTrue (6) and compareFalse (5) with the directory matching rules', async () => {
    const yes = await runTool('ldapcompare', ['-x', '-H', server.url, annaDn, 'cn:anna muller']);
    expect(yes.code, yes.stderr).toBe(6);
    const no = await runTool('ldapcompare', ['-x', '-H', server.url, annaDn, 'cn:Jörg Schröder']);
    expect(no.code, no.stderr).toBe(5);
    const number = await runTool('ldapcompare', [
      '-x',
      '-H',
      server.url,
      annaDn,
      'telephoneNumber:030/1234567-12',
    ]);
    expect(number.code, number.stderr).toBe(6);
  });

  it('answers noSuchObject (32), noSuchAttribute (16) and undefinedAttributeType (17)', async () => {
    const missing = await runTool('ldapcompare', [
      '-x',
      '-H',
      server.url,
      `entryUUID=00000000-0000-0000-0000-000000000000,ou=demo,${SUFFIX}`,
      'cn:x',
    ]);
    expect(missing.code).toBe(32);
    const client = new Client({ url: server.url });
    try {
      await expect(client.compare(annaDn, 'pager', '123')).rejects.toMatchObject({ code: 16 });
      await expect(client.compare(annaDn, 'noSuchAttributeType', 'x')).rejects.toMatchObject({ code: 17 });
    } finally {
      await client.unbind();
    }
  });
});

describe('writes', () => {
  it('add, modify, delete and modrdn answer unwillingToPerform (53)', async () => {
    const ldif = `dn: cn=New Person,ou=demo,${SUFFIX}\nobjectClass: person\ncn: New Person\nsn: Person\n`;
    const add = await runStdin('ldapadd', ['-x', '-H', server.url], ldif);
    expect(add.code, add.stderr).toBe(53);
    const modify = await runStdin(
      'ldapmodify',
      ['-x', '-H', server.url],
      `dn: ${annaDn}\nchangetype: modify\nreplace: title\ntitle: Boss\n`,
    );
    expect(modify.code).toBe(53);
    const del = await runTool('ldapdelete', ['-x', '-H', server.url, annaDn]);
    expect(del.code).toBe(53);
    const modrdn = await runTool('ldapmodrdn', ['-x', '-H', server.url, annaDn, 'cn=Renamed']);
    expect(modrdn.code).toBe(53);
  });
});

describe('what the server does not know', () => {
  it('an unknown extended operation answers protocolError (2)', async () => {
    const client = new Client({ url: server.url });
    try {
      await expect(client.exop('1.3.6.1.4.1.99999.1')).rejects.toBeInstanceOf(ProtocolError);
    } finally {
      await client.unbind();
    }
  });

  it('an unknown critical control answers unavailableCriticalExtension (12); a non-critical one is ignored', async () => {
    const client = new Client({ url: server.url });
    try {
      const critical = new Control('1.3.6.1.4.1.99999.2', { critical: true });
      await expect(client.search(SUFFIX, { filter: '(cn=anna*)' }, critical)).rejects.toBeInstanceOf(
        UnavailableCriticalExtensionError,
      );
      const optional = new Control('1.3.6.1.4.1.99999.2', { critical: false });
      const { searchEntries } = await client.search(SUFFIX, { filter: '(cn=anna*)' }, optional);
      expect(searchEntries.length).toBeGreaterThan(0);
    } finally {
      await client.unbind();
    }
  });
});

describe('root DSE and schema', () => {
  it('lists naming context, versions, controls, extensions and vendor', async () => {
    const result = await ldapsearch(server.url, '(objectClass=*)', {
      base: '',
      scope: 'base',
      attributes: ['*', '+'],
    });
    expect(result.code, result.stderr).toBe(0);
    const dse = result.entries[0]!.attributes;
    expect(dse.namingContexts).toEqual([SUFFIX]);
    expect(dse.supportedLDAPVersion).toEqual(['3']);
    expect(dse.supportedControl).toContain('1.2.840.113556.1.4.319');
    expect(dse.supportedExtension).toContain('1.3.6.1.4.1.4203.1.11.3');
    expect(dse.subschemaSubentry).toEqual(['cn=Subschema']);
    expect(dse.vendorName).toEqual(['dirbridge']);
    expect(dse.vendorVersion?.[0]).toMatch(/^dirbridge \d+\.\d+\.\d+/);
  });

  it('serves the subschema with the presented attributes and object classes', async () => {
    const result = await ldapsearch(server.url, '(objectClass=subschema)', {
      base: 'cn=Subschema',
      scope: 'base',
      attributes: ['attributeTypes', 'objectClasses'],
    });
    expect(result.code, result.stderr).toBe(0);
    const schema = result.entries[0]!.attributes;
    expect(schema.attributeTypes).toContainEqual(
      expect.stringMatching(/^\( 2\.5\.4\.20 NAME 'telephoneNumber' .*EQUALITY telephoneNumberMatch/),
    );
    expect(schema.attributeTypes).toContainEqual(expect.stringMatching(/NAME 'ipPhone'/));
    expect(schema.objectClasses).toContainEqual(expect.stringMatching(/NAME 'contact'/));
  });

  it('returns attribute names as the schema spells them, whatever case was asked', async () => {
    const result = await ldapsearch(server.url, '(cn=Anna Müller)', {
      attributes: ['TELEPHONENUMBER', 'cN', 'entryuuid'],
    });
    const attributes = Object.keys(result.entries[0]!.attributes).sort();
    expect(attributes).toEqual(['cn', 'entryUUID', 'telephoneNumber']);
  });

  it('typesOnly returns names without values; 1.1 returns no attributes', async () => {
    const typesOnly = await runTool('ldapsearch', [
      '-x',
      '-LLL',
      '-A',
      '-H',
      server.url,
      '-b',
      SUFFIX,
      '(cn=Anna Müller)',
      'cn',
      'mail',
    ]);
    expect(typesOnly.stdout).toMatch(/^cn:$/m);
    expect(typesOnly.stdout).toMatch(/^mail:$/m);
    expect(typesOnly.stdout).not.toContain('Anna');
    const none = await ldapsearch(server.url, '(cn=Anna Müller)', { attributes: ['1.1'] });
    expect(none.entries[0]!.attributes).toEqual({});
  });
});

describe('access policy', () => {
  it('without anonymous access, searches answer 50 but the root DSE and schema stay readable', async () => {
    const closed = await startDirbridge({ config: { access: { anonymous: false } } });
    try {
      const search = await ldapsearch(closed.url, '(cn=anna*)');
      expect(search.code).toBe(50);
      const dse = await ldapsearch(closed.url, '(objectClass=*)', {
        base: '',
        scope: 'base',
        attributes: ['namingContexts'],
      });
      expect(dse.code, dse.stderr).toBe(0);
      const schema = await ldapsearch(closed.url, '(objectClass=*)', {
        base: 'cn=Subschema',
        scope: 'base',
        attributes: ['1.1'],
      });
      expect(schema.code, schema.stderr).toBe(0);
    } finally {
      await closed.stop();
    }
  });
});

function runStdin(
  tool: string,
  args: readonly string[],
  input: string,
): Promise<{ code: number; stderr: string }> {
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise((resolve) => {
        const child = spawn(tool, args, { stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
        child.stdin.end(input);
      }),
  );
}
