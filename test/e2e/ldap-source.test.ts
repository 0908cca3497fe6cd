/**
 * The generic `ldap` source against a real OpenLDAP slapd (scripts/test-backends/slapd.ts): 1,200
 * people with accented names and numbers written every which way, one contact and one referral,
 * served through a dirbridge process over LDAPS. Checks what phones and the PBX import need, the
 * TLS step of `dirbridge check`, and that a stopped backend answers unavailable, not a hang.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../../scripts/test-backends/slapd.js';
import { createLdapSource } from '../../src/sources/ldap/index.js';
import { ensureTestCa } from '../../scripts/test-backends/test-ca.js';
import { runCli } from './support/cli-process.js';
import {
  SUFFIX,
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';

const PEOPLE = 1200;
const FORMATS = [
  (n: string): string => `+49 30 5555-${n}`,
  (n: string): string => `030 5555${n}`,
  (n: string): string => `0049 (30) 5555 ${n}`,
  (n: string): string => `030/5555-${n}`,
];

function seedLdif(): string {
  const blocks = ['dn: ou=people,dc=example,dc=test\nobjectClass: organizationalUnit\nou: people'];
  const person = (cn: string, sn: string, phone: string): string =>
    [
      `dn: cn=${cn},ou=people,dc=example,dc=test`,
      'objectClass: inetOrgPerson',
      'objectClass: dirbridgeTestPhones',
      `cn: ${cn}`,
      `sn: ${sn}`,
      `telephoneNumber: ${phone}`,
      `ipPhone: ${phone.slice(-4)}`,
      `mail: ${cn.toLowerCase().replace(/[^a-z0-9]/g, '.')}@example.test`,
    ].join('\n');
  blocks.push(person('Anna Müller', 'Müller', '+49 30 1234-0001'));
  blocks.push(person('Jörg Weiß', 'Weiß', '030 1234-0002'));
  for (let i = 3; i <= PEOPLE; i++) {
    const n = String(i).padStart(4, '0');
    blocks.push(person(`Person ${n}`, `Tester${n}`, FORMATS[i % FORMATS.length]!(n)));
  }
  blocks.push(
    [
      'dn: cn=Supplier Hotline,ou=people,dc=example,dc=test',
      'objectClass: contact',
      'cn: Supplier Hotline',
      'sn: Hotline',
      'telephoneNumber: +49 89 7777-0',
    ].join('\n'),
  );
  blocks.push(
    [
      'dn: ou=elsewhere,dc=example,dc=test',
      'objectClass: referral',
      'objectClass: extensibleObject',
      'ou: elsewhere',
      'ref: ldap://127.0.0.1:9/ou=elsewhere,dc=example,dc=test',
    ].join('\n'),
  );
  return blocks.join('\n\n');
}

let slapd: Slapd;
let server: DirbridgeProcess;

function ldapSource(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'people',
    type: 'ldap',
    // The live path: translation and widening for the backend (ldap-change-feed.test.ts has the replica).
    mode: 'live',
    urls: [slapd.ldapsUrl],
    tls: { ca: slapd.caCert },
    bind: { name: slapd.serviceDn, password: registerTestSecret(slapd.servicePassword) },
    base: slapd.suffix,
    pageSize: 500,
    timeout: 3,
    ...overrides,
  };
}

beforeAll(async () => {
  slapd = await startSlapd({ name: 'ldap-source', ldif: seedLdif() });
  server = await startDirbridge({ config: { sources: [ldapSource()] }, logName: 'ldap-source' });
});

afterAll(async () => {
  await server.stop();
  await slapd.stop();
});

describe('ldap source over slapd', () => {
  it('finds Müller by muller* and +49 30 1234-0001 by 030 12340001', async () => {
    const byName = await ldapsearch(server.url, '(|(cn=muller*)(sn=muller*))', { attributes: ['cn'] });
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.entries.map((e) => e.attributes.cn?.[0])).toEqual(['Anna Müller']);
    const byNumber = await ldapsearch(server.url, '(telephoneNumber=030 12340001)', { attributes: ['cn'] });
    expect(byNumber.code, byNumber.stderr).toBe(0);
    expect(byNumber.entries.map((e) => e.attributes.cn?.[0])).toEqual(['Anna Müller']);
    const partial = await ldapsearch(server.url, '(|(telephoneNumber=*55550017*)(mobile=*55550017*))', {
      attributes: ['cn'],
    });
    expect(partial.entries.map((e) => e.attributes.cn?.[0])).toEqual(['Person 0017']);
  });

  it('gives the PBX import every entry once, over backend pages of 500', async () => {
    const result = await ldapsearch(server.url, '(objectCategory=person)', {
      extensions: ['pr=100/noprompt'],
      attributes: ['entryUUID', 'objectClass'],
    });
    expect(result.code, result.stderr).toBe(0);
    const dns = result.entries.map((e) => e.dn);
    expect(new Set(dns).size).toBe(dns.length);
    expect(dns.length).toBe(PEOPLE + 1);
    const contacts = result.entries.filter((e) => e.attributes.objectClass?.includes('contact'));
    expect(contacts.length).toBe(1);
  });

  it('reads a returned DN with a base-scope search', async () => {
    const found = await ldapsearch(server.url, '(sn=Tester0999)', { attributes: ['cn'] });
    const dn = found.entries[0]?.dn;
    expect(dn).toMatch(new RegExp(`^entryUUID=[0-9a-f-]{36},ou=people,${SUFFIX}$`));
    const read = await ldapsearch(server.url, '(objectClass=*)', {
      base: dn!,
      scope: 'base',
      attributes: ['cn'],
    });
    expect(read.code, read.stderr).toBe(0);
    expect(read.entries.map((e) => e.attributes.cn?.[0])).toEqual(['Person 0999']);
  });

  it('fails `dirbridge check` at the TLS step when the CA is wrong', async () => {
    const otherCa = ensureTestCa(join(tmpdir(), 'dirbridge-other-ca'));
    const config = writeConfig(demoConfig({ sources: [ldapSource({ tls: { ca: otherCa.caCert } })] }));
    const result = await runCli(['check', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('TLS: certificate for 127.0.0.1 not trusted: set tls.ca');
    expect(result.stdout).toMatch(/FAILED at step "connect"/);
    const good = await runCli(['check', '--config', writeConfig(demoConfig({ sources: [ldapSource()] }))]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/1200 users, 1 contact\b/);
  });

  it('fails over past a dead URL; get, fields and an abandoned search work on the source itself', async () => {
    const source = createLdapSource({
      ...ldapSource({ urls: ['ldaps://127.0.0.1:1', slapd.ldapsUrl] }),
      type: 'ldap',
      name: 'direct',
    });
    try {
      const signal = new AbortController().signal;
      const found = [];
      // Pushed down as (sn=*0999): every letter of "Tester" has accented forms.
      for await (const record of source.search(
        { filter: { type: 'equality', attribute: 'sn', value: 'tester0999' } },
        signal,
      )) {
        found.push(record);
      }
      expect(found.map((record) => record.fields.cn)).toEqual([['Person 0999']]);
      const again = await source.get(found[0]!.id, signal);
      expect(again?.fields.sn).toEqual(['Tester0999']);
      expect(again?.uuid).toBe(found[0]!.id);
      expect(await source.get('00000000-0000-0000-0000-000000000000', signal)).toBeUndefined();
      const fields = await source.fields();
      expect(fields.find((field) => field.name === 'telephoneNumber')?.count).toBe(200);

      const abort = new AbortController();
      let seen = 0;
      await expect(async () => {
        for await (const record of source.search({}, abort.signal)) {
          if (record.id !== '') seen++;
          if (seen === 10) abort.abort(new Error('enough'));
        }
      }).rejects.toThrow('enough');
      expect(seen).toBe(10);
      // The pool still serves after a search was abandoned mid-page.
      const count = { n: 0 };
      for await (const record of source.search({}, signal)) if (record.kind === 'contact') count.n++;
      expect(count.n).toBe(1);
    } finally {
      await source.close();
    }
  });

  it('answers a repeated phone lookup from the result cache, even while the backend hangs', async () => {
    const first = await ldapsearch(server.url, '(sn=Tester03*)', { attributes: ['cn'] });
    expect(first.code, first.stderr).toBe(0);
    expect(first.entries.length).toBeGreaterThan(0);
    slapd.pause();
    try {
      const again = await ldapsearch(server.url, '(sn=Tester03*)', { attributes: ['cn'] });
      expect(again.code, again.stderr).toBe(0);
      expect(again.entries.map((e) => e.dn)).toEqual(first.entries.map((e) => e.dn));
    } finally {
      slapd.resume();
    }
  });

  it('answers 52 unavailable within the timeout while the backend hangs, and recovers', async () => {
    slapd.pause();
    try {
      const started = Date.now();
      const result = await ldapsearch(server.url, '(sn=Tester02*)', { attributes: ['cn'] });
      expect(result.code, result.stderr).toBe(52);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThan(2_500); // the configured timeout is 3 s
      expect(elapsed).toBeLessThan(8_000);
    } finally {
      slapd.resume();
    }
    const again = await ldapsearch(server.url, '(sn=Tester020*)', { attributes: ['cn'] });
    expect(again.code, again.stderr).toBe(0);
    expect(again.entries.length).toBe(10);
  });

  it('answers 52 unavailable at once when the backend is stopped', async () => {
    await slapd.stop();
    const started = Date.now();
    const result = await ldapsearch(server.url, '(sn=Tester01*)', { attributes: ['cn'] });
    expect(result.code, result.stderr).toBe(52);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
