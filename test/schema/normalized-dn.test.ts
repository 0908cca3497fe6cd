import { describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/schema/normalized-dn.js';
import { Schema } from '../../src/schema/schema.js';

const schema = Schema.load();

describe('normalizeDn', () => {
  it.each([
    ['CN=Anna  Müller , DC=Example', 'cn=anna muller,dc=example'],
    ['commonName=Anna,DC=x', 'cn=anna,dc=x'],
    ['2.5.4.3=Anna,dc=x', 'cn=anna,dc=x'],
    ['sn=Müller+CN=Anna', 'cn=anna+sn=muller'],
    ['cn=Anna+sn=Müller', 'cn=anna+sn=muller'],
    ['cn=M\\C3\\BCller\\2C Anna', 'cn=muller\\, anna'],
    [
      'entryUUID=6F1B2C3D-0000-4000-8000-000000000001,ou=Demo',
      'entryuuid=6f1b2c3d-0000-4000-8000-000000000001,ou=demo',
    ],
  ])('%j -> %j', (text, normalized) => {
    expect(normalizeDn(text, schema)).toBe(normalized);
  });

  it('makes equal DNs equal strings', () => {
    expect(normalizeDn('CN=Anna  Müller , DC=Example', schema)).toBe(
      normalizeDn('cn=anna muller,dc=example', schema),
    );
  });

  it('lower-cases types it does not know, without a schema too', () => {
    expect(normalizeDn('Foo=Bar,DC=x')).toBe('foo=bar,dc=x');
  });

  it('keeps octet values exact', () => {
    expect(normalizeDn('userPassword=SeCrEt', schema)).toBe('userpassword=SeCrEt');
  });
});
