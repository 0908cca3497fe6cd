import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/directory/namespace.js';
import { Schema } from '../../src/schema/schema.js';
import { DnSyntaxError } from '../../src/dn/distinguished-name.js';

const schema = Schema.load();
const namespace = new Namespace('dc=dirbridge,dc=local', ['demo', 'AD'], schema);
const uuid = '0b5f2c1e-8d3a-4b6e-9c1f-2a7d5e3b4c6d';

describe('Namespace', () => {
  it('builds mount and entry DNs under the suffix', () => {
    expect(namespace.mountDn('demo')).toBe('ou=demo,dc=dirbridge,dc=local');
    expect(namespace.entryDn('demo', uuid)).toBe(`entryUUID=${uuid},ou=demo,dc=dirbridge,dc=local`);
  });

  it.each([
    ['', { kind: 'rootDse' }],
    ['cn=Subschema', { kind: 'subschema' }],
    ['CN=SUBSCHEMA', { kind: 'subschema' }],
    ['dc=dirbridge,dc=local', { kind: 'suffix' }],
    ['DC=DirBridge, DC=Local', { kind: 'suffix' }],
    ['ou=demo,dc=dirbridge,dc=local', { kind: 'mount', mount: 'demo' }],
    ['OU=ad,dc=dirbridge,dc=local', { kind: 'mount', mount: 'AD' }],
    [`entryUUID=${uuid},ou=demo,dc=dirbridge,dc=local`, { kind: 'entry', mount: 'demo', uuid }],
    [`ENTRYUUID=${uuid.toUpperCase()},ou=demo,dc=dirbridge,dc=local`, { kind: 'entry', mount: 'demo', uuid }],
    [`cn=x,entryUUID=${uuid},ou=demo,dc=dirbridge,dc=local`, { kind: 'belowEntry', mount: 'demo', uuid }],
    ['ou=nope,dc=dirbridge,dc=local', { kind: 'missing', matchedDN: 'dc=dirbridge,dc=local' }],
    [
      'cn=Anna,ou=demo,dc=dirbridge,dc=local',
      { kind: 'missing', matchedDN: 'ou=demo,dc=dirbridge,dc=local' },
    ],
    ['dc=local', { kind: 'missing', matchedDN: '' }],
    ['dc=other,dc=example', { kind: 'missing', matchedDN: '' }],
    ['ou=demo,dc=dirbridge,dc=localx', { kind: 'missing', matchedDN: '' }],
  ])('resolves "%s"', (dn, expected) => {
    expect(namespace.resolve(dn)).toEqual(expected);
  });

  it('refuses text that is not a DN', () => {
    expect(() => namespace.resolve('not a dn')).toThrow(DnSyntaxError);
    expect(() => namespace.resolve('not a dn')).toThrow(DnSyntaxError);
  });

  it('answers the same when asked again, for more DNs than it keeps and for long ones', () => {
    const fresh = new Namespace('dc=dirbridge,dc=local', ['demo'], schema);
    const uuidOf = (i: number) => `${uuid.slice(0, 24)}${i.toString(16).padStart(12, '0')}`;
    const dns = Array.from(
      { length: 3000 },
      (_, i) => `entryUUID=${uuidOf(i)},ou=demo,dc=dirbridge,dc=local`,
    );
    for (const round of [1, 2]) {
      dns.forEach((dn, i) =>
        expect(fresh.resolve(dn), `round ${round}`).toEqual({
          kind: 'entry',
          mount: 'demo',
          uuid: uuidOf(i),
        }),
      );
    }
    const long = `cn=${'x'.repeat(600)},ou=demo,dc=dirbridge,dc=local`;
    const missing = { kind: 'missing', matchedDN: 'ou=demo,dc=dirbridge,dc=local' };
    expect(fresh.resolve(long)).toEqual(missing);
    expect(fresh.resolve(long)).toEqual(missing);
  });
});
