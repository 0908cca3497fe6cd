/**
 * The EWS fake seeded with Contoso for the ews source's tests, its CA written to a file for
 * `tls.ca`, and ews sources pointed at it (Basic as alice unless overridden).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEwsSource, type EwsSource } from '../../../src/sources/ews/index.js';
import {
  CONTOSO,
  EwsFake,
  seedContoso,
  type ContosoIds,
  type EwsFakeOptions,
} from '../../fakes/ews/index.js';

export interface EwsFixture {
  readonly fake: EwsFake;
  readonly ids: ContosoIds;
  readonly caFile: string;
  source(overrides?: Record<string, unknown>): EwsSource;
}

export async function startEwsFixture(options: EwsFakeOptions = {}): Promise<EwsFixture> {
  const fake = await EwsFake.start(options);
  const ids = seedContoso(fake);
  const caFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-ews-')), 'ca.pem');
  writeFileSync(caFile, fake.caCertificate);
  return {
    fake,
    ids,
    caFile,
    source: (overrides = {}) =>
      createEwsSource({
        name: 'exchange',
        type: 'ews',
        url: fake.url,
        auth: 'basic',
        username: CONTOSO.alice.signIn,
        password: CONTOSO.alice.password,
        tls: { ca: caFile },
        timeout: 5,
        ...overrides,
      }),
  };
}
