import { readFileSync } from 'node:fs';
import type { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../scripts/seeded-random.js';
import type { Filter } from '../../../src/filter/ast.js';
import { parseFilter } from '../../../src/filter/parse.js';
import {
  objectClassesOf,
  parseObjectClassDescription,
  readSchemaAttributes,
  schemaAttributes,
} from '../../../src/sources/ldap/schema-attributes.js';

/** The values of one attribute in a fixture copied from `ldapsearch -o ldif-wrap=no`. */
function fixture(file: string, attribute: string): string[] {
  const prefix = `${attribute}: `;
  return readFileSync(new URL(`fixtures/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

const SAMBA_CLASSES = fixture('samba-ad-schema.ldif', 'objectClasses');
const SAMBA_RULES = fixture('samba-ad-schema.ldif', 'dITContentRules');
const OPENLDAP_CLASSES = fixture('openldap-schema.ldif', 'objectClasses');

function samba(classes: readonly string[]): string[] {
  const { must, may } = schemaAttributes(SAMBA_CLASSES, classes, SAMBA_RULES);
  return [...must, ...may];
}

const PBX_ATTRIBUTES = [
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'userPrincipalName',
  'sAMAccountName',
  'mail',
  'department',
];

describe('parseObjectClassDescription', () => {
  it('reads an RFC 4512 description', () => {
    expect(
      parseObjectClassDescription(
        "( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber ) )",
      ),
    ).toEqual({
      oid: '2.5.6.6',
      names: ['person'],
      obsolete: false,
      superiors: ['top'],
      kind: 'structural',
      must: ['sn', 'cn'],
      may: ['userPassword', 'telephoneNumber'],
      auxiliaries: [],
      precluded: [],
    });
  });

  it("reads OpenLDAP's: a list of names, a description, single values without parentheses", () => {
    const pilot = OPENLDAP_CLASSES.find((text) => text.includes("'pilotPerson'"))!;
    expect(parseObjectClassDescription(pilot)).toMatchObject({
      oid: '0.9.2342.19200300.100.4.4',
      names: ['pilotPerson', 'newPilotPerson'],
      superiors: ['person'],
    });
    expect(
      parseObjectClassDescription(
        "( 2.5.6.0 NAME 'top' DESC 'top of the superclass chain' ABSTRACT MUST objectClass )",
      ),
    ).toEqual({
      oid: '2.5.6.0',
      names: ['top'],
      description: 'top of the superclass chain',
      obsolete: false,
      superiors: [],
      kind: 'abstract',
      must: ['objectClass'],
      may: [],
      auxiliaries: [],
      precluded: [],
    });
  });

  it("reads Samba's: no space after an opening parenthesis, AUX in DIT content rules", () => {
    const contact = SAMBA_CLASSES.find((text) => text.includes("NAME 'contact'"))!;
    expect(contact).toContain('MUST (cn )');
    expect(parseObjectClassDescription(contact)).toEqual({
      oid: '1.2.840.113556.1.5.15',
      names: ['contact'],
      obsolete: false,
      superiors: ['organizationalPerson'],
      kind: 'structural',
      must: ['cn'],
      may: ['msDS-SourceObjectDN', 'notes'],
      auxiliaries: [],
      precluded: [],
    });
    const rule = SAMBA_RULES.find((text) => text.includes("NAME 'user'"))!;
    expect(parseObjectClassDescription(rule)).toMatchObject({
      oid: '1.2.840.113556.1.5.9',
      names: ['user'],
      auxiliaries: [
        'msDS-CloudExtensions',
        'securityPrincipal',
        'mailRecipient',
        'shadowAccount',
        'posixAccount',
      ],
      must: ['sAMAccountName', 'objectSid', 'cn'],
    });
  });

  it('reads every description of both fixtures', () => {
    for (const text of [...SAMBA_CLASSES, ...SAMBA_RULES, ...OPENLDAP_CLASSES]) {
      const parsed = parseObjectClassDescription(text);
      expect(parsed, text).toBeDefined();
      expect(text).toContain(`( ${parsed!.oid} NAME `);
      expect(text).toContain(`'${parsed!.names[0]!}'`);
    }
    expect(SAMBA_CLASSES).toHaveLength(13);
    expect(OPENLDAP_CLASSES).toHaveLength(13);
  });

  it('unescapes quoted strings (\\27, \\5C, UTF-8 byte runs)', () => {
    const parsed = parseObjectClassDescription(
      "( 1.3.6.1.4.1.4203.666.1 NAME 'x' DESC 'O\\27Reilly \\5c M\\C3\\BCller\\5C27' MAY cn )",
    );
    expect(parsed?.description).toBe("O'Reilly \\ Müller\\27");
    expect(parsed?.may).toEqual(['cn']);
  });

  it('skips X- extensions and OBSOLETE wherever they stand, and keywords it does not know', () => {
    expect(
      parseObjectClassDescription(
        "( 2.5.6.6 NAME 'person' DESC 'RFC4519: a person' SUP top STRUCTURAL X-ORIGIN 'RFC 4519' " +
          "MUST ( sn $ cn ) X-SCHEMA-FILE ( '00core.ldif' 'user defined' ) MAY ( userPassword $ telephoneNumber ) " +
          "OBSOLETE X-NOTE 'it\\27s ( not ) a list' E-FUTURE 'value' )",
      ),
    ).toMatchObject({
      names: ['person'],
      description: 'RFC4519: a person',
      obsolete: true,
      must: ['sn', 'cn'],
      may: ['userPassword', 'telephoneNumber'],
    });
  });

  it('takes the forms lenient servers write: quoted OIDs, lists without $, keywords in lower case', () => {
    expect(
      parseObjectClassDescription(
        "( '2.5.6.7' name 'organizationalPerson' sup 'person' may ( 'title' ou $ $ l ) )",
      ),
    ).toMatchObject({
      oid: '2.5.6.7',
      names: ['organizationalPerson'],
      superiors: ['person'],
      may: ['title', 'ou', 'l'],
    });
  });

  it.each([
    '',
    '   ',
    'person',
    '2.5.6.6 NAME person',
    '(',
    '( )',
    "( 'unclosed",
    "( 2.5.6.6 NAME 'person",
    "( 2.5.6.6 NAME 'person' MUST ( sn $ cn )",
    "( 2.5.6.6 NAME 'person' MUST ( sn $ cn ) MAY ( a $ b ",
    '( 2.5.6.6 NAME )',
    '( 2.5.6.6 MAY )',
    '( 2.5.6.6 SUP ( top ( person ) ) )',
    "( 2.5.6.6 'person' )",
    '( ( 2.5.6.6 ) )',
    '( $ )',
    '( 2.5.6.6 DESC ( ) )',
    '\u0000\uffff(((',
  ])('gives undefined for what is not a description: %j', (text) => {
    expect(parseObjectClassDescription(text)).toBeUndefined();
  });

  it('never throws on damaged descriptions', () => {
    const random = new SeededRandom(4512);
    const alphabet = ["'", '(', ')', '$', '\\', ' ', 'a', '2', '.', 'MAY', 'NAME', 'X-Y', '\u00fc'];
    for (const text of [...SAMBA_CLASSES, ...SAMBA_RULES, ...OPENLDAP_CLASSES]) {
      for (let i = 0; i < 40; i++) {
        const at = random.int(0, text.length);
        const damaged = text.slice(0, at) + random.pick(alphabet) + text.slice(at + random.int(0, 3));
        expect(() => parseObjectClassDescription(damaged)).not.toThrow();
        expect(() => parseObjectClassDescription(text.slice(0, at))).not.toThrow();
      }
    }
  });

  it('reads hostile input in linear time', () => {
    const started = performance.now();
    for (const text of [
      `( 1.2 DESC '${'\\41'.repeat(50_000)}`,
      `( 1.2 DESC '${'\\'.repeat(100_001)}`,
      `( 1.2 MAY (${' a $'.repeat(50_000)}`,
      '('.repeat(100_000),
    ]) {
      expect(parseObjectClassDescription(text)).toBeUndefined();
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('schemaAttributes', () => {
  it("gives Samba's users and contacts the attributes a PBX imports", () => {
    const attributes = samba(['user', 'contact']);
    expect(attributes).toEqual(expect.arrayContaining(PBX_ATTRIBUTES));
    const { must } = schemaAttributes(SAMBA_CLASSES, ['user', 'contact'], SAMBA_RULES);
    expect(must).toEqual(expect.arrayContaining(['cn', 'objectClass', 'sAMAccountName', 'objectSid']));
  });

  it("takes sAMAccountName from AD's content rule: no objectClasses description lists it for user", () => {
    expect(samba(['user'])).toContain('sAMAccountName');
    const { must, may } = schemaAttributes(SAMBA_CLASSES, ['user']);
    expect([...must, ...may]).not.toContain('sAMAccountName');
    expect(may).toContain('userPrincipalName');
  });

  it('gives a contact no account attributes', () => {
    const contact = samba(['contact']);
    expect(contact).toEqual(
      expect.arrayContaining(['telephoneNumber', 'ipPhone', 'mobile', 'mail', 'department', 'cn']),
    );
    expect(contact).not.toContain('sAMAccountName');
    expect(contact).not.toContain('userPrincipalName');
  });

  it('follows superclasses down, never up to subclasses', () => {
    // inetOrgPerson has no content rule of its own on Samba: it has user's as user's subclass.
    expect(samba(['inetOrgPerson'])).toEqual(expect.arrayContaining(PBX_ATTRIBUTES));
    // computer is a subclass of user with an auxiliary class of its own (ipHost).
    expect(samba(['computer'])).toContain('ipHostNumber');
    expect(samba(['user'])).not.toContain('ipHostNumber');
  });

  it('finds classes by any name or OID, in any case', () => {
    const user = samba(['user']);
    expect(samba(['USER'])).toEqual(user);
    expect(samba(['1.2.840.113556.1.5.9'])).toEqual(user);
    const pilot = schemaAttributes(OPENLDAP_CLASSES, ['pilotPerson']);
    expect(schemaAttributes(OPENLDAP_CLASSES, ['NEWPILOTPERSON'])).toEqual(pilot);
    expect(pilot.may).toContain('favouriteDrink');
  });

  it("lists OpenLDAP's inetOrgPerson sorted, each attribute once", () => {
    const { must, may } = schemaAttributes(OPENLDAP_CLASSES, ['inetOrgPerson']);
    expect(must).toEqual(['cn', 'objectClass', 'sn']);
    expect(may).toEqual(
      expect.arrayContaining([
        'telephoneNumber',
        'mobile',
        'mail',
        'facsimileTelephoneNumber',
        'preferredLanguage',
      ]),
    );
    expect(may.filter((name) => name === 'telephoneNumber')).toHaveLength(1); // person and organizationalPerson
    expect(may).toEqual([...may].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(may).not.toContain('ipPhone');
  });

  it('follows several superclasses, and stops at cycles', () => {
    const classes = [
      "( 1.1.1 NAME 'a' SUP ( b $ 1.1.3 ) MAY x )",
      "( 1.1.2 NAME 'b' SUP a MAY y )",
      "( 1.1.3 NAME 'c' SUP ( c $ a ) MUST z )",
    ];
    expect(schemaAttributes(classes, ['a'])).toEqual({ must: ['z'], may: ['x', 'y'] });
    expect(schemaAttributes(classes, ['b'])).toEqual({ must: ['z'], may: ['x', 'y'] });
  });

  it('takes auxiliary classes where an object class description lists them', () => {
    const classes = ["( 1.1.1 NAME 'a' AUX ( b ) MAY x )", "( 1.1.2 NAME 'b' AUXILIARY MAY y )"];
    expect(schemaAttributes(classes, ['a'])).toEqual({ must: [], may: ['x', 'y'] });
  });

  it("applies a content rule's NOT to its own class only", () => {
    const classes = ["( 1.1.1 NAME 'a' MAY ( x $ y ) )", "( 1.1.2 NAME 'b' MAY ( y ) )"];
    const rules = ["( 1.1.1 NAME 'a' NOT y )"];
    expect(schemaAttributes(classes, ['a'], rules)).toEqual({ must: [], may: ['x'] });
    expect(schemaAttributes(classes, ['a', 'b'], rules)).toEqual({ must: [], may: ['x', 'y'] });
  });

  it('lists an attribute one class requires only as required; names differing in case once', () => {
    const classes = [
      "( 1.1.1 NAME 'a' SUP b MUST Mail MAY ( telephoneNumber $ mobile ) )",
      "( 1.1.2 NAME 'b' MAY ( mail $ TelephoneNumber $ Zeta $ alpha ) )",
    ];
    expect(schemaAttributes(classes, ['a'])).toEqual({
      must: ['Mail'],
      may: ['alpha', 'mobile', 'telephoneNumber', 'Zeta'],
    });
  });

  it('skips unknown classes and descriptions it cannot read', () => {
    const classes = ['junk', "( 1.1.1 NAME 'a' SUP missing MAY x", "( 1.1.2 NAME 'b' SUP missing MAY y )"];
    expect(schemaAttributes(classes, ['a', 'b', 'nosuch'], ['( broken'])).toEqual({ must: [], may: ['y'] });
    expect(schemaAttributes([], ['user'])).toEqual({ must: [], may: [] });
  });
});

/** A stand-in for ldapts' Client that answers base-scope searches from a map of entries. */
function fakeClient(entries: Record<string, Record<string, unknown>>, asked: string[] = []): Client {
  const search = (base: string, options: { filter: string; attributes: string[] }) => {
    asked.push(`${base} ${options.filter} ${options.attributes.join(',')}`);
    const entry = entries[base];
    return Promise.resolve({
      searchEntries: entry === undefined ? [] : [{ dn: base, ...entry }],
      searchReferences: [],
    });
  };
  return { search } as unknown as Client;
}

describe('readSchemaAttributes', () => {
  it('reads the subschema entry the root DSE names', async () => {
    const asked: string[] = [];
    const client = fakeClient(
      {
        '': { subschemaSubentry: 'CN=Aggregate,CN=Schema,CN=Configuration,DC=example,DC=test' },
        'CN=Aggregate,CN=Schema,CN=Configuration,DC=example,DC=test': {
          objectClasses: SAMBA_CLASSES,
          dITContentRules: SAMBA_RULES,
        },
      },
      asked,
    );
    const read = await readSchemaAttributes(client, ['user', 'contact']);
    expect(read).toEqual(schemaAttributes(SAMBA_CLASSES, ['user', 'contact'], SAMBA_RULES));
    expect(asked).toEqual([
      ' (objectClass=*) subschemaSubentry',
      'CN=Aggregate,CN=Schema,CN=Configuration,DC=example,DC=test (objectClass=subschema) objectClasses,dITContentRules',
    ]);
  });

  it('takes single values, Buffers and attribute names in any case', async () => {
    const client = fakeClient({
      '': { SubSchemaSubEntry: Buffer.from('cn=Subschema') },
      'cn=Subschema': { objectclasses: "( 2.5.6.6 NAME 'person' MUST cn MAY telephoneNumber )" },
    });
    expect(await readSchemaAttributes(client, ['person'])).toEqual({
      must: ['cn'],
      may: ['telephoneNumber'],
    });
  });

  it('gives undefined when the server publishes no schema', async () => {
    expect(await readSchemaAttributes(fakeClient({ '': {} }), ['person'])).toBeUndefined();
    expect(await readSchemaAttributes(fakeClient({}), ['person'])).toBeUndefined();
    expect(
      await readSchemaAttributes(
        fakeClient({ '': { subschemaSubentry: 'cn=Subschema' }, 'cn=Subschema': {} }),
        ['person'],
      ),
    ).toBeUndefined();
  });

  it('lets errors through as they are', async () => {
    const failure = new Error('50 insufficientAccessRights');
    const client = { search: () => Promise.reject(failure) } as unknown as Client;
    await expect(readSchemaAttributes(client, ['person'])).rejects.toBe(failure);
  });
});

describe('objectClassesOf', () => {
  it.each([
    ['(&(objectCategory=person)(objectClass=user))', ['user']],
    ['(|(objectClass=inetOrgPerson)(objectClass=user))', ['inetOrgPerson', 'user']],
    ['(objectclass=contact)', ['contact']],
    ['(&(OBJECTCLASS=user)(|(objectClass=User)(objectClass=contact)))', ['user', 'contact']],
    ['(&(objectClass=user)(!(objectClass=computer)))', ['user']],
    ['(!(objectClass=user))', []],
    ['(objectClass=*)', []],
    ['(objectClass=per*)', []],
    ['(&(objectCategory=person)(sn>=a))', []],
  ])('%s names %j', (filter, classes) => {
    expect(objectClassesOf(parseFilter(filter))).toEqual(classes);
  });

  it('walks a filter of any depth', () => {
    let filter: Filter = { type: 'equality', attribute: 'objectClass', value: 'user' };
    for (let i = 0; i < 100_000; i++) filter = { type: i % 2 ? 'and' : 'or', filters: [filter] };
    expect(objectClassesOf(filter)).toEqual(['user']);
  });
});
