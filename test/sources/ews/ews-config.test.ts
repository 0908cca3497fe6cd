/**
 * ews sources as an operator configures them: a YAML file with a mailbox contacts source (its
 * password from the environment, `tls.ca` relative to the config file) and an address book source,
 * loaded and mounted as dirbridge does, their directory searched the way a phone would: a caller's
 * number in another format, and a name from the address book.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDirectory } from '../../../src/app.js';
import type { Directory } from '../../../src/directory/directory.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { createLogger } from '../../../src/observability/logger.js';
import { CONTOSO } from '../../fakes/ews/index.js';
import { loadTestConfig } from '../../support/load-test-config.js';
import { startEwsFixture, type EwsFixture } from './ews-fixture.js';

const SUFFIX = 'dc=dirbridge,dc=local';
const logged: string[] = [];
let fixture: EwsFixture;
let directory: Directory;

beforeAll(async () => {
  fixture = await startEwsFixture();
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-ews-config-'));
  mkdirSync(join(folder, 'certs'));
  copyFileSync(fixture.caFile, join(folder, 'certs', 'exchange-ca.pem'));
  const file = join(folder, 'dirbridge.yaml');
  const common = [
    `    url: ${fixture.fake.url}`,
    '    auth: ntlm',
    `    username: '${CONTOSO.alice.signIn}'`,
    '    password: ${env:EWS_PASSWORD}',
    '    tls: { ca: certs/exchange-ca.pem }',
  ];
  writeFileSync(
    file,
    [
      'directory: { defaultCountry: DE }',
      'sources:',
      '  - name: exchange',
      '    type: ews',
      ...common,
      '  - name: gal',
      '    type: ews',
      '    mode: live',
      '    addressBook: true',
      ...common,
      '',
    ].join('\n'),
  );
  const config = await loadTestConfig(file, { env: { EWS_PASSWORD: CONTOSO.alice.password } });
  const logger = createLogger('info', { destination: { write: (line: string) => void logged.push(line) } });
  directory = await buildDirectory(config, logger, new AbortController().signal);
});

afterAll(async () => {
  await directory.close();
  await fixture.fake.close();
});

async function cns(base: string, filter: string): Promise<string[]> {
  const found: string[] = [];
  const request = {
    base,
    scope: 'one' as const,
    filter: parseFilter(filter),
    attributes: ['cn'],
    typesOnly: false,
  };
  for await (const hit of directory.search(request, new AbortController().signal))
    found.push(hit.attributes.find((attribute) => attribute.type === 'cn')!.values[0]!);
  return found.sort();
}

describe('ews sources in a config', () => {
  it('serves mailbox contacts by number in any format, and the address book by name', async () => {
    expect(
      await cns(`ou=exchange,${SUFFIX}`, '(|(telephoneNumber=+49301234 0001)(mobile=+49301234 0001))'),
    ).toEqual(['Jörg Müller']);
    expect(await cns(`ou=exchange,${SUFFIX}`, '(objectClass=contact)')).toHaveLength(13);
    expect(await cns(`ou=gal,${SUFFIX}`, '(|(cn=al*)(sn=al*))')).toEqual(['Alan Smithee', 'Alice Anders']);
  });

  it('never logs the password', () => {
    expect(logged.join('\n')).not.toContain(CONTOSO.alice.password);
  });
});
