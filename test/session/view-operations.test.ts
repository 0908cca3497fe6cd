/**
 * Searches and compares across a view, driven through one Session in process: the listener's view
 * (here for anonymous callers) renames filters, attribute lists and entries, on every page of a
 * paged search, and the attribute of a compare; a session without a view is left alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Response } from '../../src/protocol/messages.js';
import { ResultCode } from '../../src/protocol/result-codes.js';
import { Schema } from '../../src/schema/schema.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { ViewCatalog } from '../../src/view/view-catalog.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';
import { directoryServices } from './directory-services.js';
import { pagedCookie, pagedResults, searchRequest } from './request-messages.js';
import { SessionHarness } from './session-harness.js';

const PEOPLE: readonly SourceRecord[] = [1, 2, 3].map((n) => ({
  id: String(n),
  fields: {
    cn: [`Person ${n}`],
    sn: ['Person'],
    telephoneNumber: [`+49 30 1234-${n}`],
    ipPhone: [`20${n}`],
    title: ['Boss'],
    userPassword: [`pw${n}`],
  },
}));

const views = new ViewCatalog(
  {
    listen: [
      { url: 'ldap://127.0.0.1:0', view: 'seed-ad' },
      { url: 'ldap://127.0.0.1:0', view: 'seed-office365' },
    ],
    access: { accounts: [] },
  },
  Schema.load(),
);

let harness: SessionHarness | undefined;

afterEach(() => {
  harness?.close();
  harness = undefined;
});

async function open(listener: number | undefined): Promise<SessionHarness> {
  const services = {
    ...directoryServices(await testDirectory([{ name: 'people', records: PEOPLE }])),
    views,
  };
  harness = await SessionHarness.open(services, 1, { secure: false, tls: undefined, listener });
  return harness;
}

type Entry = Extract<Response, { type: 'searchResultEntry' }>;

function shown(entry: Entry): Record<string, readonly string[]> {
  return Object.fromEntries(entry.attributes.map((attribute) => [attribute.type, attribute.values]));
}

function compare(messageId: number, attribute: string, value: string, entry: string) {
  return { messageId, controls: [], request: { type: 'compare' as const, entry, attribute, value } };
}

describe('operations across a view', () => {
  it('renames the filter in and the entries out', async () => {
    const session = await open(0);
    session.send(
      searchRequest(1, {
        base: TEST_SUFFIX,
        filter: '(telephoneNumber=202)',
        attributes: ['telephoneNumber', 'ipPhone', 'userPassword'],
      }),
    );
    const { entries, done } = await session.search(1);
    expect(done.response.resultCode).toBe(ResultCode.success);
    expect(entries.map(shown)).toEqual([{ telephoneNumber: ['202'], ipPhone: ['+49 30 1234-2'] }]);
  });

  it('renames every page of a paged search', async () => {
    const session = await open(0);
    const request = { base: TEST_SUFFIX, filter: '(telephoneNumber=20*)', attributes: ['telephoneNumber'] };
    session.send(searchRequest(1, { ...request, controls: [pagedResults(2)] }));
    const first = await session.search(1);
    session.send(searchRequest(2, { ...request, controls: [pagedResults(2, pagedCookie(first.done))] }));
    const second = await session.search(2);
    expect([...first.entries, ...second.entries].map(shown)).toEqual([
      { telephoneNumber: ['201'] },
      { telephoneNumber: ['202'] },
      { telephoneNumber: ['203'] },
    ]);
  });

  it('compares under the client name; a name renamed away answers noSuchAttribute', async () => {
    const session = await open(1);
    session.send(
      searchRequest(1, { base: TEST_SUFFIX, filter: '(businessPhones=201)', attributes: ['1.1'] }),
    );
    const [entry] = (await session.search(1)).entries;
    const dn = entry!.objectName;
    session.send(
      compare(2, 'businessPhones', '201', dn),
      compare(3, 'jobTitle', 'boss', dn),
      compare(4, 'title', 'Boss', dn),
    );
    const codes = await Promise.all([2, 3, 4].map(async (id) => (await session.answer(id))[0]!.response));
    expect(codes.map((response) => ('resultCode' in response ? response.resultCode : undefined))).toEqual([
      ResultCode.compareTrue,
      ResultCode.compareTrue,
      ResultCode.noSuchAttribute,
    ]);
  });

  it('leaves a session without a view alone', async () => {
    const session = await open(undefined);
    session.send(
      searchRequest(1, {
        base: TEST_SUFFIX,
        filter: '(ipPhone=202)',
        attributes: ['telephoneNumber', 'ipPhone'],
      }),
    );
    const { entries } = await session.search(1);
    expect(entries.map(shown)).toEqual([{ telephoneNumber: ['+49 30 1234-2'], ipPhone: ['202'] }]);
  });
});
