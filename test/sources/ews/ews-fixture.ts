/**
 * The EWS fake seeded with Contoso for the ews source's tests, its CA written to a file for
 * `tls.ca`, and ews sources pointed at it (Basic as alice unless overridden).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceLogger } from '../../../src/sources/source-descriptor.js';
import { createEwsSource, EwsAddressBookSource, EwsSource } from '../../../src/sources/ews/index.js';
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
  /** A mailbox contacts source, warning to `logger` if given. */
  source(overrides?: Record<string, unknown>, logger?: SourceLogger): EwsSource;
  /** An address book source (`addressBook: true`, live), warning to `logger` if given. */
  addressBook(overrides?: Record<string, unknown>, logger?: SourceLogger): EwsAddressBookSource;
}

export async function startEwsFixture(options: EwsFakeOptions = {}): Promise<EwsFixture> {
  const fake = await EwsFake.start(options);
  const ids = seedContoso(fake);
  const caFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-ews-')), 'ca.pem');
  writeFileSync(caFile, fake.caCertificate);
  const create = (
    overrides: Record<string, unknown>,
    logger?: SourceLogger,
  ): EwsSource | EwsAddressBookSource =>
    createEwsSource(
      {
        name: 'exchange',
        type: 'ews',
        url: fake.url,
        auth: 'basic',
        username: CONTOSO.alice.signIn,
        password: CONTOSO.alice.password,
        tls: { ca: caFile },
        timeout: 5,
        ...overrides,
      },
      logger === undefined ? {} : { logger },
    );
  return {
    fake,
    ids,
    caFile,
    source: (overrides = {}, logger) => {
      const source = create(overrides, logger);
      if (!(source instanceof EwsSource)) throw new Error('not a mailbox contacts source');
      return source;
    },
    addressBook: (overrides = {}, logger) => {
      const source = create({ addressBook: true, mode: 'live', ...overrides }, logger);
      if (!(source instanceof EwsAddressBookSource)) throw new Error('not an address book source');
      return source;
    },
  };
}
