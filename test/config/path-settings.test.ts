/**
 * Settings that are file paths are read from the config file's folder, whichever source type holds
 * them and whatever the working directory: each type's descriptor names its path settings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTestConfig } from '../support/load-test-config.js';

describe('path settings', () => {
  it('resolves tls.ca of ldap, ad and domino sources and a file source path against the config folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dirbridge-paths-'));
    const file = join(folder, 'config.yaml');
    writeFileSync(
      file,
      [
        'sources:',
        '  - { name: book, type: file, path: people.csv }',
        '  - { name: dir, type: ldap, urls: ldaps://a, base: dc=x, tls: { ca: certs/ca.pem } }',
        '  - { name: ad, type: ad, urls: ldaps://dc, base: dc=x, tls: { ca: certs/ca.pem } }',
        '  - { name: domino, type: domino, urls: ldaps://d, tls: { ca: certs/ca.pem } }',
        '',
      ].join('\n'),
    );
    const config = await loadTestConfig(file);
    const [book, ...ldapFamily] = config.sources;
    expect(book!.path).toBe(join(folder, 'people.csv'));
    for (const source of ldapFamily)
      expect(source.tls, source.name).toEqual({
        ca: join(folder, 'certs/ca.pem'),
        rejectUnauthorized: true,
      });
  });
});
