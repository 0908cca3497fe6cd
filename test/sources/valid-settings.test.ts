/** A source built in code gets its type's defaults and the loader's words for a wrong setting. */
import { describe, expect, it } from 'vitest';
import { AD_SOURCE } from '../../src/sources/ad/descriptor.js';
import { FILE_SOURCE } from '../../src/sources/file/descriptor.js';
import { SourceError } from '../../src/sources/source.js';
import { validSettings } from '../../src/sources/valid-settings.js';

describe('validSettings', () => {
  it('fills in the defaults the type writes in its settings, and leaves the caller its config', () => {
    const config = { name: 'book', type: 'file', path: 'people.csv' };
    expect(validSettings(FILE_SOURCE, config)).toEqual({
      ...config,
      mode: 'replica',
      kind: 'both',
      multiValueSeparator: '|',
      encoding: 'utf8',
    });
    expect(config).toEqual({ name: 'book', type: 'file', path: 'people.csv' });
  });

  it('fills in nested defaults and the type-specific ones', () => {
    const settled = validSettings(AD_SOURCE, { name: 'ad', type: 'ad', urls: 'ldaps://dc', base: 'dc=x' });
    expect(settled).toMatchObject({
      mode: 'replica',
      changeInterval: 30,
      reconcileInterval: 3600,
      idAttribute: 'objectGUID',
      usersFilter: '(&(objectCategory=person)(objectClass=user))',
      tls: { rejectUnauthorized: true },
      cache: { size: expect.any(Number) as number },
    });
  });

  it('names the source and every setting that is wrong, as the config loader would', () => {
    const wrong = () =>
      validSettings(AD_SOURCE, {
        name: 'ad',
        type: 'ad',
        urls: 'http://dc',
        pagesize: 5,
        netbiosName: 'NO SPACES',
      });
    expect(wrong).toThrow(SourceError);
    expect(wrong).toThrow(/^source ad: .*urls: must be an ldap:\/\/ or ldaps:\/\/ URL/);
    expect(wrong).toThrow(/base: is required/);
    expect(wrong).toThrow(/pagesize: unknown setting \(did you mean 'pageSize'\?\)/);
    expect(wrong).toThrow(/netbiosName: must be a NetBIOS domain name/);
  });
});
